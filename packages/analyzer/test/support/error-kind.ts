/** What a call did, for tests: the kind of the AnalyzeError it threw, or "no error". */
import { AnalyzeError } from "../../src/index.ts";

export function errorKind(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof AnalyzeError) return error.kind;
    throw error;
  }
  return "no error";
}
