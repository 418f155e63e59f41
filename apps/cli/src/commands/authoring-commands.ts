/** Setting up, the demo, and writing plugins, in the order `memflow-ts --help` lists them. */
import type { CommandEntry } from "../command.ts";

export const AUTHORING_COMMANDS: readonly CommandEntry[] = [
  {
    path: ["demo"],
    summary: "a guided tour: scan, build the dummy connector, write and read memory",
    load: async () => (await import("./demo.ts")).demoCommand,
  },
];
