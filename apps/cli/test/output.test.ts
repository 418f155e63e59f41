import { expect, test } from "bun:test";
import { formatTable } from "../src/output.ts";

test("table cells, which hold names and versions from plugins and registries, are made printable", () => {
  const table = formatTable(
    [8, 8],
    [
      ["NAME", "VERSION", "DESCRIPTION"],
      ["evil\u001b[2J", "1.0\u0007", "\u001b]0;PWNED\u0007\nforged line"],
    ],
  );
  expect(table).toBe("NAME     VERSION  DESCRIPTION\nevil\\x1b[2J 1.0\\x07  \\x1b]0;PWNED\\x07\\x0aforged line\n");
});
