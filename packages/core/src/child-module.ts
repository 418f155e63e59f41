/**
 * Starting one of this program's own modules in a child process (the SDK's checks and plugin-file
 * readers, the server's session workers), so a plugin that crashes or hangs takes down only the
 * child. From sources or a package, that is `bun <module file> …`. A single-file executable holds
 * no files to run: it runs itself, with CHILD_MODULE_VARIABLE naming the module by its file's
 * name, and its entry (tooling/scripts/build-bin.ts) runs that module instead of the program.
 */
import { basename } from "node:path";

export const CHILD_MODULE_VARIABLE = "MEMFLOW_TS_CHILD_MODULE";

export interface ChildModuleCommand {
  readonly cmd: string[];
  /** The child's environment; undefined: this process's. */
  readonly env: Record<string, string | undefined> | undefined;
}

/** The command and environment that run `moduleFile` with `args` in a child process. */
export function childModuleCommand(moduleFile: string, args: readonly string[]): ChildModuleCommand {
  if (!Bun.isStandaloneExecutable) return { cmd: [process.execPath, moduleFile, ...args], env: undefined };
  return {
    cmd: [process.execPath, ...args],
    env: { ...process.env, [CHILD_MODULE_VARIABLE]: basename(moduleFile).replace(/\.ts$/, "") },
  };
}
