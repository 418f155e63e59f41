import { expect, test } from "bun:test";
import { COMMAND_GROUPS } from "../src/commands/command-list.ts";

test("every command of the list loads, with a usage that names it", async () => {
  for (const group of COMMAND_GROUPS) {
    for (const entry of group.commands) {
      const command = await entry.load();
      expect(command.usage).toStartWith("Usage: memflow-ts ");
      expect(command.usage).toContain(entry.path.join(" "));
    }
  }
});

test("no two commands share a name or an alias", () => {
  const spellings = COMMAND_GROUPS.flatMap((group) => group.commands).flatMap((entry) =>
    [entry.path, ...(entry.aliases ?? [])].map((path) => path.join(" ")),
  );
  expect(new Set(spellings).size).toBe(spellings.length);
});
