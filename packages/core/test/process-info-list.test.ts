/**
 * A list of ProcessInfo records decodes in one loop that decodes a state or an architecture
 * again only when the words deciding it change from one record to the next (os-decode.ts): the
 * list must equal the records decoded one by one, whatever repeats, changes or sits in padding.
 */
import { describe, expect, test } from "bun:test";
import { recordsIn } from "../src/ffi/native-list.ts";
import { PROCESS_INFO_RECORD } from "../src/ffi/os-decode.ts";
import {
  ARCHITECTURE_IDENT,
  ARCHITECTURE_TAG,
  PROCESS_INFO,
  PROCESS_STATE,
  PROCESS_STATE_TAG,
} from "../src/ffi/os-layouts.ts";
import type { ArchitectureIdent } from "../src/os/architecture.ts";
import type { ProcessState } from "../src/os/process-info.ts";

type Arch = { tag: number; bits?: number; extensions?: boolean; value?: bigint; padding?: number };
type State = { tag: number; exitCode?: number };

const X86_64: Arch = { tag: ARCHITECTURE_TAG.X86, bits: 64 };
const ALIVE: State = { tag: PROCESS_STATE_TAG.ALIVE };

/** Records as the shim lays them out, with their strings. */
function list(processes: { state: State; sys: Arch; proc: Arch }[]) {
  const bytes = new ArrayBuffer(processes.length * PROCESS_INFO.SIZE);
  const view = new DataView(bytes);
  const writeArch = (at: number, arch: Arch) => {
    view.setUint32(at + ARCHITECTURE_IDENT.TAG, arch.tag, true);
    if (arch.value !== undefined) view.setBigUint64(at + ARCHITECTURE_IDENT.VALUE, arch.value, true);
    if (arch.bits !== undefined) {
      view.setUint8(at + ARCHITECTURE_IDENT.X86_BITS, arch.bits);
      view.setUint8(at + ARCHITECTURE_IDENT.X86_ADDRESS_EXTENSIONS, arch.extensions ? 1 : 0);
    }
    // Bytes the tag does not use, which a plugin may leave as anything.
    if (arch.padding !== undefined) view.setUint32(at + ARCHITECTURE_IDENT.VALUE + 4, arch.padding, true);
  };
  processes.forEach(({ state, sys, proc }, index) => {
    const at = index * PROCESS_INFO.SIZE;
    view.setBigUint64(at + PROCESS_INFO.ADDRESS, 0x1000n * BigInt(index + 1), true);
    view.setUint32(at + PROCESS_INFO.PID, 100 + index, true);
    view.setUint32(at + PROCESS_INFO.STATE + PROCESS_STATE.TAG, state.tag, true);
    view.setInt32(at + PROCESS_INFO.STATE + PROCESS_STATE.EXIT_CODE, state.exitCode ?? 0, true);
    writeArch(at + PROCESS_INFO.SYS_ARCH, sys);
    writeArch(at + PROCESS_INFO.PROC_ARCH, proc);
    view.setBigUint64(at + PROCESS_INFO.DTB1, 0x5000n + BigInt(index), true);
    view.setBigUint64(at + PROCESS_INFO.DTB2, 0xffff_ffff_ffff_ffffn, true);
  });
  const strings = processes.flatMap((_, index) => [`p${index}`, `/bin/p${index}`, `/bin/p${index} -x`]);
  return { records: recordsIn(bytes), count: processes.length, strings };
}

function oneByOne({ records, count, strings }: ReturnType<typeof list>) {
  return Array.from({ length: count }, (_, index) =>
    PROCESS_INFO_RECORD.decode(records, index * PROCESS_INFO.SIZE, strings, index * 3),
  );
}

describe("a list of ProcessInfo records", () => {
  test("equals its records decoded one by one when states and architectures change between neighbours", () => {
    // Every way two neighbours can differ: the tag only, the payload's low or high word only, padding only.
    const archs: [Arch, ArchitectureIdent][] = [
      [X86_64, { kind: "X86", bits: 64, addressExtensions: false }],
      [
        { tag: ARCHITECTURE_TAG.X86, bits: 32 },
        { kind: "X86", bits: 32, addressExtensions: false },
      ],
      [
        { tag: ARCHITECTURE_TAG.X86, bits: 32 },
        { kind: "X86", bits: 32, addressExtensions: false },
      ],
      [
        { ...X86_64, extensions: true },
        { kind: "X86", bits: 64, addressExtensions: true },
      ],
      [
        { tag: ARCHITECTURE_TAG.AARCH64, value: 4096n },
        { kind: "AArch64", pageSize: 4096n },
      ],
      [
        { tag: ARCHITECTURE_TAG.AARCH64, value: 16384n },
        { kind: "AArch64", pageSize: 16384n },
      ],
      [
        { tag: ARCHITECTURE_TAG.UNKNOWN, value: 7n },
        { kind: "Unknown", id: 7n },
      ],
      [
        { tag: ARCHITECTURE_TAG.UNKNOWN, value: (1n << 32n) + 7n },
        { kind: "Unknown", id: (1n << 32n) + 7n },
      ],
      [
        { tag: ARCHITECTURE_TAG.AARCH64, value: (1n << 32n) + 7n },
        { kind: "AArch64", pageSize: (1n << 32n) + 7n },
      ],
      [
        { ...X86_64, padding: 0xdead_beef },
        { kind: "X86", bits: 64, addressExtensions: false },
      ],
    ];
    const states: [State, ProcessState][] = [
      [ALIVE, { kind: "Alive" }],
      [
        { tag: PROCESS_STATE_TAG.DEAD, exitCode: 3 },
        { kind: "Dead", exitCode: 3 },
      ],
      [
        { tag: PROCESS_STATE_TAG.DEAD, exitCode: 3 },
        { kind: "Dead", exitCode: 3 },
      ],
      [
        { tag: PROCESS_STATE_TAG.DEAD, exitCode: -4 },
        { kind: "Dead", exitCode: -4 },
      ],
      [{ tag: PROCESS_STATE_TAG.UNKNOWN }, { kind: "Unknown" }],
      [{ tag: PROCESS_STATE_TAG.UNKNOWN, exitCode: 9 }, { kind: "Unknown" }],
      [ALIVE, { kind: "Alive" }],
      [{ tag: PROCESS_STATE_TAG.DEAD }, { kind: "Dead", exitCode: 0 }],
      [ALIVE, { kind: "Alive" }],
      [ALIVE, { kind: "Alive" }],
    ];
    // The OS's architecture runs through the list in order, the process's one step ahead.
    const at = (index: number) => archs[index % archs.length] as [Arch, ArchitectureIdent];
    const given = list(states.map(([state], index) => ({ state: state, sys: at(index)[0], proc: at(index + 1)[0] })));
    const decoded = PROCESS_INFO_RECORD.decodeAll?.(given.records, given.count, given.strings);
    expect(decoded).toEqual(oneByOne(given));
    expect(decoded?.map((info) => info.state)).toEqual(states.map(([, state]) => state));
    expect(decoded?.map((info) => info.sysArch)).toEqual(states.map((_, index) => at(index)[1]));
    expect(decoded?.map((info) => info.procArch)).toEqual(states.map((_, index) => at(index + 1)[1]));
    expect(decoded?.[8]).toMatchObject({
      pid: 108,
      address: 0x9000n,
      name: "p8",
      path: "/bin/p8",
      commandLine: "/bin/p8 -x",
      dtb1: 0x5008n,
      dtb2: 0xffff_ffff_ffff_ffffn,
    });
    expect(decoded?.every(Object.isFrozen)).toBe(true);
  });

  test("of a thousand alike processes shares one state and one architecture object", () => {
    const given = list(Array.from({ length: 1000 }, () => ({ state: ALIVE, sys: X86_64, proc: X86_64 })));
    const decoded = PROCESS_INFO_RECORD.decodeAll?.(given.records, given.count, given.strings) ?? [];
    expect(decoded).toEqual(oneByOne(given));
    expect(new Set(decoded.map((info) => info.procArch)).size).toBe(1);
    expect(decoded.map((info) => info.pid).slice(-2)).toEqual([1098, 1099]);
  });
});
