import { expect, test } from "bun:test";
import { isPrintable, printable, printableLines } from "../src/plugin-files.ts";

test("control characters become escapes; other text, Unicode included, stays as it is", () => {
  expect(printable("plain text, ünïcödé, 中文, 🦀")).toBe("plain text, ünïcödé, 中文, 🦀");
  expect(printable("\u001b[2J\u001b]0;title\u0007")).toBe("\\x1b[2J\\x1b]0;title\\x07");
  expect(printable("forged\nline\r")).toBe("forged\\x0aline\\x0d");
  expect(printable("\u007f\u0085\u009b")).toBe("\\x7f\\x85\\x9b");
  expect(printable("a\u2028b\u2029c")).toBe("a\\u2028b\\u2029c");
});

test("isPrintable says whether printable would change the text, again and again", () => {
  for (let round = 0; round < 2; round += 1) {
    expect(isPrintable("plain, ünïcödé, 🦀")).toBe(true);
    expect(isPrintable("bell\u0007")).toBe(false);
    expect(isPrintable("")).toBe(true);
  }
});

test("printableLines keeps line breaks and tabs and escapes the rest", () => {
  expect(printableLines("first\u001b[1m\nsecond\r\tthird")).toBe("first\\x1b[1m\nsecond\\x0d\tthird");
});

test("printableLines returns text whose only controls are line breaks and tabs as it is, and escapes C1 and separators", () => {
  expect(printableLines("a\tb\nc\n")).toBe("a\tb\nc\n");
  expect(printableLines("a\u0085b\u2028\n\u007f")).toBe("a\\x85b\\u2028\n\\x7f");
});
