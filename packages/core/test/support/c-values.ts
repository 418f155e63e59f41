/**
 * What a C compiler makes of memflow-abi.h and the shim: each named C expression (a sizeof, an
 * offsetof, an enum constant) printed by a program gcc builds from the shim's source, which
 * includes the header. The layout tests compare layouts.ts and os-layouts.ts with it.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ABI_INCLUDE_DIRECTORY } from "../../src/install.ts";

const SHIM_SOURCE = join(import.meta.dir, "..", "..", "src", "ffi", "shim.c");

/** A table of constants: `{ GROUP: { FIELD: "C expression" } }`, as layouts.ts groups them. */
export type CExpressions = Record<string, Record<string, string>>;

/**
 * Builds and runs a program in `directory` that prints every expression; returns the values in
 * the table's shape, and what the compiler said (empty when it built clean).
 */
export function valuesFromGcc(
  directory: string,
  name: string,
  expressions: CExpressions,
): { errors: string; values: Record<string, Record<string, number>> } {
  const lines = Object.entries(expressions).flatMap(([group, fields]) =>
    Object.entries(fields).map(
      ([field, expression]) => `  printf("${group}.${field}=%zu\\n", (size_t)(${expression}));`,
    ),
  );
  const source = join(directory, `${name}.c`);
  // The shim's source is included whole, for its own types (Request, Strings, List, Arguments) and enums.
  writeFileSync(
    source,
    `#include <stdio.h>\n#include "${SHIM_SOURCE}"\n\nint main(void) {\n${lines.join("\n")}\n  return 0;\n}\n`,
  );
  const program = join(directory, name);
  const build = Bun.spawnSync(["gcc", "-pthread", `-I${ABI_INCLUDE_DIRECTORY}`, "-o", program, source, "-ldl"], {
    stderr: "pipe",
  });
  const errors = build.stderr.toString();
  const values: Record<string, Record<string, number>> = {};
  if (build.exitCode !== 0) return { errors, values };
  const printed = Bun.spawnSync([program], { stdout: "pipe" }).stdout.toString();
  for (const line of printed.trim().split("\n")) {
    const [, group = "", field = "", value = ""] = /^(\w+)\.(\w+)=(\d+)$/.exec(line) ?? [];
    values[group] = { ...values[group], [field]: Number(value) };
  }
  return { errors, values };
}

/** The field names of each group of a layouts module, sorted: what a table of C expressions must cover. */
export function fieldNames(groups: Record<string, object>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(groups).map(([group, fields]) => [group, Object.keys(fields).sort()]));
}
