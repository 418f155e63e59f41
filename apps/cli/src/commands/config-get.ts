/**
 * `memflow-ts config get [key]`: memflowup's config, every key (token masked: its first four
 * characters when it is longer than six) or one key's raw value (`registry` falls back to the
 * official registry).
 */

import { printable } from "@memflow-ts/core/plugin-files";
import { type Command, parseFlags, UsageError } from "../command.ts";
import { JSON_FLAG, QUIET_FLAG } from "../common-flags.ts";
import {
  CONFIG_KEYS,
  isConfigKey,
  type MemflowupConfig,
  maskToken,
  readConfig,
  unknownKeyMessage,
} from "../config/memflowup-config.ts";
import { ExitCode } from "../io.ts";
import { printer } from "../output.ts";
import { DEFAULT_REGISTRY } from "../registry/plugin-uri.ts";

const USAGE = `Usage: memflow-ts config get [<key>] [options]

Prints memflowup's configuration (~/.config/memflowup/config.json), or one key's value.
Keys: ${CONFIG_KEYS.join(", ")}.

Options:
      --json     print JSON
  -q, --quiet    print only values and failures`;

function displayed(config: MemflowupConfig): MemflowupConfig {
  return { ...config, token: config.token === null ? null : maskToken(config.token) };
}

export const configGetCommand: Command = {
  usage: USAGE,
  async run(args, context) {
    const { values, positionals } = parseFlags(args, { ...JSON_FLAG, ...QUIET_FLAG });
    if (positionals.length > 1) throw new UsageError(`config get takes at most one key (got ${positionals.join(" ")})`);
    const [key] = positionals;
    const out = printer(context, { quiet: values.quiet ?? false });
    if (key !== undefined && !isConfigKey(key)) throw new UsageError(unknownKeyMessage(key), { showUsage: false });
    const config = readConfig(context);
    if (key === undefined) {
      if (values.json) {
        out.json(displayed(config));
      } else {
        // The file may have been written by anyone: its values are escaped.
        const shown = displayed(config);
        context.stdout.write(
          printable(`registry = "${shown.registry ?? ""}"`) +
            `\n${printable(`token = "${shown.token ?? ""}"`)}\n` +
            `${printable(`pub_key_file = ${JSON.stringify(shown.pub_key_file ?? "")}`)}\n` +
            `${printable(`priv_key_file = ${JSON.stringify(shown.priv_key_file ?? "")}`)}\n`,
        );
      }
      return ExitCode.ok;
    }
    const value = key === "registry" ? (config.registry ?? DEFAULT_REGISTRY) : config[key];
    if (values.json) out.json({ [key]: value });
    else if (value !== null) context.stdout.write(`${printable(value)}\n`);
    return ExitCode.ok;
  },
};
