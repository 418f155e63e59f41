/** What a call did, for tests: the kind of the AnalyzeError it threw, or all it gave. */
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

/** Its result as JSON, or its AnalyzeError's kind, offset and message: for comparing two paths exactly. */
export function exactOutcome(run: () => unknown): string {
  try {
    return JSON.stringify(run());
  } catch (error) {
    if (!(error instanceof AnalyzeError)) throw error;
    return `${error.kind} at ${error.offset}: ${error.message}`;
  }
}
