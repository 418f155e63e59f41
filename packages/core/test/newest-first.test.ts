import { describe, expect, test } from "bun:test";
import { newestFirst } from "../src/catalogue/newest-first.ts";
import type { PluginEntry } from "../src/catalogue/plugin-entry.ts";
import { parseCreatedAt } from "../src/plugin-files/created-at.ts";

function entry(path: string, createdAt: string): PluginEntry {
  const parsed = parseCreatedAt(createdAt);
  if (parsed === undefined) throw new Error(`bad timestamp ${createdAt}`);
  return {
    origin: "file",
    path,
    realPath: path,
    createdAt: parsed,
    createdAtSource: "meta",
    meta: undefined,
    descriptors: [],
  };
}

describe("newestFirst", () => {
  test("orders by timestamp to the nanosecond, newest first, across chrono's whole range of years", () => {
    const given = [
      entry("/p/b.so", "2024-04-06T20:49:56.440891100"),
      entry("/p/a.so", "0000-01-01T00:00:00"),
      entry("/p/c.so", "9999-12-31T23:59:59.999999999"),
      entry("/p/d.so", "2024-04-06T20:49:56.440891101"),
      entry("/p/e.so", "1969-12-31T23:59:59.5"),
      entry("/p/f.so", "1970-01-01T00:00:00"),
    ];
    expect(newestFirst(given).map((e) => e.path)).toEqual([
      "/p/c.so",
      "/p/d.so",
      "/p/b.so",
      "/p/f.so",
      "/p/e.so",
      "/p/a.so",
    ]);
  });

  test("equal timestamps go by path, a path before the longer ones it begins, then in the order given", () => {
    const at = "2024-04-06T20:49:56";
    const first = entry("/p/x.so", at);
    const again = entry("/p/x.so", at);
    const given = [entry("/p/xa.so", at), first, entry("/p/B.so", at), again, entry("/p/x.s", at)];
    const ordered = newestFirst(given);
    expect(ordered.map((e) => e.path)).toEqual(["/p/B.so", "/p/x.s", "/p/x.so", "/p/x.so", "/p/xa.so"]);
    expect(ordered[2]).toBe(first);
    expect(ordered[3]).toBe(again);
  });
});
