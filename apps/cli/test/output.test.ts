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

test("tables pad every column but the last to its width, push on past a long value and end each row with a newline", () => {
  expect(formatTable([4, 4], [["NAME", "KIND", "PATH"], ["a-long-name", "os", "/p"], ["b", "", ""], []])).toBe(
    "NAME KIND PATH\na-long-name os   /p\nb\n\n",
  );
  expect(formatTable([4], [])).toBe("");
  // A line break alone in a cell is a control character too.
  expect(formatTable([2], [["a\nb", "c"]])).toBe("a\\x0ab c\n");
});
