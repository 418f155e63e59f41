/**
 * `readScriptPluginFile(path)`: what a TypeScript plugin file defines — the descriptors of its
 * exported definitions — found by importing it in a child process, so that a file whose top
 * level throws, hangs or kills its process is reported as memflow's error naming the file, and
 * this process runs none of its code. For the CLI's install and test, which must name a file's
 * plugins before using it.
 */
import { join } from "node:path";
import type { PluginDescriptorInfo } from "@memflow-ts/analyzer";
import { childModuleCommand, type ErrorKind, type ErrorOrigin, MemflowError } from "@memflow-ts/core";

const CHILD = join(import.meta.dir, "script-file-child.ts");

/** Milliseconds importing a plugin file may take: its top level should only define. */
export const SCRIPT_IMPORT_TIMEOUT = 30_000;

export interface ReadScriptPluginOptions {
  /** Milliseconds the child may take (default SCRIPT_IMPORT_TIMEOUT). */
  readonly timeout?: number;
  /**
   * Also start each definition once with no arguments (an OS over a dummy connector) and close
   * it: a `create` that throws anything but a MemflowError makes the file (…, Unknown).
   */
  readonly start?: boolean;
}

interface ChildAnswer {
  readonly descriptors?: PluginDescriptorInfo[];
  readonly error?: { readonly origin: ErrorOrigin; readonly kind: ErrorKind; readonly detail?: string };
}

function unusable(path: string, why: string): MemflowError {
  return new MemflowError("Inventory", "UnableToLoadLibrary", `unable to import ${path}: ${why}`);
}

/**
 * The file's definitions as descriptors (export order). Throws (Inventory, UnableToLoadLibrary)
 * when it cannot be imported (a syntax error, a throwing or hanging top level), (Inventory,
 * MemflowExportsNotFound) when it exports no definition, and with `start` (Connector or OsLayer,
 * Unknown) naming a definition whose create fails as a bug does.
 */
export async function readScriptPluginFile(
  path: string,
  options: ReadScriptPluginOptions = {},
): Promise<PluginDescriptorInfo[]> {
  const timeout = options.timeout ?? SCRIPT_IMPORT_TIMEOUT;
  const { cmd, env } = childModuleCommand(CHILD, [path, ...(options.start ? ["start"] : [])]);
  const child = Bun.spawn(cmd, {
    env,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    child.kill("SIGKILL");
  }, timeout);
  const [stdout, stderr] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text()]);
  await child.exited;
  clearTimeout(timer);
  if (hung)
    throw unusable(
      path,
      `importing${options.start ? " and starting" : ""} it did not finish within ${timeout / 1000} s`,
    );
  const line = stdout.trim().split("\n").at(-1) ?? "";
  let answer: ChildAnswer | undefined;
  try {
    answer = JSON.parse(line) as ChildAnswer;
  } catch {
    // The file ended its process (process.exit, a crash) before the child could answer.
    const how = child.signalCode ? `killed by ${child.signalCode}` : `exited with code ${child.exitCode}`;
    const last = stderr.trim().split("\n").slice(-3).join("\n");
    throw unusable(path, `its process ${how} while importing it${last ? `: ${last}` : ""}`);
  }
  if (answer.error) throw new MemflowError(answer.error.origin, answer.error.kind, answer.error.detail);
  return answer.descriptors ?? [];
}
