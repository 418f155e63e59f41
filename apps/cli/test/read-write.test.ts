import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ExitCode, runCli } from "../src/index.ts";
import { testContext } from "./capture.ts";
import { buildDummy, buildRawfile, gcc } from "./support/plugins.ts";

const sandbox = mkdtempSync(join(tmpdir(), "memflow-ts-read-"));
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

const plugins = join(sandbox, "plugins");
const cwd = join(sandbox, "cwd");
beforeAll(() => {
  mkdirSync(cwd, { recursive: true });
  if (!gcc.available) return;
  buildDummy(plugins);
  buildRawfile(plugins);
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

  test("a range past the end of the connector's memory fails with memflow's error and a hint", async () => {
    const read = await run(["read", "-c", "dummy::size=1m", "0xffff0", "0x20"]);
    expect(read.code).toBe(ExitCode.failed);
    expect(read.stdout).toBe("");
    expect(read.stderr).toStartWith(
      "[X] physical memory: partial data (16 of 32 bytes at 0xffff0 could not be read from connector dummy)\n    Part of the range",
    );
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
    // Newest first: rawfile was built after dummy.
    expect(read.stderr).toBe(
      "[X] inventory: plugin not found (no connector plugin named qemu (available: rawfile, dummy))\n" +
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
