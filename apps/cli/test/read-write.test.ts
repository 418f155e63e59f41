import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ExitCode, runCli } from "../src/index.ts";
import { testContext } from "./capture.ts";
import { buildDummy, buildHoley, buildRawfile, gcc } from "./support/plugins.ts";

const sandbox = mkdtempSync(join(tmpdir(), "memflow-ts-read-"));
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

const plugins = join(sandbox, "plugins");
const cwd = join(sandbox, "cwd");
/** Two OS layers as a user would install them: imports from the SDK and core, no node_modules. */
const LAYERS = `
import { MemflowError } from "@memflow-ts/core";
import { defineOs } from "@memflow-ts/sdk";

const X64 = { kind: "X86", bits: 64, addressExtensions: false } as const;

/** Marks its connector's first bytes, and exposes that memory as the OS's physical memory. */
export const flat = defineOs({
  name: "flat",
  version: "1.0.0",
  description: "physical memory, marked",
  create(input) {
    if (!input) throw new MemflowError("OsLayer", "Configuration", "flat needs a connector");
    input.write(0, new TextEncoder().encode("FLAT"));
    return {
      info: () => ({ base: 0n, size: 0n, arch: X64 }),
      processInfoList: () => [],
      process: () => { throw new MemflowError("OsLayer", "ProcessNotFound", "flat has no processes"); },
      physicalMemory: () => input,
    };
  },
});

export const crashing = defineOs({
  name: "crashing",
  version: "1.0.0",
  description: "fails to start",
  create() {
    throw new TypeError("oops\\u001b[2J");
  },
});
`;

beforeAll(() => {
  mkdirSync(cwd, { recursive: true });
  // A TypeScript plugin file beside the native ones (decision 0014).
  mkdirSync(plugins, { recursive: true });
  writeFileSync(join(plugins, "layers.memflow.ts"), LAYERS);
  if (!gcc.available) return;
  buildDummy(plugins);
  buildRawfile(plugins);
  buildHoley(plugins);
});

/** The plugins come through MEMFLOW_PLUGIN_PATH; HOME has none. */
function run(args: string[]) {
  const { context, stdout, stderr } = testContext({
    home: join(sandbox, "home"),
    cwd,
    env: { MEMFLOW_PLUGIN_PATH: plugins },
  });
  return runCli(args, context).then((code) => ({ code, stdout: stdout.text(), stderr: stderr.text() }));
}

describe.skipIf(!gcc.available)("memflow-ts read and write", () => {
  test("bytes written through write are read back by read as a hexdump", async () => {
    const memory = join(sandbox, "memory.raw");
    writeFileSync(memory, new Uint8Array(0x40));
    const writable = `rawfile:${memory}:writable=true`;
    const written = await run(["write", "-c", writable, "0x3", "48656c6c6f2c20776f726c6421", "0a 7f 80 ff"]);
    expect(written).toEqual({
      code: ExitCode.ok,
      stdout: "[=] wrote 17 bytes at 0x3 (connector rawfile)\n",
      stderr: "",
    });

    const read = await run(["read", "-c", `rawfile:${memory}`, "0", "0x26"]);
    expect(read.stderr).toBe("");
    expect(read.code).toBe(ExitCode.ok);
    expect(read.stdout).toBe(
      "00000000  00 00 00 48 65 6c 6c 6f  2c 20 77 6f 72 6c 64 21  |...Hello, world!|\n" +
        "00000010  0a 7f 80 ff 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n" +
        "00000020  00 00 00 00 00 00                                 |......|\n",
    );
  });

  test("reads the dummy connector's zeroed memory at an address", async () => {
    const read = await run(["read", "--connector", "dummy::size=1m", "0xffff8", "8"]);
    expect(read).toEqual({
      code: ExitCode.ok,
      stdout: "000ffff8  00 00 00 00 00 00 00 00                           |........|\n",
      stderr: "",
    });
  });

  test("write to the dummy connector succeeds (its memory lives as long as the command)", async () => {
    const written = await run(["write", "-c", "dummy", "4096", "de:ad:be:ef", "--quiet"]);
    expect(written).toEqual({ code: ExitCode.ok, stdout: "", stderr: "" });
  });

  test("--out writes the raw bytes to a file relative to the working directory, atomically", async () => {
    const memory = join(sandbox, "pattern.raw");
    writeFileSync(
      memory,
      Uint8Array.from({ length: 256 }, (_, index) => index),
    );
    mkdirSync(join(cwd, "dumps"));
    const read = await run(["read", "-c", `rawfile:${memory}`, "16", "32", "--out", "dumps/part.bin"]);
    expect(read.code).toBe(ExitCode.ok);
    const out = join(cwd, "dumps", "part.bin");
    expect(read.stdout).toBe(`[=] wrote 32 bytes from 0x10 (connector rawfile) to ${out}\n`);
    expect([...readFileSync(out)]).toEqual(Array.from({ length: 32 }, (_, index) => index + 16));
    expect(readdirSync(join(cwd, "dumps"))).toEqual(["part.bin"]);
  });

  test("--out into a missing directory fails with what to do", async () => {
    const read = await run(["read", "-c", "dummy", "0", "4", "--out", "nowhere/x.bin"]);
    expect(read.code).toBe(ExitCode.failed);
    expect(read.stderr).toStartWith(`[X] could not write ${join(cwd, "nowhere", "x.bin")}: `);
  });

  test("a read-only connector refuses writes", async () => {
    const memory = join(sandbox, "readonly.raw");
    writeFileSync(memory, new Uint8Array(16));
    const written = await run(["write", "-c", `rawfile:${memory}`, "0", "01"]);
    expect(written.code).toBe(ExitCode.failed);
    expect(written.stderr).toContain("could not be written to connector rawfile");
    expect(written.stderr).toContain("read-only");
  });

  test("an unknown connector names the ones there are and what to run next", async () => {
    const read = await run(["read", "-c", "qemu:win10", "0", "4"]);
    expect(read.code).toBe(ExitCode.failed);
    // Newest first: holey was built last.
    expect(read.stderr).toBe(
      "[X] inventory: plugin not found (no connector plugin named qemu (available: holey, rawfile, dummy))\n" +
        "    Run 'memflow-ts list' to see the plugins found; install one with 'memflow-ts pull <name>'. " +
        "Run 'memflow-ts doctor' to see which plugins memflow finds and why others are skipped.\n",
    );
  });

  test("a bad connector argument is the plugin's error with memflow's syntax as the hint", async () => {
    const read = await run(["read", "-c", "dummy::size=4M", "0", "4"]);
    expect(read.code).toBe(ExitCode.failed);
    expect(read.stderr).toStartWith("[X] connector: invalid memory size");
    expect(read.stderr).toContain("size=1m");
  });

  test("a chain ending with an OS that is not installed is reported", async () => {
    const read = await run(["read", "-c", "dummy", "-o", "win32", "0", "4"]);
    expect(read.code).toBe(ExitCode.failed);
    expect(read.stderr).toStartWith("[X] inventory: plugin not found (no os plugin named win32");
  });
});

describe("memflow-ts read and write usage errors", () => {
  const usage = async (args: string[], message: string) => {
    const result = await run(args);
    expect(result.code).toBe(ExitCode.usage);
    expect(result.stderr).toStartWith(`[X] ${message}\n`);
  };

  test("no connector", () =>
    usage(["read", "0", "4"], "read needs a connector: -c <name[:target[:args]]>, e.g. -c dummy::size=1m"));
  test("-c without a value", () => usage(["read", "0", "4", "-c"], "-c needs a value such as qemu:win10"));
  test("a missing length", () => usage(["read", "-c", "dummy", "0"], "read needs an address and a length (got 0)"));
  test("an address that is not a number", () =>
    usage(
      ["read", "-c", "dummy", "1000h", "4"],
      'address "1000h" is not a number: write hex with 0x (0x1000) or decimal (4096), at most 2^64-1',
    ));
  test("a zero length", () =>
    usage(["read", "-c", "dummy", "0", "0"], "length 0 must be between 1 and 268435456 bytes"));
  test("a range past 2^64", () =>
    usage(
      ["read", "-c", "dummy", "0xffffffffffffffff", "2"],
      "0xffffffffffffffff + 2 bytes runs past the end of the 64-bit address space",
    ));
  test("bytes that are not hex", () =>
    usage(
      ["write", "-c", "dummy", "0", "abc"],
      '"abc" is not hex bytes: write two hex digits a byte, e.g. 48656c6c6f or "48 65 6c 6c 6f"',
    ));
  test("write without bytes", () =>
    usage(["write", "-c", "dummy", "0"], "write needs an address and the bytes in hex (got 0)"));
  test("an unknown flag", () => usage(["read", "-c", "dummy", "0", "4", "--bogus"], "Unknown option '--bogus'"));
});

/*
 * memflow's partial reads: the bytes that could be read are shown, the others are `??` in the
 * hexdump and named as ranges on stderr; the exit code is 1 only when nothing could be read, or
 * with --strict. The dummy is readable up to its size in whole pages, rawfile up to the file's
 * end anywhere in a page, and holey-connector.c has a hole in the middle of its memory.
 */
const read = (...args: string[]) => run(["read", ...args]);

const UNREADABLE_LINE = "?? ?? ?? ?? ?? ?? ?? ??  ?? ?? ?? ?? ?? ?? ?? ??  |????????????????|";

describe.skipIf(!gcc.available)("memflow-ts read with part of the range unreadable", () => {
  test("the end of the dummy's memory: the readable bytes, ?? for the rest, the range on stderr, exit 0", async () => {
    const run = await read("-c", "dummy::size=4m", "0x3ffff0", "32");
    expect(run).toEqual({
      code: ExitCode.ok,
      stdout:
        "003ffff0  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n" +
        `00400000  ${UNREADABLE_LINE}\n`,
      stderr: "[-] 16 of 32 bytes could not be read (connector dummy): 0x400000-0x40000f; shown as ??\n",
    });
  });

  test("--strict: the same output, exit 1", async () => {
    const run = await read("-c", "dummy::size=4m", "0x3ffff0", "32", "--strict");
    expect(run.code).toBe(ExitCode.failed);
    expect(run.stdout).toContain(`00400000  ${UNREADABLE_LINE}\n`);
    expect(run.stderr).toBe("[X] 16 of 32 bytes could not be read (connector dummy): 0x400000-0x40000f; shown as ??\n");
  });

  test("nothing readable: exit 1 and no hexdump", async () => {
    const run = await read("-c", "dummy::size=1m", "0x200000", "16");
    expect(run.code).toBe(ExitCode.failed);
    expect(run.stdout).toBe("");
    expect(run.stderr).toStartWith("[X] none of the 16 bytes at 0x200000 could be read (connector dummy)\n");
  });

  test("a hole in the middle is found to the byte, the bytes after it are shown", async () => {
    const run = await read("-c", "holey", "0xff8", "0x1010");
    expect(run.code).toBe(ExitCode.ok);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toBe(`00000ff8  f8 f9 fa fb fc fd fe ff  ${"?? ".repeat(8)} |........????????|`);
    expect(lines[1]).toBe(`00001008  ${UNREADABLE_LINE}`);
    expect(lines.at(-2)).toBe("00001ff8  ?? ?? ?? ?? ?? ?? ?? ??  00 01 02 03 04 05 06 07  |????????........|");
    expect(run.stderr).toBe("[-] 4096 of 4112 bytes could not be read (connector holey): 0x1000-0x1fff; shown as ??\n");
  });

  test("memory that ends inside a page is found to the byte", async () => {
    // A 0x1008-byte file: its last page is readable up to 0x1007 only, one request says "24 of 64".
    const file = join(sandbox, "short.raw");
    writeFileSync(file, new Uint8Array(0x1008).fill(0x41));
    const run = await read("-c", `rawfile:${file}`, "0xff0", "0x40");
    expect(run.code).toBe(ExitCode.ok);
    expect(run.stdout.split("\n").slice(0, 2)).toEqual([
      "00000ff0  41 41 41 41 41 41 41 41  41 41 41 41 41 41 41 41  |AAAAAAAAAAAAAAAA|",
      `00001000  41 41 41 41 41 41 41 41  ${"?? ".repeat(8)} |AAAAAAAA????????|`,
    ]);
    expect(run.stderr).toBe("[-] 40 of 64 bytes could not be read (connector rawfile): 0x1008-0x102f; shown as ??\n");
  });

  test("--out writes what was read, zeros where nothing could be, and names the missing ranges", async () => {
    const out = join(sandbox, "holey.bin");
    const run = await read("-c", "holey", "0x800", "0x2000", "--out", out);
    expect(run.code).toBe(ExitCode.ok);
    expect(run.stdout).toBe(`[=] wrote 8192 bytes from 0x800 (connector holey) to ${out}\n`);
    expect(run.stderr).toBe(
      `[-] 4096 of 8192 bytes could not be read (connector holey): 0x1000-0x1fff; they are zeros in ${out}\n`,
    );
    const bytes = readFileSync(out);
    expect(bytes.length).toBe(0x2000);
    expect(bytes[0]).toBe(0x00);
    expect(bytes[0x7ff]).toBe(0xff);
    expect(bytes.subarray(0x800, 0x1800).every((byte) => byte === 0)).toBe(true);
    expect(bytes[0x1800]).toBe(0x00);
    expect(bytes[0x1801]).toBe(0x01);
  });
});

describe.skipIf(!gcc.available)("a TypeScript OS layer on the command line", () => {
  test("reads the physical memory at the end of -c dummy -o flat", async () => {
    const read = await run(["read", "-c", "dummy::size=1m", "-o", "flat", "0", "8"]);
    expect(read).toEqual({
      code: ExitCode.ok,
      stdout: "00000000  46 4c 41 54 00 00 00 00                           |FLAT....|\n",
      stderr: "",
    });
  });

  test("reports a layer that fails to start as (OsLayer, Unknown) with its name, its text escaped", async () => {
    const read = await run(["read", "-c", "dummy::size=1m", "-o", "crashing", "0", "8"]);
    expect(read.code).not.toBe(ExitCode.ok);
    expect(read.stdout).toBe("");
    expect(read.stderr).toContain("oslayer: unknown error (os crashing failed to start: TypeError: oops\\x1b[2J)");
    expect(read.stderr).not.toContain("\u001b[2J");
  });
});
