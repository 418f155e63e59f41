/**
 * Output that cannot be written, and files that are not plugins: a reader that goes away
 * (`| head`) ends the command quietly with exit 141; a user error never prints a stack trace,
 * `--debug` does.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  closeSync,
  constants,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireTool } from "../../../tooling/testing/require-tool.ts";
import { ExitCode, runCli } from "../src/index.ts";
import { testContext } from "./capture.ts";
import { MAIN, runIntoHead } from "./support/binary.ts";
import { buildDummy, gcc } from "./support/plugins.ts";

const sandbox = mkdtempSync(join(tmpdir(), "memflow-ts-output-"));
const plugins = join(sandbox, "plugins");
let dummyPath = "";
beforeAll(() => {
  if (gcc.available) dummyPath = buildDummy(plugins).path;
});
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

/** A stack trace's frames, as V8 and JavaScriptCore print them. */
const STACK_FRAME = /^\s+at .+/m;

async function run(args: string[]) {
  const { context, stdout, stderr } = testContext({
    home: join(sandbox, "home"),
    cwd: sandbox,
    env: { MEMFLOW_PLUGIN_PATH: plugins },
  });
  const code = await runCli(args, context);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe.skipIf(!gcc.available)("a closed stdout", () => {
  test("read into `head` ends quietly with exit 141, no stack and no EPIPE message", async () => {
    const env = { HOME: join(sandbox, "home"), MEMFLOW_PLUGIN_PATH: plugins };
    const piped = await runIntoHead(["read", "-c", "dummy::size=1m", "0", "0x100000"], 200, env, sandbox);
    expect(piped.head).toStartWith("00000000  00 00 00 00");
    expect(piped.stderr).toBe("");
    expect(piped.code).toBe(ExitCode.outputClosed);
  }, 60_000);

  test("with stderr into the same closed pipe (2>&1 | head), it still ends with exit 141", async () => {
    const env = { HOME: join(sandbox, "home"), MEMFLOW_PLUGIN_PATH: plugins };
    const args = ["read", "-c", "dummy::size=1m", "0", "0x100000"];
    const piped = await runIntoHead(args, 200, env, sandbox, { stderrToo: true });
    expect(piped.head).toStartWith("00000000  00 00 00 00");
    expect(piped.code).toBe(ExitCode.outputClosed);
  }, 60_000);
});

// The test makes its pipe with mkfifo(1): a fresh machine's PATH may lack it.
const mkfifo = requireTool("mkfifo", "coreutils");

describe.skipIf(!gcc.available || !mkfifo.available)("a reader slower than the command", () => {
  // One write of a hexdump larger than a pipe holds (64 KiB): into a non-blocking pipe the first
  // write is partial, then the pipe is full until the reader catches up.
  test("a non-blocking pipe gets all of one large write, in order", async () => {
    const args = ["read", "-c", "dummy::size=1m", "0", "0x8000"];
    const expected = await run(args);
    expect(expected.stdout.length).toBeGreaterThan(2 * 65_536);
    const fifo = join(sandbox, "slow-reader");
    expect(Bun.spawnSync([mkfifo.path ?? "mkfifo", fifo]).exitCode).toBe(0);
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const writer = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    // Handed over as a fourth descriptor: given as stdout, Bun.spawn makes the child's blocking.
    const child = Bun.spawn(["sh", "-c", 'exec "$BUN" "$MAIN" "$@" >&3', "sh", ...args], {
      cwd: sandbox,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: join(sandbox, "home"),
        MEMFLOW_PLUGIN_PATH: plugins,
        BUN: process.execPath,
        MAIN,
      },
      stdio: ["ignore", "ignore", "pipe", writer],
    });
    closeSync(writer);
    const chunks: Buffer[] = [];
    const chunk = Buffer.alloc(16_384);
    for (;;) {
      let count: number;
      try {
        count = readSync(reader, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
        await Bun.sleep(20); // slower than the command: it waits for the pipe to drain
        continue;
      }
      if (count === 0) break;
      chunks.push(Buffer.from(chunk.subarray(0, count)));
    }
    closeSync(reader);
    const [stderr, code] = await Promise.all([child.stderr.text(), child.exited]);
    expect({ code, stderr }).toEqual({ code: ExitCode.ok, stderr: "" });
    expect(Buffer.concat(chunks).toString()).toBe(expected.stdout);
  }, 60_000);
});

describe("no stack trace for a user error; --debug prints one", () => {
  test.skipIf(!gcc.available)("a plugin not found: the message, and the stack only with --debug", async () => {
    const plain = await run(["read", "-c", "nosuch", "0", "4"]);
    expect(plain.code).toBe(ExitCode.failed);
    expect(plain.stderr).toStartWith("[X] inventory: plugin not found");
    expect(plain.stderr).not.toMatch(STACK_FRAME);
    const debug = await run(["read", "-c", "nosuch", "0", "4", "--debug"]);
    expect(debug.code).toBe(ExitCode.failed);
    expect(debug.stderr).toStartWith("[X] inventory: plugin not found");
    expect(debug.stderr).toMatch(STACK_FRAME);
    // A global flag: before the command too.
    expect((await run(["--debug", "read", "-c", "nosuch", "0", "4"])).stderr).toMatch(STACK_FRAME);
  });

  test("plugin test on a file that is not a plugin says so once, without a stack", async () => {
    const notes = join(sandbox, "notes.so");
    writeFileSync(notes, "not a library\n");
    const tested = await run(["plugin", "test", notes]);
    expect(tested.code).toBe(ExitCode.failed);
    expect(tested.stdout).toBe("");
    expect(tested.stderr).toBe(
      `[X] cannot test ${notes}: bad-magic: unknown file magic 0x6e6f7420: not an ELF, PE or Mach-O file (at file offset 0x0)\n`,
    );
  });

  test.skipIf(!gcc.available)("plugin test on a truncated plugin says so once, --name or not", async () => {
    const truncated = join(sandbox, "truncated.so");
    writeFileSync(truncated, readFileSync(dummyPath).subarray(0, 1000));
    for (const args of [[], ["--name", "dummy"]]) {
      const tested = await run(["plugin", "test", truncated, ...args]);
      expect(tested.code).toBe(ExitCode.failed);
      expect(tested.stdout).toBe("");
      expect(tested.stderr).toStartWith(`[X] cannot test ${truncated}: truncated: the file ends before`);
      expect(tested.stderr.trimEnd().split("\n")).toHaveLength(1);
    }
  });
});

test("a working directory removed under the shell is a message, not Bun's stack trace", async () => {
  const gone = join(sandbox, "gone");
  // mkdir and rm, not rmdir: the fewer tools a fresh machine's PATH must have, the better.
  const script = `mkdir "$GONE" && cd "$GONE" && rm -r "$GONE" && exec "$BUN" "$MAIN" list`;
  const child = Bun.spawn(["sh", "-c", script], {
    cwd: sandbox,
    env: { PATH: process.env.PATH ?? "", HOME: join(sandbox, "home"), GONE: gone, BUN: process.execPath, MAIN },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stderr, code] = await Promise.all([child.stderr.text(), child.exited]);
  expect(stderr).toBe(
    "[X] the working directory no longer exists (it was removed or moved)\n" +
      "    cd to an existing folder and run the command again\n",
  );
  expect(code).toBe(ExitCode.failed);
});

describe("--debug is a global flag", () => {
  test("it is listed in --help", async () => {
    expect((await run(["--help"])).stdout).toContain("--debug");
  });

  test("it is taken out before the command sees its arguments", async () => {
    mkdirSync(join(sandbox, "home"), { recursive: true });
    const listed = await run(["plugins", "ls", "--debug", "--json"]);
    expect(listed).toEqual({ code: ExitCode.ok, stdout: "[]\n", stderr: "" });
  });
});
