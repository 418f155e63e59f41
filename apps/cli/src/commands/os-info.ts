/** `memflow-ts info -c <connector> -o <os>`: the OS's `OsInfo` (its kernel's base, size and architecture). */
import { formatArchitecture, osInfoJson } from "@memflow-ts/core/inventory";
import type { Command } from "../command.ts";
import { formatAddress } from "../inventory/numbers.ts";
import { ExitCode } from "../io.ts";
import { expectNoOperands, osUsage, parseOsArgs, useOs } from "../os/os-command.ts";
import { printer } from "../output.ts";

const DESCRIPTION = `Prints what the OS at the end of the chain says of itself (memflow's OsInfo): the kernel's
base address, its size and the architecture.`;

export const osInfoCommand: Command = {
  usage: osUsage({
    command: "info",
    operands: "",
    description: DESCRIPTION,
    json: "print { os, base, size, arch }",
    example: "",
  }),
  async run(args, context) {
    const { chain, values, positionals } = parseOsArgs(args, {});
    expectNoOperands("info", positionals);
    const { name, info } = useOs(context, chain, values, "info", (os) => ({ name: os.name, info: os.info() }));
    if (values.json === true) {
      printer(context).json({ os: name, ...osInfoJson(info) });
      return ExitCode.ok;
    }
    const out = printer(context);
    out.line(`os    ${name}`);
    out.line(`base  ${formatAddress(info.base)}`);
    out.line(`size  ${formatAddress(info.size)}`);
    out.line(`arch  ${formatArchitecture(info.arch)}`);
    return ExitCode.ok;
  },
};
