/**
 * Address translation through a native plugin's VirtualTranslate (src/ffi/native-virtual-translate.ts):
 * a process's and the OS kernel's, against testos's tables (test-os.md), and its absence in the
 * minimal build, whose processes still read.
 */
import { afterAll, describe, expect, test } from "bun:test";
import type { Os, Process, VirtualTranslate } from "../src/index.ts";
import { buildTestos, expectMemflowError, processBytes } from "./support/testos.ts";

const plugins = buildTestos("memflow-ts-translate-");
afterAll(() => plugins.remove());

const WRITEABLE = 4;
const KERNEL = 0xfffff80000000000n;

/** A translation as testos reports it: 4 KiB pages (memflow stores log2 11), writeable. */
const translation = (inVirtual: number | bigint, size: number, physical: number) => ({
  inVirtual: BigInt(inVirtual),
  size: BigInt(size),
  outPhysical: { address: BigInt(physical), pageType: WRITEABLE, pageSize: 0x1000n },
});

/** Runs `check` with shell (pid 36, fixed process 2: 400000 → 120000) of a fresh full OS. */
function withShell(check: (translate: VirtualTranslate, process: Process) => void): void {
  const os = plugins.open();
  try {
    using process = os.processByPid(36);
    const translate = process.virtualTranslate();
    if (translate === undefined) throw new Error("the full build gives processes a VirtualTranslate");
    check(translate, process);
  } finally {
    os.close();
  }
}

describe("a process's translation", () => {
  test("virtToPhys and virtPageInfo follow the table; an unmapped address is (VirtualTranslate, OutOfBounds)", () => {
    withShell((translate) => {
      expect(translate.virtToPhys(0x400123)).toEqual({ address: 0x120123n, pageType: WRITEABLE, pageSize: 0x1000n });
      expect(translate.virtToPhys(0x40ffffn)).toEqual({ address: 0x12ffffn, pageType: WRITEABLE, pageSize: 0x1000n });
      expect(translate.virtPageInfo(0x406abc)).toEqual({ pageType: WRITEABLE, pageBase: 0x126000n, pageSize: 0x1000n });
      const hole = expectMemflowError(() => translate.virtToPhys(0x405800), "VirtualTranslate", "OutOfBounds");
      expect(hole.message).toContain("0x405800");
      expectMemflowError(() => translate.virtToPhys(0x410000), "VirtualTranslate", "OutOfBounds");
      expectMemflowError(() => translate.virtPageInfo(0x3fffff), "VirtualTranslate", "OutOfBounds");
    });
  });

  test("Process.virtToPhys is the translation's, when there is one", () => {
    withShell((translate, process) => {
      expect(process.virtToPhys(0x406abc)).toEqual(translate.virtToPhys(0x406abc));
      expect(process.virtToPhys(0x406abc)).toMatchObject({ address: 0x126abcn });
      expectMemflowError(() => process.virtToPhys(0x405000), "VirtualTranslate", "OutOfBounds");
    });
  });

  test("virtToPhysList translates in page pieces and reports each unmapped stretch once", () => {
    withShell((translate) => {
      expect(
        translate.virtToPhysList([
          { address: 0x404800, size: 0x2000 },
          { address: 0x90000000n, size: 0x3000n },
          { address: 0x40f000, size: 0x10 },
        ]),
      ).toEqual({
        translations: [
          translation(0x404800, 0x800, 0x124800),
          translation(0x406000, 0x800, 0x126000),
          translation(0x40f000, 0x10, 0x12f000),
        ],
        failures: [
          { from: 0x405000n, size: 0x1000n },
          { from: 0x90000000n, size: 0x3000n },
        ],
      });
      expect(translate.virtToPhysList([])).toEqual({ translations: [], failures: [] });
    });
  });

  test("virtToPhysRange gives each page unmerged; the translation map merges neighbours contiguous in both spaces", () => {
    withShell((translate) => {
      expect(translate.virtToPhysRange(0x403000, 0x407000)).toEqual([
        translation(0x403000, 0x1000, 0x123000),
        translation(0x404000, 0x1000, 0x124000),
        translation(0x406000, 0x1000, 0x126000),
      ]);
      expect(translate.virtTranslationMap()).toEqual([
        translation(0x400000, 0x5000, 0x120000),
        translation(0x406000, 0xa000, 0x126000),
      ]);
      expect(translate.virtTranslationMap(0x402000, 0x407000)).toEqual([
        translation(0x402000, 0x3000, 0x122000),
        translation(0x406000, 0x1000, 0x126000),
      ]);
      expect(translate.virtToPhysRange(0x407000, 0x407000)).toEqual([]);
      expectMemflowError(() => translate.virtToPhysRange(0x407000, 0x403000), "VirtualTranslate", "InvalidArgument");
      expectMemflowError(() => translate.virtTranslationMap(0x407000, 0x403000), "VirtualTranslate", "InvalidArgument");
    });
  });

  test("virtPageMap gives what mappedMemRange gives", () => {
    withShell((translate, process) => {
      for (const [gap, start, end] of [
        [-1, undefined, undefined],
        [0x1000, undefined, undefined],
        [-1, 0x402000, 0x407000],
      ] as const) {
        const map = translate.virtPageMap(gap, start, end);
        expect(map).toEqual(process.mappedMemRange(gap, start, end));
        expect(map.length).toBeGreaterThan(0);
      }
    });
  });

  test("physToVirt finds the start of a merged run only, as memflow's default does", () => {
    withShell((translate) => {
      expect(translate.physToVirt(0x120000)).toBe(0x400000n);
      expect(translate.physToVirt(0x126000n)).toBe(0x406000n);
      expect(translate.physToVirt(0x121000)).toBeUndefined();
      expect(translate.physToVirt(0x126001)).toBeUndefined();
      expect(translate.physToVirt(0x200000)).toBeUndefined();
    });
  });

  test("follows setDtb, and refuses use once the process is closed", () => {
    const os = plugins.open();
    try {
      const process = os.processByPid(36);
      const translate = process.virtualTranslate();
      process.setDtb(0x10000n);
      expect(translate?.virtToPhys(0x10000010)).toMatchObject({ address: 0x200010n });
      process.close();
      expectMemflowError(() => translate?.virtToPhys(0x400000), "Ffi", "Uninitialized");
      expectMemflowError(() => process.virtualTranslate(), "Ffi", "Uninitialized");
    } finally {
      os.close();
    }
  });
});

describe("the kernel's translation (Os.virtualTranslate)", () => {
  test("maps fffff80000000000 onto physical 0, with its hole", () => {
    const os = plugins.open();
    try {
      const translate = os.virtualTranslate();
      expect(translate?.virtToPhys(KERNEL + 0x1234n)).toEqual({
        address: 0x1234n,
        pageType: WRITEABLE,
        pageSize: 0x1000n,
      });
      expectMemflowError(() => translate?.virtToPhys(KERNEL + 0x2000n), "VirtualTranslate", "OutOfBounds");
      expectMemflowError(() => translate?.virtToPhys(KERNEL + 0x10000n), "VirtualTranslate", "OutOfBounds");
      expect(translate?.virtTranslationMap()).toEqual([
        translation(KERNEL, 0x2000, 0),
        translation(KERNEL + 0x3000n, 0xd000, 0x3000),
      ]);
      expect(translate?.virtPageMap(0x1000)).toEqual([{ address: KERNEL, size: 0x10000n, pageType: WRITEABLE }]);
      expect(translate?.physToVirt(0x3000)).toBe(KERNEL + 0x3000n);
      expect(translate?.physToVirt(0)).toBe(KERNEL);
    } finally {
      os.close();
    }
  });
});

describe("the minimal build", () => {
  function withMinimal(check: (os: Os) => void): void {
    const os = plugins.open("testosmin");
    try {
      check(os);
    } finally {
      os.close();
    }
  }

  test("has no translation, kernel view or physical memory, and says so with undefined", () => {
    withMinimal((os) => {
      expect(os.virtualTranslate()).toBeUndefined();
      expect(os.memoryView()).toBeUndefined();
      expect(os.physicalMemory()).toBeUndefined();
      using process = os.processByPid(36);
      expect(process.virtualTranslate()).toBeUndefined();
      const error = expectMemflowError(() => process.virtToPhys(0x400000), "OsLayer", "UnsupportedOptionalFeature");
      expect(error.message).toContain("process shell (pid 36)");
    });
  });

  test("still reads a process's memory and lists its modules", () => {
    withMinimal((os) => {
      using process = os.processByPid(1);
      // Nothing wrote the connector (no physical memory to write it through): it is zero, mapped or not.
      expect(process.readMany([{ address: 0x404ff8, length: 16 }])).toEqual([
        { address: 0x404ff8n, data: new Uint8Array(16), done: 8, failed: 8, ok: false },
      ]);
      expect(process.moduleList().map((module) => module.name)).toEqual(["init", "libc.so.6"]);
      expect(process.mappedMemRange(0x1000)).toHaveLength(2);
    });
  });
});

test("the full build's process reads agree with its translation, page by page", () => {
  withShell((translate, process) => {
    const map = translate.virtTranslationMap();
    expect(map.length).toBe(2);
    for (const run of map) {
      const length = Number(run.size);
      expect(process.read(run.inVirtual, length)).toEqual(processBytes(2, Number(run.inVirtual), length));
    }
  });
});
