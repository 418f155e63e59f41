/**
 * The C connector project: a memory connector written against memflow-plugin.h, a build script
 * and a test running the conformance harness on the built library.
 */
import { cBuildScript, GITIGNORE, projectPackageJson, type TemplateContext } from "./project-files.ts";

function source(name: string): string {
  const symbol = name.toUpperCase();
  return `/*
 * ${name}: a memflow connector. Replace the memory below with your source of physical memory
 * (a device, a VM, a file); keep the functions' contracts:
 *   read/write return how many bytes from the start of the range they transferred, or MF_ERROR(...).
 */
#include "memflow-plugin.h"

typedef struct {
  uint8_t *bytes;
  uint64_t size;
} ${name}_state;

static const char *const known_arguments[] = { "size", NULL };

static void *${name}_create(const mf_connector_args *args, int32_t *error) {
  if ((*error = mf_args_check_known(args, known_arguments)) != 0) return NULL;
  const char *size_text = mf_args_get(args, "size");
  uint64_t size = 0;
  if ((*error = mf_parse_size(size_text ? size_text : "1m", &size)) != 0) return NULL;
  ${name}_state *state = malloc(sizeof *state);
  if (!state) return NULL;
  state->size = size;
  state->bytes = calloc(1, (size_t)size);
  if (!state->bytes) {
    free(state);
    *error = MF_ERROR(MF_ORIGIN_CONNECTOR, MF_KIND_INVALID_MEMORY_SIZE);
    return NULL;
  }
  return state;
}

static void ${name}_drop(void *pointer) {
  ${name}_state *state = pointer;
  free(state->bytes);
  free(state);
}

/* Reads and writes of the part of the range inside the memory; the rest is reported as failed. */
static int64_t ${name}_read(void *pointer, uint64_t address, uint8_t *buffer, uint64_t length) {
  const ${name}_state *state = pointer;
  return mf_memory_read(state->bytes, state->size, address, buffer, length);
}

static int64_t ${name}_write(void *pointer, uint64_t address, const uint8_t *buffer, uint64_t length) {
  ${name}_state *state = pointer;
  return mf_memory_write(state->bytes, state->size, address, buffer, length);
}

static mf_metadata ${name}_metadata(void *pointer) {
  const ${name}_state *state = pointer;
  mf_metadata metadata = { state->size - 1, state->size, false, 1024 };
  return metadata;
}

static const char *${name}_help(void) {
  return "${name}: an example memory connector\\n"
         "size: size of the memory, hex digits with a unit (k, m, g), default 1m";
}

static const mf_connector_ops ${name}_ops = {
  .create = ${name}_create,
  .drop = ${name}_drop,
  .read = ${name}_read,
  .write = ${name}_write,
  .metadata = ${name}_metadata,
  .help = ${name}_help,
};

MEMFLOW_CONNECTOR(${symbol}, "${name}", "0.1.0", "${name} memory connector", ${name}_ops);
`;
}

export function cConnectorProject(context: TemplateContext): Record<string, string> {
  const { name } = context;
  return {
    "package.json": projectPackageJson(context, { build: "bun scripts/build.ts", test: "bun test" }, false),
    [`src/${name}.c`]: source(name),
    "scripts/build.ts": cBuildScript(name),
    [`test/${name}.test.ts`]: `// Checks the connector with the memflow-ts conformance harness.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildPlugin } from "@memflow-ts/sdk";
import { describePlugin } from "@memflow-ts/sdk/testing";

const outDir = mkdtempSync(join(tmpdir(), "${name}-test-"));
const built = buildPlugin({ name: "${name}", sources: [join(import.meta.dir, "..", "src", "${name}.c")], outDir });

describePlugin({ path: built.path }, { sampleArgs: [":size=2m"], badArgs: [":size=4M", ":colour=red"] });
`,
    ".gitignore": GITIGNORE,
    "README.md": `# ${name}

A memflow connector plugin written in C with [@memflow-ts/sdk](https://www.npmjs.com/package/@memflow-ts/sdk).

\`\`\`sh
bun install
bun run build   # dist/libmemflow_${name}_<digest>.so and its .meta
bun run test    # the memflow-ts conformance harness
\`\`\`

Install the built plugin by copying both files from \`dist/\` to \`~/.local/lib/memflow/\`, then
use it as \`${name}\` (for example \`-c ${name}::size=4m\`).
`,
  };
}
