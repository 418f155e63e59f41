/**
 * Running a C compiler to build a plugin library, with the compiler core's `findCompiler` picks
 * (`$CC`, `cc`, `gcc`, `clang`, or one a caller names such as `x86_64-w64-mingw32-gcc`).
 */
import { findCompiler } from "@memflow-ts/core/install";
import { runProcess } from "./run-process.ts";

export class BuildError extends Error {
  override readonly name = "BuildError";
  /** The command that failed, when one ran. */
  readonly command: readonly string[] | undefined;
  /** What the compiler printed. */
  readonly output: string;

  constructor(message: string, command?: readonly string[], output = "") {
    super(output ? `${message}\n${output.trim()}` : message);
    this.command = command;
    this.output = output;
  }
}

/**
 * The path of the system compiler that builds plugin libraries; throws a BuildError naming what
 * to install when there is none (Bun's TinyCC compiles into memory only, not to a library file).
 */
export function pluginCompiler(preferred?: string): string {
  const choice = findCompiler({ preferred });
  if (choice?.kind === "system") return choice.path;
  throw new BuildError(
    preferred
      ? `the C compiler ${preferred} is not on PATH`
      : "no C compiler found ($CC, cc, gcc or clang): install one, e.g. `apt-get install gcc` on Debian, or set CC",
  );
}

function compileFailure(command: readonly string[], exitCode: number | null, output: string): BuildError {
  return new BuildError(`compiling failed (exit code ${exitCode})`, command, output);
}

/** Runs a compiler command; throws a BuildError with its output when it fails. */
export function runCompiler(command: readonly string[]): void {
  const run = Bun.spawnSync([...command], { stdout: "pipe", stderr: "pipe" });
  if (run.exitCode !== 0) throw compileFailure(command, run.exitCode, `${run.stdout}${run.stderr}`);
}

/** `runCompiler` without blocking the event loop. */
export async function runCompilerAsync(command: readonly string[]): Promise<void> {
  const { exitCode, stdout, stderr } = await runProcess(command);
  if (exitCode !== 0) throw compileFailure(command, exitCode, `${stdout}${stderr}`);
}
