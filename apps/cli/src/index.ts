export { runCli } from "./cli.ts";
export type { CliContext, OutputStream } from "./io.ts";
export { ExitCode } from "./io.ts";
