/**
 * OS layers written in TypeScript without any native code: `defineOs`'s checks, the script
 * host's descriptors and errors, and memflow's defaults the host fills in (memory maps from a
 * translation, dtbs, the optional parts guarded by the borrowing rule) over a TypeScript connector.
 */
import { describe, expect, test } from "bun:test";
import {
  type Connector,
  Inventory,
  type MemoryRange,
  type ProcessInfo,
  type ScriptProcessParts,
  type VirtualTranslate,
} from "../src/index.ts";
import { defineOs } from "../src/script/define-os.ts";

const X64 = { kind: "X86", bits: 64, addressExtensions: false } as const;
const INFO: ProcessInfo = Object.freeze({
  address: 0x1000n,
  pid: 1,
  state: { kind: "Alive" } as const,
  name: "one",
  path: "/one",
  commandLine: "/one",
  sysArch: X64,
  procArch: X64,
  dtb1: 0x2000n,
  dtb2: 0xffff_ffff_ffff_ffffn,
});
const MAP: MemoryRange[] = [{ address: 0x10000n, size: 0x1000n, pageType: 4 }];

/** A translation that knows one page; only what the host's defaults call is implemented. */
const translate = {
  virtPageMap: (gap: number | bigint) => (BigInt(gap) >= 0n ? MAP : []),
  virtToPhys: () => ({ address: 0x5000n, pageType: 4, pageSize: 0x1000n }),
} as unknown as VirtualTranslate;

function processParts(extra: Partial<ScriptProcessParts> = {}): ScriptProcessParts {
  const memory = {
    read: () => new Uint8Array(0),
    readInto: () => 0,
    readMany: () => [],
    write: () => {},
    writeMany: () => [],
  };
  return { memory, moduleList: () => [], ...extra };
}

const dtbs: bigint[][] = [];
const tiny = defineOs({
  name: "tiny",
  version: "1.0.0",
  description: "one process, over any input",
  create: (input) => ({
    info: () => ({ base: 0n, size: 0n, arch: X64 }),
    processInfoList: () => [INFO],
    process: (info) =>
      info.pid === 1
        ? processParts({ virtualTranslate: () => translate, setDtb: (dtb1, dtb2) => void dtbs.push([dtb1, dtb2]) })
        : processParts(),
    physicalMemory: input && (() => input),
  }),
});

/** A TypeScript connector of 4 KiB that reads nothing: an input for the OS layers below. */
const CONNECTOR = {
  name: "tiny",
  version: "1.0.0",
  description: "a TypeScript connector",
  create: () => ({ metadata: () => ({ realSize: 0x1000 }), read: () => 0 }),
};

/** What `run` throws (undefined when it returns), to match against `{ origin, kind }`. */
function thrown(run: () => unknown): unknown {
  try {
    run();
    return undefined;
  } catch (error) {
    return error;
  }
}

describe("defineOs", () => {
  test("refuses a name that is not a plugin name, and a definition without a version", () => {
    const base = { version: "1.0.0", description: "", create: tiny.create };
    expect(thrown(() => defineOs({ ...base, name: "no spaces" }))).toMatchObject({
      origin: "OsLayer",
      kind: "InvalidArgument",
    });
    expect(thrown(() => defineOs({ ...base, name: "ok", version: " " }))).toMatchObject({
      message: expect.stringContaining("needs a version"),
    });
    expect(defineOs({ ...base, name: "ok" }).kind).toBe("os");
  });
});

describe("the script host with OS definitions", () => {
  test("an OS and a connector may share a name; OS help and target lists fail with memflow's words", () => {
    const inventory = Inventory.empty().register(tiny).register(CONNECTOR);
    expect([inventory.availableOs(), inventory.availableConnectors()]).toEqual([["tiny"], ["tiny"]]);
    expect(inventory.plugins().map((entry) => entry.path)).toEqual(["builtin:tiny", "builtin:os/tiny"]);
    expect(thrown(() => inventory.osHelp("tiny"))).toMatchObject({
      origin: "OsLayer",
      kind: "NotSupported",
      detail: "Os-Plugin `tiny` does not support help text.",
    });

    // A TypeScript connector under a TypeScript OS: its physical memory is the connector.
    using os = inventory.builder().connector("tiny").os("tiny").build();
    expect(os.physicalMemory()?.metadata().realSize).toBe(0x1000n);
    // Getters work through the guard too: the connector's `closed` reads a private field.
    expect((os.physicalMemory() as Connector | undefined)?.closed).toBe(false);
  });

  test("a process's memory map comes from its translation; setDtb reaches the author and the info", () => {
    using os = Inventory.empty().register(tiny).instantiateOs("tiny");
    expect(os.physicalMemory()).toBeUndefined();
    using process = os.processByPid(1);
    expect(process.mappedMemRange(0)).toEqual(MAP);
    expect(process.virtToPhys(0x10000n).address).toBe(0x5000n);
    process.setDtb(0x3000n);
    expect(dtbs).toEqual([[0x3000n, 0xffff_ffff_ffff_ffffn]]);
    expect(process.info().dtb1).toBe(0x3000n);
    expect(thrown(() => process.primaryModuleAddress())).toMatchObject({ origin: "OsLayer", kind: "ModuleNotFound" });
    expect(thrown(() => process.primaryModule())).toMatchObject({ origin: "OsLayer", kind: "ModuleNotFound" });
  });

  test("a translation handed out earlier is refused while the OS is lent, as every OS call", () => {
    const withTranslate = defineOs({
      ...tiny,
      name: "translated",
      create: (input) => ({ ...tiny.create(input), virtualTranslate: () => translate }),
    });
    using os = Inventory.empty().register(withTranslate).instantiateOs("translated");
    const kernel = os.virtualTranslate();
    const process = os.processByInfo(INFO);
    expect(thrown(() => kernel?.virtToPhys(0))).toMatchObject({ origin: "OsLayer", kind: "AlreadyExists" });
    process.close();
    expect(kernel?.virtToPhys(0).address).toBe(0x5000n);
    os.close();
    expect(thrown(() => kernel?.virtToPhys(0))).toMatchObject({ origin: "Ffi", kind: "Uninitialized" });
  });
});

describe("the keyboard of a TypeScript OS", () => {
  const pressed = new Set<number>();
  const withKeyboard = defineOs({
    ...tiny,
    name: "keys",
    create: (input) => ({
      ...tiny.create(input),
      keyboard: () => ({
        isDown: (key) => pressed.has(key),
        setDown: (key, down) => void (down ? pressed.add(key) : pressed.delete(key)),
      }),
    }),
  });
  const inventory = Inventory.empty().register(withKeyboard).register(CONNECTOR);

  test("borrows the OS: keys set, a snapshot that does not follow later changes, bad codes refused", () => {
    using os = inventory.instantiateOs("keys");
    const keyboard = os.keyboard();
    if (keyboard === undefined) throw new Error("the keys OS has a keyboard");
    expect(thrown(() => os.processInfoList())).toMatchObject({
      origin: "OsLayer",
      kind: "AlreadyExists",
      detail: expect.stringContaining("lent to the keyboard of os keys"),
    });
    keyboard.setDown(0x41, true);
    const snapshot = keyboard.state();
    keyboard.setDown(0x41, false);
    expect([snapshot.isDown(0x41), keyboard.isDown(0x41), snapshot.isDown(0x42)]).toEqual([true, false, false]);
    expect(thrown(() => keyboard.isDown(1.5))).toMatchObject({ origin: "OsLayer", kind: "InvalidArgument" });
    keyboard.close();
    expect(os.processInfoList()).toHaveLength(1);
    expect(thrown(() => keyboard.isDown(0x41))).toMatchObject({ origin: "Ffi", kind: "Uninitialized" });
  });

  test("intoKeyboard moves the OS into the keyboard, which closes it and its connector", () => {
    const input = inventory.instantiateConnector("tiny");
    const os = inventory.instantiateOs("keys", input);
    const keyboard = os.intoKeyboard();
    expect([os.closed, input.closed]).toEqual([true, false]);
    expect(thrown(() => os.info())).toMatchObject({ origin: "Ffi", kind: "Uninitialized" });
    keyboard.close();
    expect(input.closed).toBe(true);
  });
});
