/**
 * Builds memflow-shaped plugin libraries with gcc for the tests: exported descriptors with the
 * 64-bit `PluginDescriptor` layout, whose `create` is never called by scanning.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";

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
    "typedef struct { const char *ptr; unsigned long len; } slice;",
    "typedef struct {",
    "  int plugin_version; _Bool accept_input; const void *input_layout, *output_layout;",
    "  slice name, version, description; void *help, *target_list; int (*create)(void);",
    "} descriptor;",
    '_Static_assert(sizeof(descriptor) == 0x60, "memflow\'s 64-bit descriptor is 0x60 bytes");',
    "static int create(void) { return -1; }",
  ];
  for (const descriptor of descriptors) {
    const symbol = `MEMFLOW_${descriptor.kind === "connector" ? "CONNECTOR" : "OS"}_${descriptor.name.toUpperCase()}`;
    const slice = (text: string) => `{ ${cString(text)}, ${new TextEncoder().encode(text).length} }`;
    lines.push(
      `__attribute__((visibility("default"))) const descriptor ${symbol} = { ${descriptor.pluginVersion ?? 1}, 0, 0, 0, ` +
        `${slice(descriptor.name)}, ${slice(descriptor.version ?? "0.1.0")}, ${slice(descriptor.description ?? "a test plugin")}, 0, 0, create };`,
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
  const gcc = Bun.spawnSync(["gcc", "-shared", "-fPIC", "-O2", ...flags, "-o", output, sourcePath], { stderr: "pipe" });
  if (gcc.exitCode !== 0) throw new Error(`gcc failed for ${fileName}: ${gcc.stderr.toString()}`);
  return output;
}
