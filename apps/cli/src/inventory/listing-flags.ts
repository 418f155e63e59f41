/** The flags every listing takes, and the one-name form of `help <plugin>` and `targets <connector>`. */
import { parseFlags, UsageError } from "../command.ts";

export const LISTING_FLAGS = {
  json: { type: "boolean" },
  quiet: { type: "boolean", short: "q" },
} as const;

export interface NamedListing {
  readonly name: string;
  readonly json: boolean;
  readonly quiet: boolean;
}

/** Parses `<command> <name> [--json] [--quiet]`; `what` names the argument (`plugin name`). */
export function parseNamedListing(
  args: readonly string[],
  command: string,
  what: string,
  example: string,
): NamedListing {
  const { values, positionals } = parseFlags(args, LISTING_FLAGS);
  const [name, ...extra] = positionals;
  if (name === undefined) throw new UsageError(`${command} needs a ${what}, e.g. memflow-ts ${command} ${example}`);
  if (extra.length > 0) throw new UsageError(`${command} takes one ${what} (got ${positionals.join(" ")})`);
  return { name, json: values.json === true, quiet: values.quiet === true };
}
