/**
 * Which argument values count as paths, and where a path really leads: resolved a component at a
 * time on a real folder tree with symbolic links, as the kernel would open it.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { canonicalPath, PathConfinement } from "../src/inventory/path-confinement.ts";

const root = realpathSync(mkdtempSync(join(tmpdir(), "memflow-ts-confinement-")));
const data = join(root, "data");
const outside = join(root, "outside");
mkdirSync(join(outside, "sub"), { recursive: true });
mkdirSync(data);
writeFileSync(join(outside, "secret"), "outside");
writeFileSync(join(data, "secret"), "inside");
writeFileSync(join(data, "memory.raw"), "dump");
symlinkSync(join(outside, "sub"), join(data, "link"));
symlinkSync(join(outside, "secret"), join(data, "shortcut"));
symlinkSync("loop", join(data, "loop"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const confinement = new PathConfinement([data]);

describe("canonicalPath", () => {
  test("follows a link before `..`, as the kernel does, where a lexical normalisation would not", () => {
    // Lexically data/link/../secret is data/secret; the kernel opens outside/secret.
    // (join() would normalise it too, so the path is spelt out.)
    expect(canonicalPath(`${data}/link/../secret`, "/")).toEqual({ path: join(outside, "secret") });
    expect(canonicalPath("link/../secret", data)).toEqual({ path: join(outside, "secret") });
  });

  test("resolves relative paths against the base, links to their targets, and missing names to where they would be", () => {
    expect(canonicalPath("memory.raw", data)).toEqual({ path: join(data, "memory.raw") });
    expect(canonicalPath("./shortcut", data)).toEqual({ path: join(outside, "secret") });
    expect(canonicalPath("new/file.raw", data)).toEqual({ path: join(data, "new/file.raw") });
    expect(canonicalPath("missing/../memory.raw", data)).toEqual({ problem: "does not exist" });
    expect(canonicalPath("loop", data)).toEqual({ problem: "has too many levels of symbolic links" });
  });
});

describe("PathConfinement", () => {
  test("takes as paths values with a slash, a leading . or ~, and names that exist in its working folder", () => {
    for (const value of ["/etc/shadow", "a/b", "a\\b", ".env", "..", "~/dump", "memory.raw"]) {
      expect(confinement.looksLikePath(value)).toBe(true);
    }
    for (const value of ["", "1m", "win10", "true", "0x1000"]) expect(confinement.looksLikePath(value)).toBe(false);
  });

  test("lets paths into its folders through and refuses the rest, saying why", () => {
    for (const value of ["memory.raw", join(data, "memory.raw"), "./secret", "../data/secret", "1m"]) {
      expect(confinement.problemOf(value)).toBeUndefined();
    }
    expect(confinement.problemOf("/etc/shadow")).toStartWith("is outside the inventory's data folders");
    expect(confinement.problemOf("../outside/secret")).toStartWith("is outside");
    expect(confinement.problemOf("shortcut")).toStartWith("is outside");
    expect(confinement.problemOf("link/../secret")).toStartWith("is outside");
    expect(confinement.problemOf("~/secret")).toStartWith("starts with ~");
    // A C plugin would open "memory.raw" in its working folder, whatever the folders are.
    expect(new PathConfinement([]).problemOf("memory.raw\0x")).toBe("contains a NUL character");
    expect(new PathConfinement([]).problemOf("/tmp/x")).toContain("no data folder is configured");
  });

  test("a folder contains itself and what is below it, not its namesakes", () => {
    expect(confinement.contains(data)).toBe(true);
    expect(confinement.contains(join(data, "a/b"))).toBe(true);
    expect(confinement.contains(`${data}2/x`)).toBe(false);
    expect(new PathConfinement(["/"]).contains("/etc/shadow")).toBe(true);
  });
});
