import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFileDurably, replaceFileDurably, TEMPORARY_SUFFIX } from "../src/install.ts";

const root = mkdtempSync(join(tmpdir(), "memflow-ts-durable-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

test("replace writes the whole file with its mode and leaves no temporary file", () => {
  const path = join(root, "config.json");
  replaceFileDurably(path, "first");
  replaceFileDurably(path, new TextEncoder().encode("second"), { mode: 0o600 });
  expect(readFileSync(path, "utf8")).toBe("second");
  expect(readdirSync(root)).toEqual(["config.json"]);
  replaceFileDurably(join(root, "private"), "x", { mode: 0o600 });
  expect(statSync(join(root, "private")).mode & 0o777).toBe(0o600);
});

test("create succeeds once; a second writer gets false and the first content stays", () => {
  const path = join(root, "claim.meta");
  const names: string[] = [];
  const temporaryName = (name: string) => {
    names.push(name);
    return `.incoming-${names.length}-${name}`;
  };
  expect(createFileDurably(path, "winner", { temporaryName })).toBe(true);
  expect(createFileDurably(path, "loser", { temporaryName })).toBe(false);
  expect(readFileSync(path, "utf8")).toBe("winner");
  expect(names).toEqual(["claim.meta", "claim.meta"]);
  expect(readdirSync(root).filter((name) => name.startsWith(".incoming-"))).toEqual([]);
});

test("a failed write leaves nothing behind and throws the system error", () => {
  expect(() => replaceFileDurably(join(root, "missing-folder", "x"), "data")).toThrow(/ENOENT/);
  expect(readdirSync(root).filter((name) => name.endsWith(TEMPORARY_SUFFIX))).toEqual([]);
});
