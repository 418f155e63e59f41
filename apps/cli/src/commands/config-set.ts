/** `memflow-ts config set <key> [value]`: without a value it unsets the key, as memflowup does. */

import { type Command, parseFlags, UsageError } from "../command.ts";
import { QUIET_FLAG } from "../common-flags.ts";
import { changeConfig } from "../config/change-config.ts";
import { CONFIG_KEYS } from "../config/memflowup-config.ts";

export const configSetCommand: Command = {
  usage: `Usage: memflow-ts config set <key> [<value>] [-q]

Sets a key of memflowup's configuration (~/.config/memflowup/config.json); without a value it
unsets the key. Keys: ${CONFIG_KEYS.join(", ")}. pub_key_file and priv_key_file must be PEM
keys (SPKI public, PKCS#8 private) and are stored as absolute paths.`,
  async run(args, context) {
    const { values, positionals } = parseFlags(args, QUIET_FLAG);
    const [key, value, ...extra] = positionals;
    if (key === undefined) throw new UsageError("name the key to set");
    if (extra.length > 0) throw new UsageError(`config set takes a key and one value (got ${positionals.join(" ")})`);
    return changeConfig(context, key, value, values.quiet ?? false);
  },
};
