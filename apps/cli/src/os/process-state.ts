/** A process's state as the CLI prints it: `Alive`, `Dead(<exit code>)` or `Unknown`. */
import type { ProcessState } from "@memflow-ts/core/inventory";

export function stateText(state: ProcessState): string {
  return state.kind === "Dead" ? `Dead(${state.exitCode})` : state.kind;
}
