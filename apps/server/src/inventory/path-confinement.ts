/**
 * Keeps the paths a session's arguments name inside the folders the operator configured, so a
 * token holder cannot point a connector such as rawfile at `/etc/shadow`, at the registry's own
 * index or at the server's `.env`.
 *
 * The rule, for every target and argument value of every step of a chain: a value is a path when
 * it contains `/` or `\`, starts with `.` or `~`, or names something that exists in the sessions'
 * working folder (where a plugin would find a bare file name). A path must resolve, with every
 * symbolic link followed, inside one of the data folders; `~` is refused outright (a plugin may
 * expand it to a home folder the server cannot see), and so is any value holding a NUL (a C plugin
 * would read only what comes before it). Values that are not paths (`size=1m`, `win10`) pass
 * untouched.
 */
import { lstatSync, readlinkSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";

/** Linux's limit on links followed while resolving one path (MAXSYMLINKS). */
const MAX_LINKS = 40;

export type Canonical = { path: string } | { problem: string };

/**
 * The path the kernel would open for `path` (relative to `base`, which must be canonical), every
 * symbolic link followed. Resolved one component at a time, because `..` after a link leaves the
 * link's target, not the folder the link is in: a lexical normalisation first (as `realpath` does
 * in Node and Bun) would let `data/link/../secret` pass as `data/secret`. A path whose last
 * components do not exist yet resolves to where they would be created.
 */
export function canonicalPath(path: string, base: string): Canonical {
  let real = "/";
  const pending = (isAbsolute(path) ? path : `${base}/${path}`).split("/");
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift() ?? "";
    if (part === "" || part === ".") continue;
    if (part === "..") {
      real = join(real, "..");
      continue;
    }
    const next = join(real, part);
    let isLink: boolean;
    try {
      isLink = lstatSync(next).isSymbolicLink();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT")
        return { problem: `cannot be read (${errorCode(error)})` };
      // The kernel fails `missing/../x`; without `..` the rest is where a file would be created.
      if (pending.includes("..")) return { problem: "does not exist" };
      return { path: join(next, ...pending.filter((rest) => rest !== "" && rest !== ".")) };
    }
    if (!isLink) {
      real = next;
      continue;
    }
    links += 1;
    if (links > MAX_LINKS) return { problem: "has too many levels of symbolic links" };
    const target = readlinkSync(next);
    if (isAbsolute(target)) real = "/";
    pending.unshift(...target.split("/"));
  }
  return { path: real };
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}

export class PathConfinement {
  /** Canonical folders paths may resolve into. */
  readonly folders: readonly string[];
  /** Where session workers run, so relative paths resolve there: the first data folder. */
  readonly workingDirectory: string;

  /** `folders` must be canonical already (see canonicalPath); none confines every path out. */
  constructor(folders: readonly string[], workingDirectory = folders[0] ?? resolve(".")) {
    this.folders = folders;
    this.workingDirectory = workingDirectory;
  }

  /** Whether `value` is treated as a path (the rule at the top of this file). */
  looksLikePath(value: string): boolean {
    if (value === "") return false;
    if (/[/\\]/.test(value) || value.startsWith(".") || value.startsWith("~")) return true;
    try {
      lstatSync(join(this.workingDirectory, value));
      return true;
    } catch {
      return false;
    }
  }

  /** Whether a canonical path is one of the folders or inside one. */
  contains(path: string): boolean {
    return this.folders.some((folder) => path === folder || path.startsWith(folder === "/" ? "/" : `${folder}/`));
  }

  /** Why `value` may not be passed to a plugin, or undefined when it may. */
  problemOf(value: string): string | undefined {
    // A C plugin stops reading at NUL, so "secret\0x" would be no path here and the file "secret"
    // there. Core's argument marshalling refuses NUL too; the policy does not count on it.
    if (value.includes("\0")) return "contains a NUL character";
    if (!this.looksLikePath(value)) return undefined;
    if (value.startsWith("~")) return "starts with ~: give the path without it, absolute or relative to a data folder";
    if (this.folders.length === 0) {
      return "is a path, and no data folder is configured (--inventory-data-dir, MEMFLOW_TS_INVENTORY_DATA_DIRS)";
    }
    const resolved = canonicalPath(value, this.workingDirectory);
    if ("problem" in resolved) return resolved.problem;
    if (this.contains(resolved.path)) return undefined;
    return `is outside the inventory's data folders (${this.folders.join(", ")}), symbolic links followed`;
  }
}
