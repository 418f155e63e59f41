/**
 * memflow's `Args`: `[default,]key=value,...` with the quote-aware splitter. Entries keep the
 * order they were first given in (memflow stores a HashMap's random order); a later duplicate
 * key replaces the earlier value, as in memflow.
 */
import { splitStrArgs } from "./split.ts";

export interface ArgEntry {
  readonly key: string;
  readonly value: string;
}

export class Args {
  readonly #entries: ArgEntry[];

  private constructor(entries: ArgEntry[]) {
    this.#entries = entries;
  }

  static new(): Args {
    return new Args([]);
  }

  /** `Args::with_default(v)`: the same as a leading bare value. */
  static withDefault(value: string): Args {
    return Args.new().insert("default", value);
  }

  /**
   * `Args::from_str`, which never fails: an entry with exactly one `=` is `key=value`; a first
   * entry without one becomes `default`; anything else is dropped, as memflow drops it.
   */
  static parse(text: string): Args {
    const entries: ArgEntry[] = [];
    // Plain loops, no destructuring: a command parses its chain's arguments once, cold, where each
    // builtin (forEach, findIndex, an array's iterator) is compiled on its first call (decision 0007).
    const parts = splitStrArgs(text, ",");
    for (let index = 0; index < parts.length; index += 1) {
      const entry = parts[index] as string;
      const pair = splitStrArgs(entry, "=");
      if (pair.length === 2) upsert(entries, pair[0] as string, pair[1] as string);
      else if (index === 0 && entry !== "") upsert(entries, "default", entry);
    }
    return new Args(entries);
  }

  /** A copy with `key` set: replaced in place when present, appended otherwise. */
  insert(key: string, value: string): Args {
    const entries = [...this.#entries];
    upsert(entries, key, value);
    return new Args(entries);
  }

  get(key: string): string | undefined {
    return this.#entries.find((entry) => entry.key === key)?.value;
  }

  getDefault(): string | undefined {
    return this.get("default");
  }

  entries(): readonly ArgEntry[] {
    return this.#entries;
  }

  get size(): number {
    return this.#entries.length;
  }

  /**
   * memflow's `Display`: the default value first (never quoted), then `key=value`, quoting a
   * value with `"` when it holds `,` or `=`.
   */
  toString(): string {
    const parts: string[] = [];
    const fallback = this.getDefault();
    if (fallback !== undefined) parts.push(fallback);
    for (const { key, value } of this.#entries) {
      if (key === "default") continue;
      parts.push(value.includes(",") || value.includes("=") ? `${key}="${value}"` : `${key}=${value}`);
    }
    return parts.join(",");
  }
}

function upsert(entries: ArgEntry[], key: string, value: string): void {
  for (let index = 0; index < entries.length; index += 1) {
    if (entries[index]?.key === key) {
      entries[index] = { key, value };
      return;
    }
  }
  entries.push({ key, value });
}
