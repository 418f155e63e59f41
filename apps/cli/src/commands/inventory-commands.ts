/** The inventory commands, in the order `memflow-ts --help` lists them. */
import type { CommandEntry } from "../command.ts";

export const INVENTORY_COMMANDS: readonly CommandEntry[] = [];
