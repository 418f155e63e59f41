/**
 * The command-line flag parser: GNU-style long and short flags, strict about unknown flags and
 * missing values. It replaces node:util's parseArgs, which took ~15 ms of each start-up in Bun
 * (decision 0007) — a third of `memflow-ts plugins ls`.
 *
 * Accepted: `--name value`, `--name=value`, `-n value`, `-nvalue`, grouped boolean shorts
 * (`-aq`), repeated flags declared `multiple`, and `--` ending the flags.
 */

export interface FlagSpec {
  readonly type: "boolean" | "string";
  readonly short?: string;
  readonly multiple?: boolean;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

type FlagValue<S extends FlagSpec> = S["type"] extends "string"
  ? S["multiple"] extends true
    ? string[]
    : string
  : S["multiple"] extends true
    ? boolean[]
    : boolean;

/** Each declared flag's value, or undefined when it was not given. */
export type FlagValues<O extends FlagSpecs> = { -readonly [K in keyof O]?: FlagValue<O[K]> };

export interface ParsedFlags<O extends FlagSpecs> {
  readonly values: FlagValues<O>;
  readonly positionals: string[];
}

/** Bad flags; the message names the flag and how to fix the call. */
export class FlagError extends Error {
  override readonly name = "FlagError";
}

function spelling(name: string, spec: FlagSpec): string {
  return spec.short === undefined ? `--${name}` : `-${spec.short}, --${name}`;
}

export function parseFlagList<const O extends FlagSpecs>(args: readonly string[], specs: O): ParsedFlags<O> {
  const byShort = new Map<string, string>();
  for (const [name, spec] of Object.entries(specs)) if (spec.short !== undefined) byShort.set(spec.short, name);
  const values: Record<string, unknown> = {};
  const positionals: string[] = [];

  const store = (name: string, value: string | boolean) => {
    if (!specs[name]?.multiple) values[name] = value;
    else if (Array.isArray(values[name])) values[name].push(value);
    else values[name] = [value];
  };
  /** The value of a string flag: inline (`--x=v`, `-xv`) or the next argument. */
  const flagValue = (name: string, inline: string | undefined, index: number): [string, number] => {
    if (inline !== undefined) return [inline, index];
    const next = args[index + 1];
    const spec = specs[name] as FlagSpec;
    if (next === undefined) throw new FlagError(`Option '${spelling(name, spec)} <value>' argument missing`);
    if (next.length > 1 && next.startsWith("-")) {
      throw new FlagError(
        `Option '${spelling(name, spec)} <value>' is followed by '${next}', not a value; write --${name}=${next} if that is the value`,
      );
    }
    return [next, index + 1];
  };

  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] as string;
    if (arg === "--") {
      positionals.push(...args.slice(index + 1));
      break;
    }
    if (arg.startsWith("--")) {
      const equals = arg.indexOf("=");
      const name = equals === -1 ? arg.slice(2) : arg.slice(2, equals);
      const inline = equals === -1 ? undefined : arg.slice(equals + 1);
      const spec = Object.hasOwn(specs, name) ? specs[name] : undefined;
      if (spec === undefined) throw new FlagError(`Unknown option '--${name}'`);
      if (spec.type === "boolean") {
        if (inline !== undefined) throw new FlagError(`Option '${spelling(name, spec)}' does not take a value`);
        store(name, true);
      } else {
        const [value, used] = flagValue(name, inline, index);
        store(name, value);
        index = used;
      }
      continue;
    }
    if (arg.startsWith("-") && arg.length > 1) {
      // A group of short flags: booleans, possibly ending in one string flag with its value.
      for (let position = 1; position < arg.length; position += 1) {
        const letter = arg[position] as string;
        const name = byShort.get(letter);
        if (name === undefined) throw new FlagError(`Unknown option '-${letter}'`);
        const spec = specs[name] as FlagSpec;
        if (spec.type === "boolean") {
          store(name, true);
          continue;
        }
        const rest = arg.slice(position + 1);
        const [value, used] = flagValue(name, rest === "" ? undefined : rest.replace(/^=/, ""), index);
        store(name, value);
        index = used;
        break;
      }
      continue;
    }
    positionals.push(arg);
  }
  return { values: values as FlagValues<O>, positionals };
}
