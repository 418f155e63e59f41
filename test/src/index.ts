export { realNodeBinary } from "./node-binary.ts";
export type { CommandResult } from "./process.ts";
export { repoRoot, runCommand } from "./process.ts";
export type { SourceFile } from "./source-graph.ts";
export { importCycles, resolveImport, sourceFiles } from "./source-graph.ts";
export type { PackedPackage } from "./tarball.ts";
export { manifestTargets, packWorkspacePackage } from "./tarball.ts";
