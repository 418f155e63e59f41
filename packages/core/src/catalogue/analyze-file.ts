/**
 * The analyzer, loaded on the first file the descriptor cache does not know: a scan answered
 * from a warm cache never parses a file and skips loading the parser, about a third of a warm
 * `memflow-ts list` (decision 0007). `require` is what makes a synchronous load on demand
 * possible; the module is a declared dependency, typed through `typeof import`.
 */
import type { AnalyzeError, PluginDescriptorInfo } from "@memflow-ts/analyzer";

type AnalyzerFs = typeof import("@memflow-ts/analyzer/fs");
type Analyzer = typeof import("@memflow-ts/analyzer");

export function analyzeFile(path: string): PluginDescriptorInfo[] {
  return (require("@memflow-ts/analyzer/fs") as AnalyzerFs).analyzeFileSync(path);
}

/** Whether `error` is the analyzer's; the analyzer is loaded already when it threw one. */
export function isAnalyzeError(error: unknown): error is AnalyzeError {
  return error instanceof (require("@memflow-ts/analyzer") as Analyzer).AnalyzeError;
}
