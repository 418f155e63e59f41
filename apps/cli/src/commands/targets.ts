/**
 * `memflow-ts targets <connector>`: the targets a connector offers (memflow's
 * `connector_target_list`), such as the virtual machines qemu can attach to: one a line.
 */
import { printable } from "@memflow-ts/core/plugin-files";
import type { Command } from "../command.ts";
import { parseNamedListing } from "../inventory/listing-flags.ts";
import { openInventory } from "../inventory/open-inventory.ts";
import { ExitCode } from "../io.ts";
import { printer } from "../output.ts";

const USAGE = `Usage: memflow-ts targets <connector> [--json] [--quiet]

Lists the targets a connector can open, one a line; use one as -c <connector>:<target>.

Options:
  --json       print the targets as a JSON array of names
  -q, --quiet  print nothing but the targets
`;

export const targetsCommand: Command = {
  usage: USAGE,
  async run(args, context) {
    const { name, json, quiet } = parseNamedListing(args, "targets", "connector name", "qemu");
    using inventory = openInventory(context, "error");
    const targets = inventory.connectorTargetList(name);
    if (json) {
      printer(context).json(targets);
      return ExitCode.ok;
    }
    if (targets.length === 0) printer(context, { quiet }).info(`${name} lists no targets`);
    for (const target of targets) context.stdout.write(`${printable(target)}\n`);
    return ExitCode.ok;
  },
};
