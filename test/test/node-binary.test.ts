import { afterAll, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { realNodeBinary } from "../src/node-binary.ts";

const root = mkdtempSync(join(tmpdir(), "memflow-ts-node-binary-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A folder holding an executable `node` (a copy of /bin/sh: any executable will do), and maybe a `bun` link to it. */
function folder(name: string, withBun: boolean): string {
  const directory = join(root, name);
  mkdirSync(directory);
  copyFileSync("/bin/sh", join(directory, "node"));
  if (withBun) symlinkSync(join(directory, "node"), join(directory, "bun"));
  return directory;
}

// Bun's /tmp/bun-node-<hash>/ holds `node` and `bun`, both the same file: a Bun that is not
// necessarily process.execPath.
const standIn = folder("stand-in", true);
const real = folder("real", false);

test("skips a Bun stand-in folder whose node is another Bun than the running one, and finds the next node", () => {
  expect(realNodeBinary([join(root, "empty"), standIn, real].join(delimiter))).toBe(join(real, "node"));
});

test("skips the running Bun itself on PATH", () => {
  const running = join(root, "running");
  mkdirSync(running);
  symlinkSync(process.execPath, join(running, "node"));
  expect(realNodeBinary([running, real].join(delimiter))).toBe(join(real, "node"));
});

test("says what to install when only stand-ins are on PATH", () => {
  expect(() => realNodeBinary(standIn)).toThrow("Debian package nodejs");
});
