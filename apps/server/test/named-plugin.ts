/**
 * Real connectors built by gcc (through the SDK) whose descriptor says any name, version and
 * description, including what no plugin should say, from fixtures/named-connector/.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildPluginAsync } from "@memflow-ts/sdk";

const SOURCE = join(import.meta.dir, "fixtures/named-connector/named-connector.c");

/** `text` as a C string literal: UTF-8, every byte outside printable ASCII (and `"`, `\`, `?`) in octal. */
function cString(text: string): string {
  const escaped = [...new TextEncoder().encode(text)]
    .map((byte) =>
      byte >= 0x20 && byte < 0x7f && !'"\\?'.includes(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `\\${byte.toString(8).padStart(3, "0")}`,
    )
    .join("");
  return `"${escaped}"`;
}

export async function namedPlugin(
  name: string,
  version = "1.0.0",
  description = "a named connector",
): Promise<Uint8Array> {
  const folder = mkdtempSync(join(tmpdir(), "memflow-ts-named-"));
  try {
    const flags = [`-DNAME=${cString(name)}`, `-DVERSION=${cString(version)}`, `-DDESCRIPTION=${cString(description)}`];
    const built = await buildPluginAsync({ name: "named", sources: [SOURCE], outDir: folder, meta: false, flags });
    return new Uint8Array(readFileSync(built.path));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
