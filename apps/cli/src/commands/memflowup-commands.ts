/** The memflowup commands, in the order `memflow-ts --help` lists them. */
import type { CommandEntry } from "../command.ts";

export const MEMFLOWUP_COMMANDS: readonly CommandEntry[] = [];
