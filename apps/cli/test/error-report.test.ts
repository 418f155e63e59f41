import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { AnalyzeError } from "@memflow-ts/analyzer";
import { MemflowError } from "@memflow-ts/core/plugin-files";
import { BuildError, PluginNameError } from "@memflow-ts/sdk";
import { UsageError } from "../src/command.ts";
import { describeError, failureMessage, reportError, reportFailure } from "../src/error-report.ts";
import { CliFailure, ContextualError, fileFailure } from "../src/failure.ts";
import { ExitCode } from "../src/io.ts";
import { printer } from "../src/output.ts";
import { RegistryRequestError } from "../src/registry/registry-request-error.ts";
import { testContext } from "./capture.ts";

/** What reportError prints for `error` (after `usage`, when given), and the exit code. */
function report(error: unknown, usage?: string, debug = false) {
  const { context, stdout, stderr } = testContext({ home: "/nonexistent", cwd: "/" });
  const code = reportError(context, error, { usage, debug });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** The error a missing file gives, as Node throws it. */
function missingFileError(path: string): unknown {
  try {
    readFileSync(path);
  } catch (error) {
    return error;
  }
  throw new Error(`${path} exists`);
}

describe("every error a command throws becomes a message, hints and an exit code", () => {
  test("a usage error exits 2 with its message, its hints and the command's usage", () => {
    const run = report(new UsageError("read needs a length", { hints: ["e.g. read -c dummy 0 16"] }), "Usage: x\n");
    expect(run).toEqual({
      code: ExitCode.usage,
      stdout: "",
      stderr: "[X] read needs a length\n    e.g. read -c dummy 0 16\n\nUsage: x\n",
    });
  });

  test("a usage error may leave the usage out (memflowup's unknown config key)", () => {
    const run = report(new UsageError("Config option `colour` does not exist", { showUsage: false }), "Usage: x");
    expect(run.stderr).toBe("[X] Config option `colour` does not exist\n");
    expect(run.code).toBe(ExitCode.usage);
  });

  test("a CliFailure exits 1 with its hints", () => {
    const run = report(new CliFailure("the token is empty", ["unset it instead: memflow-ts config unset token"]));
    expect(run).toEqual({
      code: ExitCode.failed,
      stdout: "",
      stderr: "[X] the token is empty\n    unset it instead: memflow-ts config unset token\n",
    });
  });

  test("a ContextualError puts its prefix before the cause's message and keeps the cause's hints", () => {
    const cause = new CliFailure("cannot reach http://127.0.0.1:9", ["check the registry URL"]);
    const described = describeError(new ContextualError("Unable to list the registry", cause));
    expect(described.message).toBe("Unable to list the registry: cannot reach http://127.0.0.1:9");
    expect(described.hints).toEqual(["check the registry URL"]);
    expect(described.exitCode).toBe(ExitCode.failed);
  });

  test("core's MemflowError is memflow's text and what to do next", () => {
    const error = new MemflowError("Inventory", "PluginNotFound", "no connector plugin named qemu");
    const run = report(error);
    expect(run.code).toBe(ExitCode.failed);
    expect(run.stderr).toBe(
      "[X] inventory: plugin not found (no connector plugin named qemu)\n" +
        "    Run 'memflow-ts list' to see the plugins found; install one with 'memflow-ts pull <name>'. " +
        "Run 'memflow-ts doctor' to see which plugins memflow finds and why others are skipped.\n",
    );
  });

  test("the next step after a MemflowError depends on the detail where the kind is ambiguous", () => {
    const read = describeError(new MemflowError("PhysicalMemory", "PartialData", "16 bytes could not be read"));
    const written = describeError(new MemflowError("PhysicalMemory", "PartialData", "16 bytes could not be written"));
    expect(read.hints[0]).toStartWith("Part of the range is outside");
    expect(written.hints[0]).toContain("read-only");
  });

  test("the analyzer's AnalyzeError is its kind and message", () => {
    const described = describeError(new AnalyzeError("bad-magic", 0, "a file of 0 bytes is not a plugin binary"));
    expect(described).toEqual({
      message: "bad-magic: a file of 0 bytes is not a plugin binary (at file offset 0x0)",
      hints: [],
      exitCode: ExitCode.failed,
      showUsage: false,
      internal: false,
    });
  });

  test("the SDK's BuildError keeps the compiler's output on lines of its own", () => {
    const error = new BuildError("cc -shared failed", ["cc"], "plugin.c:1: error: expected ';'\n1 error");
    expect(report(error).stderr).toBe("[X] cc -shared failed\nplugin.c:1: error: expected ';'\n1 error\n");
  });

  test("the SDK's PluginNameError is its message", () => {
    const described = describeError(new PluginNameError("plugin name \"a-b\" must be letters, digits and '_' only"));
    expect(described.message).toBe("plugin name \"a-b\" must be letters, digits and '_' only");
    expect(described.exitCode).toBe(ExitCode.failed);
  });

  test("a refused token gets the token hint; a registry error with its own hints keeps them", () => {
    const refused = describeError(new RegistryRequestError("DELETE /files/ab answered HTTP 401", 401));
    expect(refused.hints).toEqual([
      "the registry refused the token: pass its token with --token, or memflow-ts config set token <token>",
    ]);
    const unreachable = describeError(new RegistryRequestError("cannot reach x", undefined, ["check the URL"]));
    expect(unreachable.hints).toEqual(["check the URL"]);
  });

  test("a Node file error names the operation and the path in words", () => {
    const path = "/nonexistent/memflow-ts/config.json";
    expect(describeError(missingFileError(path)).message).toBe(`unable to open "${path}": it does not exist`);
    const denied = Object.assign(new Error("EACCES: permission denied, scandir '/root/x'"), {
      code: "EACCES",
      syscall: "scandir",
      path: "/root/x",
    });
    expect(describeError(denied).message).toBe('unable to read the folder "/root/x": permission denied');
  });

  test("fileFailure words a failed step the same way, with its own action", () => {
    const failure = fileFailure("read the config file", "/x/config.json", missingFileError("/nonexistent/x"));
    expect(describeError(failure).message).toBe('unable to read the config file "/x/config.json": it does not exist');
  });
});

describe("anything else is a bug", () => {
  test("it is one line, 'internal error', and a request to report it; no stack trace", () => {
    const run = report(new TypeError("undefined is not an object"));
    expect(run.code).toBe(ExitCode.failed);
    expect(run.stderr).toBe(
      "[X] internal error: TypeError: undefined is not an object\n" +
        "    this is a bug in memflow-ts; please report this with the command you ran (--debug prints where it happened)\n",
    );
    expect(run.stderr).not.toContain("    at ");
  });

  test("a thrown value that is not an Error is a bug too", () => {
    expect(describeError("oops")).toMatchObject({ message: "internal error: oops", internal: true });
  });

  test("a multi-line message of a bug stays on one line", () => {
    expect(describeError(new Error("first\nsecond")).message).toBe("internal error: first\\x0asecond");
  });

  test("a ContextualError around a bug is still a bug", () => {
    const described = describeError(new ContextualError("Unable to list the registry", new RangeError("bad")));
    expect(described.internal).toBe(true);
    expect(described.message).toBe("internal error: RangeError: bad");
  });

  test("--debug prints the stack, and the cause's", () => {
    const run = report(new ContextualError("Unable to list", new TypeError("boom")), undefined, true);
    expect(run.stderr).toStartWith("[X] internal error: TypeError: boom\n");
    expect(run.stderr).toContain("caused by: TypeError: boom");
    expect(run.stderr).toContain("    at ");
  });
});

describe("text from plugins, .meta files and registries is escaped", () => {
  test("control characters in a MemflowError's detail are shown, not sent", () => {
    const error = new MemflowError("Inventory", "PluginNotFound", "no plugin named \x1b]0;pwned\x07evil");
    const run = report(error);
    expect(run.stderr).toStartWith("[X] inventory: plugin not found (no plugin named \\x1b]0;pwned\\x07evil)\n");
    expect(run.stderr).not.toContain("\x1b");
  });

  test("a registry's answer cannot move the cursor, in the message or the hints", () => {
    const error = new RegistryRequestError("GET /plugins answered HTTP 500: \r\x1b[2Kall good", 500, ["\x9bhint"]);
    const described = describeError(error);
    expect(described.message).toBe("GET /plugins answered HTTP 500: \\x0d\\x1b[2Kall good");
    expect(described.hints).toEqual(["\\x9bhint"]);
  });
});

describe("per-item reporting shares the wording", () => {
  test("reportFailure prints the item's prefix, the message and the hints, and lets the command go on", () => {
    const { context, stderr } = testContext({ home: "/nonexistent", cwd: "/" });
    reportFailure(
      printer(context),
      context,
      new CliFailure("plugin `x` not found", ["list it"]),
      'Error downloading "x"',
    );
    expect(stderr.text()).toBe('[X] Error downloading "x": plugin `x` not found\n    list it\n');
  });

  test("reportFailure rethrows a bug and a usage error: neither is about the item", () => {
    const { context, stderr } = testContext({ home: "/nonexistent", cwd: "/" });
    const bug = new TypeError("boom");
    expect(() => reportFailure(printer(context), context, bug, "item")).toThrow(bug);
    const usage = new UsageError("bad flag");
    expect(() => reportFailure(printer(context), context, usage)).toThrow(usage);
    expect(stderr.text()).toBe("");
  });

  test("failureMessage gives the same message, and rethrows a bug", () => {
    expect(failureMessage(new BuildError("no C compiler found"))).toBe("no C compiler found");
    expect(() => failureMessage(new TypeError("boom"))).toThrow("boom");
  });
});
