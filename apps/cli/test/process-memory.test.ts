/**
 * read, write, dump and find on a process's virtual memory (-p), against the SDK's native dummy
 * OS (whose bytes dummy-os.md defines, computed here by the SDK's contract helper) and core's C
 * test OS over a writable raw file (test-os.md: init's image 400000–410000 maps physical 100000
 * onwards, with the page 405000 unmapped), so what a write did is seen in the file.
 */
import { describe, expect, test } from "bun:test";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dummyOsBytes } from "@memflow-ts/sdk";
import { ExitCode } from "../src/index.ts";
import { hexdump } from "../src/inventory/hexdump.ts";
import { buildDummyWithOs, buildTestOs } from "./support/os-plugins.ts";
import { osSandbox } from "./support/os-sandbox.ts";
import { buildRawfile, gcc } from "./support/plugins.ts";

const { sandbox, run } = osSandbox("memflow-ts-process-memory-", (plugins) => {
  buildDummyWithOs(plugins);
  buildTestOs(plugins);
  buildRawfile(plugins);
});
const raw = join(sandbox, "memory.raw");

/** 3 MiB whose byte at physical address a is (a × 7) mod 256, written afresh for each test that uses it. */
function freshRaw(): Uint8Array {
  const bytes = Uint8Array.from({ length: 0x300000 }, (_, address) => (address * 7) & 0xff);
  writeFileSync(raw, bytes);
  return bytes;
}

const SEED = 7n;
const DUMMY = ["-c", "dummy::size=4m", "-o", `dummy::procs=2,seed=${SEED}`];
const TESTOS_RAW = () => ["-c", `rawfile:${raw}:writable=true`, "-o", "testos"];

async function dummyModule(pid: number, name: string): Promise<{ base: bigint; size: number }> {
  const listed = await run(["modules", ...DUMMY, String(pid), "--json"]);
  const module = (JSON.parse(listed.stdout) as { name: string; base: string; size: string }[]).find(
    (entry) => entry.name === name,
  );
  if (module === undefined) throw new Error(`no module ${name}: ${listed.stderr}`);
  return { base: BigInt(module.base), size: Number(module.size) };
}

describe.skipIf(!gcc.available)("read -p and write -p", () => {
  test("read -p: a process's bytes as the dummy OS defines them, by pid and by name alike", async () => {
    const { base } = await dummyModule(2, "libc.so.6");
    const expected = hexdump(dummyOsBytes(SEED, 2, base + 0x1ff0n, 48), base + 0x1ff0n);
    const byPid = await run(["read", ...DUMMY, "-p", "2", `0x${(base + 0x1ff0n).toString(16)}`, "48"]);
    expect(byPid).toEqual({ code: ExitCode.ok, stdout: expected, stderr: "" });
    const byName = await run(["read", ...DUMMY, "--process", "dummy2", `0x${(base + 0x1ff0n).toString(16)}`, "48"]);
    expect(byName.stdout).toBe(expected);
  });

  test("an unmapped page inside the range: ?? and the range named on stderr, as physical reads show it", async () => {
    freshRaw();
    expect(await run(["read", ...TESTOS_RAW(), "-p", "init", "0x404ff8", "16"])).toEqual({
      code: ExitCode.ok,
      stdout: "00404ff8  c8 cf d6 dd e4 eb f2 f9  ?? ?? ?? ?? ?? ?? ?? ??  |........????????|\n",
      stderr: "[-] 8 of 16 bytes could not be read (process init, pid 1, os testos): 0x405000-0x405007; shown as ??\n",
    });
  });

  test("nothing mapped at the address: exit 1, and where to look", async () => {
    expect(await run(["read", ...DUMMY, "-p", "1", "0x10", "16"])).toEqual({
      code: ExitCode.failed,
      stdout: "",
      stderr:
        "[X] none of the 16 bytes at 0x10 could be read (process dummy1, pid 1, os dummy)\n" +
        "    Nothing is mapped there: 'memflow-ts modules' shows where the process's modules are.\n",
    });
  });

  test("write -p goes through the process's page tables into physical memory", async () => {
    const before = freshRaw();
    const written = await run(["write", ...TESTOS_RAW(), "-p", "1", "0x400010", "6e65656466c65"]);
    expect(written.code).toBe(ExitCode.usage); // an odd number of hex digits
    const ok = await run(["write", ...TESTOS_RAW(), "-p", "1", "0x400010", "6e656564", "6c65"]);
    expect(ok).toEqual({
      code: ExitCode.ok,
      stdout: "[=] wrote 6 bytes at 0x400010 (process init, pid 1, os testos)\n",
      stderr: "",
    });
    const after = readFileSync(raw);
    // test-os.md: init's 400000 maps physical 100000; nothing else changed.
    expect(new TextDecoder().decode(after.subarray(0x100010, 0x100016))).toBe("needle");
    after.set(before.subarray(0x100010, 0x100016), 0x100010);
    expect(after.equals(before)).toBe(true);
    const read = await run(["read", ...TESTOS_RAW(), "-p", "init", "0x400010", "6"]);
    expect(read.stdout).toBe("00400010  6e 65 65 64 6c 65                                 |needle|\n");
  });

  test("write -p over an unmapped page: memflow's partial write error, and what to do", async () => {
    freshRaw();
    const written = await run(["write", ...TESTOS_RAW(), "-p", "1", "0x404ffe", "01020304"]);
    expect(written.code).toBe(ExitCode.failed);
    expect(written.stderr).toBe(
      "[X] virtual memory: partial data (2 of 4 bytes at 0x404ffe could not be written to process init (pid 1) of os testos)\n" +
        "    Part of the range is not mapped in the process: 'memflow-ts modules -c <connector> -o <os> <pid|name>' shows where its modules are.\n",
    );
  });

  test("-p with a chain that ends with a connector is a usage error", async () => {
    const read = await run(["read", "-c", "dummy", "-p", "1", "0", "16"]);
    expect(read.code).toBe(ExitCode.usage);
    expect(read.stderr).toStartWith("[X] read needs a chain that ends with an OS");
  });

  test("-p with a pid that is no process: exit 1 naming it", async () => {
    const read = await run(["read", ...DUMMY, "-p", "3", "0", "16"]);
    expect(read.code).toBe(ExitCode.failed);
    expect(read.stderr).toStartWith("[X] oslayer: process not found (no process with pid 3 in os dummy)\n");
  });
});

describe.skipIf(!gcc.available)("dump -p --module", () => {
  test("writes the module's image; its unmapped page is zeros and named; --strict fails on it", async () => {
    const bytes = freshRaw();
    const out = join(sandbox, "dumps", "init.bin");
    mkdirSync(join(sandbox, "dumps"), { recursive: true });
    const dumped = await run(["dump", ...TESTOS_RAW(), "-p", "1", "--module", "init", "--out", out]);
    expect(dumped).toEqual({
      code: ExitCode.ok,
      stdout: `[=] wrote module init, 65536 bytes from 0x400000-0x40ffff (process init, pid 1, os testos), to ${out}\n`,
      stderr: `[-] 4096 of 65536 bytes could not be read (process init, pid 1, os testos): 0x405000-0x405fff; they are zeros in ${out}\n`,
    });
    const expected = bytes.slice(0x100000, 0x110000);
    expected.fill(0, 0x5000, 0x6000);
    expect(new Uint8Array(readFileSync(out))).toEqual(expected);
    expect(readdirSync(join(sandbox, "dumps"))).toEqual(["init.bin"]);
    const strict = await run(["dump", ...TESTOS_RAW(), "-p", "1", "--module", "init", "--out", out, "--strict", "-q"]);
    expect(strict.code).toBe(ExitCode.failed);
    expect(strict.stdout).toBe("");
    expect(strict.stderr).toStartWith("[X] 4096 of 65536 bytes could not be read");
  });

  test("the dummy OS's module, byte for byte as dummy-os.md defines it, its hole zero", async () => {
    const { base, size } = await dummyModule(1, "libm.so.6");
    const out = join(sandbox, "libm.bin");
    const dumped = await run(["dump", ...DUMMY, "-p", "dummy1", "--module", "libm.so.6", "--out", out]);
    expect(dumped.code).toBe(ExitCode.ok);
    // dummy-os.md: a module of n pages has page floor(n / 2) unmapped.
    const hole = Math.floor(size / 0x1000 / 2) * 0x1000;
    const expected = new Uint8Array(dummyOsBytes(SEED, 1, base, size));
    expected.fill(0, hole, hole + 0x1000);
    expect(new Uint8Array(readFileSync(out))).toEqual(expected);
    const first = base + BigInt(hole);
    expect(dumped.stderr).toContain(`0x${first.toString(16)}-0x${(first + 0xfffn).toString(16)}`);
  });

  test("a module that is not there, and the flags dump needs", async () => {
    const missing = await run(["dump", ...DUMMY, "-p", "1", "--module", "nope", "--out", join(sandbox, "x")]);
    expect(missing.code).toBe(ExitCode.failed);
    expect(missing.stderr).toStartWith(
      '[X] oslayer: module not found (no module named "nope" in the process with pid 1)',
    );
    for (const [args, message] of [
      [["--module", "dummy1", "--out", "x"], "dump needs a process: -p <pid|name>"],
      [["-p", "1", "--out", "x"], "dump needs a module: --module <name>"],
      [["-p", "1", "--module", "dummy1"], "dump needs a file to write: --out <file>"],
    ] as const) {
      const failed = await run(["dump", ...DUMMY, ...args]);
      expect(failed.code).toBe(ExitCode.usage);
      expect(failed.stderr).toStartWith(`[X] ${message}\n`);
    }
  });
});

describe.skipIf(!gcc.available)("find -p", () => {
  test("hex bytes: every place they are, with the module and offset; --json", async () => {
    const { base } = await dummyModule(2, "libc.so.6");
    const at = base + 0x1234n;
    const pattern = Buffer.from(dummyOsBytes(SEED, 2, at, 12)).toString("hex");
    const found = await run(["find", ...DUMMY, "-p", "2", pattern]);
    expect(found.code).toBe(ExitCode.ok);
    expect(found.stdout).toBe(`0x${at.toString(16)}  libc.so.6+0x1234\n`);
    const json = JSON.parse((await run(["find", ...DUMMY, "-p", "2", pattern, "--json"])).stdout);
    expect(json).toMatchObject({
      stopped: false,
      unreadable: 0,
      matches: [{ address: `0x${at.toString(16)}`, offset: "0x1234" }],
    });
    expect(Object.keys(json)).toEqual(["matches", "stopped", "searched", "unreadable"]);
  });

  test("text, written through write -p first; nothing found is exit 1 with a note", async () => {
    freshRaw();
    await run(["write", ...TESTOS_RAW(), "-p", "1", "0x10000ffd", "6e656564", "6c65"]);
    const found = await run(["find", ...TESTOS_RAW(), "-p", "init", "needle"]);
    expect(found).toEqual({ code: ExitCode.ok, stdout: "0x10000ffd\n", stderr: "" });
    const none = await run(["find", ...TESTOS_RAW(), "-p", "init", "--text", "cafe"]);
    expect(none.code).toBe(ExitCode.failed);
    expect(none.stdout).toBe("");
    expect(none.stderr).toMatch(/^\[-\] no match for the 4-byte pattern in \d+ bytes of mapped memory \(process init/);
  });

  test("--max stops the search and says so", async () => {
    freshRaw();
    const found = await run(["find", ...TESTOS_RAW(), "-p", "1", "--max", "3", "00"]);
    expect(found.code).toBe(ExitCode.ok);
    expect(found.stdout).toBe("0x400000  init+0x0\n0x400100  init+0x100\n0x400200  init+0x200\n");
    expect(found.stderr).toBe("[-] stopped after 3 matches (--max); there may be more\n");
  });

  test("a progress bar only when stderr is a terminal", async () => {
    const args = ["find", ...DUMMY, "-p", "1", "--text", "no such bytes"];
    const plain = await run(args);
    expect(plain.stderr).not.toContain("[#");
    const terminal = await run(args, { stderrIsTTY: true });
    expect(terminal.stderr).toContain("searching process dummy1, pid 1, os dummy");
    expect(terminal.stderr).toContain("\r\x1b[2K");
  });

  test("usage: no -p, no pattern", async () => {
    expect((await run(["find", ...DUMMY, "00"])).stderr).toStartWith("[X] find needs a process: -p <pid|name>\n");
    expect((await run(["find", ...DUMMY, "-p", "1"])).stderr).toStartWith("[X] find needs a pattern");
  });
});
