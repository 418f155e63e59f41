/** `memflow-ts config unset <key>`: the key becomes null in config.json. */

import { type Command, parseFlags, UsageError } from "../command.ts";
import { QUIET_FLAG } from "../common-flags.ts";
import { changeConfig } from "../config/change-config.ts";
import { CONFIG_KEYS } from "../config/memflowup-config.ts";

export const configUnsetCommand: Command = {
  usage: `Usage: memflow-ts config unset <key> [-q]

Removes a key from memflowup's configuration. Keys: ${CONFIG_KEYS.join(", ")}.`,
  async run(args, context) {
    const { values, positionals } = parseFlags(args, QUIET_FLAG);
    const [key, ...extra] = positionals;
    if (key === undefined) throw new UsageError("name the key to unset");
    if (extra.length > 0) throw new UsageError(`config unset takes one key (got ${positionals.join(" ")})`);
    return changeConfig(context, key, undefined, values.quiet ?? false);
  },
};
