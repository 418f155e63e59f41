/**
 * Builds memflow-shaped plugin libraries with gcc for the tests: exported descriptors from
 * memflow-abi.h, whose `create` is never called by scanning.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ABI_INCLUDE_DIRECTORY } from "../../src/install.ts";

export interface CDescriptor {
  kind: "connector" | "os";
  name: string;
  version?: string;
  description?: string;
  pluginVersion?: number;
}

const cString = (text: string) => JSON.stringify(text);

function source(descriptors: readonly CDescriptor[]): string {
  const lines = [
    '#include "memflow-abi.h"',
    "static int32_t create_connector(const mf_connector_args *args, mf_option_os_instance input, mf_carc lib,",
    "                                mf_plugin_logger *logger, mf_connector_instance *out) { return -1; }",
    "static int32_t create_os(const mf_os_args *args, mf_option_connector_instance input, mf_carc lib,",
    "                         mf_plugin_logger *logger, mf_os_instance *out) { return -1; }",
  ];
  for (const descriptor of descriptors) {
    const connector = descriptor.kind === "connector";
    const symbol = `MEMFLOW_${connector ? "CONNECTOR" : "OS"}_${descriptor.name.toUpperCase()}`;
    const slice = (text: string) => `{ (const uint8_t *)${cString(text)}, ${new TextEncoder().encode(text).length} }`;
    lines.push(
      `MF_EXPORT const mf_plugin_descriptor ${symbol} = { ${descriptor.pluginVersion ?? 1}, 0, 0, 0, ` +
        `${slice(descriptor.name)}, ${slice(descriptor.version ?? "0.1.0")}, ${slice(descriptor.description ?? "a test plugin")}, ` +
        `0, 0, { .${connector ? "connector = create_connector" : "os = create_os"} } };`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** Compiles a shared library exporting `descriptors` to `directory/fileName`; returns its path. */
export function buildCPlugin(
  directory: string,
  fileName: string,
  descriptors: readonly CDescriptor[],
  flags: readonly string[] = [],
): string {
  const sourcePath = join(directory, `${fileName}.c`);
  const output = join(directory, fileName);
  writeFileSync(sourcePath, source(descriptors));
  const gcc = Bun.spawnSync(
    ["gcc", "-shared", "-fPIC", "-O2", `-I${ABI_INCLUDE_DIRECTORY}`, ...flags, "-o", output, sourcePath],
    { stderr: "pipe" },
  );
  if (gcc.exitCode !== 0) throw new Error(`gcc failed for ${fileName}: ${gcc.stderr.toString()}`);
  return output;
}
