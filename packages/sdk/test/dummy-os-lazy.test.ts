/**
 * The dummy OS builds a process when it is first opened (native/dummy-os.md "Physical layout"):
 * creating it writes only the kernel; opening a process writes its tables and contents into its
 * reserved frames, the same bytes whatever order processes are opened in, in C and in TypeScript.
 */
import { describe, expect, test } from "bun:test";
import type { Os, PhysicalMemory } from "@memflow-ts/core";
import { openChain } from "./support/dummy-os-pair.ts";

const SIZE = 0x80_0000; // 8m

function physicalOf(os: Os): PhysicalMemory {
  const memory = os.physicalMemory();
  if (!memory) throw new Error("the dummy OS offers its physical memory");
  return memory;
}

/** The whole physical memory (8 MiB), read in one go. */
function memoryOf(os: Os): Uint8Array {
  return physicalOf(os).read(0n, SIZE);
}

/** How many 4 KiB frames hold anything but zeroes: the frames the OS has written. */
function framesWritten(os: Os): number {
  const bytes = memoryOf(os);
  let written = 0;
  for (let frame = 0; frame < SIZE; frame += 0x1000)
    if (bytes.subarray(frame, frame + 0x1000).some((byte) => byte !== 0)) written += 1;
  return written;
}

/** Whether the 4 KiB frame at `address` holds only zeroes (nothing written there). */
function blank(os: Os, address: bigint | undefined): boolean {
  return physicalOf(os)
    .read(address ?? 0n, 0x1000)
    .every((byte) => byte === 0);
}

/** Opens (and closes) the processes of `pids` in that order. */
function openInOrder(os: Os, pids: readonly number[]): void {
  for (const pid of pids) os.processByPid(pid).close();
}

describe.each(["dummy", "dummy_ts"])("the %s OS", (name) => {
  const open = () => openChain("dummy::size=8m", `${name}::procs=3,seed=7`);

  test("writes only the kernel when created, and a process's tables and pages when it is first opened", () => {
    using os = open();
    const infos = os.processInfoList();
    const created = framesWritten(os);
    expect(created).toBeGreaterThan(0); // the kernel's tables and module pages
    for (const info of infos) expect(blank(os, info.dtb1)).toBe(true);
    openInOrder(os, [2]);
    const afterOne = framesWritten(os);
    expect(afterOne).toBeGreaterThan(created);
    const [first, second, third] = infos;
    expect(blank(os, second?.dtb1)).toBe(false);
    expect(blank(os, first?.dtb1)).toBe(true);
    expect(blank(os, third?.dtb1)).toBe(true);
    openInOrder(os, [2]); // opened again: nothing more is written
    expect(framesWritten(os)).toBe(afterOne);
  });

  test("lays out the same bytes whatever order its processes are opened in", () => {
    using forwards = open();
    using backwards = open();
    openInOrder(forwards, [1, 2, 3]);
    openInOrder(backwards, [3, 1, 2]);
    expect(Buffer.from(memoryOf(backwards)).equals(Buffer.from(memoryOf(forwards)))).toBe(true);
    expect(backwards.processInfoList()).toEqual(forwards.processInfoList());
  });
});

test("the native and the TypeScript dummy OS write the same bytes for processes opened in different orders", () => {
  using native = openChain("dummy::size=8m", "dummy::procs=3,seed=7");
  using script = openChain("dummy::size=8m", "dummy_ts::procs=3,seed=7");
  openInOrder(native, [1, 3]);
  openInOrder(script, [3, 1]);
  expect(Buffer.from(memoryOf(script)).equals(Buffer.from(memoryOf(native)))).toBe(true);
});
