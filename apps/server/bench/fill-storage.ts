/**
 * The benchmark's storage folder: the plugin of the listing and download scenarios in five
 * builds (one of them 4 MiB), uploaded as clients do, and 5,000 other plugins written directly
 * as a memflow-registry volume (`.plugin` and `.meta`), which the registry indexes at start-up.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatPluginMetadata } from "@memflow-ts/core/plugin-files";
import { withValidPluginNames } from "../../../tooling/testing/valid-plugin-names.ts";
import { PluginStore } from "../src/storage/plugin-store.ts";

const FIXTURE = join(import.meta.dir, "../../../packages/analyzer/test/fixtures/elf/x86_64-gcc.so");
/** The fixture says gcc-x86_64, which uploads refuse (memflow's plugin-name rule): it is renamed in place. */
export const PLUGIN_NAME = "gcc_x86_64";
const LARGE_EXTRA = 4 * 1024 * 1024;

/** The plugin with `n` bytes appended: the same descriptor under another digest, as a rebuild gives. */
export function withAppended(file: Uint8Array, n: number, fill = 0x5a): Uint8Array {
  const copy = new Uint8Array(file.byteLength + n);
  copy.set(file);
  copy.fill(fill, file.byteLength);
  return copy;
}

export function sha256(bytes: Uint8Array): string {
  return new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
}

export function benchPlugin(): Uint8Array {
  return withValidPluginNames(new Uint8Array(readFileSync(FIXTURE)), ["gcc-x86_64"]);
}

/** Not verified (the store has no key), but as long as a real DER signature, so the JSON is realistic. */
export function placeholderSignature(file: Uint8Array): string {
  const r = sha256(file);
  const s = sha256(new TextEncoder().encode(r));
  return `30440220${r}0220${s}`.toUpperCase();
}

export interface FilledStorage {
  /** The digest of the 4 MiB build. */
  largeDigest: string;
  largeBytes: number;
}

/** Fills `storage` (a new folder) with `others` extra plugins besides the five builds. */
export function fillStorage(storage: string, others: number): FilledStorage {
  const plugin = benchPlugin();
  const large = withAppended(plugin, LARGE_EXTRA);
  const builds = [plugin, withAppended(plugin, 1), withAppended(plugin, 2), withAppended(plugin, 3), large];
  const store = new PluginStore(storage);
  let descriptor: ReturnType<PluginStore["firstDescriptor"]>;
  try {
    for (const file of builds) {
      const result = store.upload(file, placeholderSignature(file));
      if (result !== "Added") throw new Error(`upload of a ${file.byteLength}-byte build: ${result}`);
    }
    descriptor = store.firstDescriptor(sha256(plugin));
  } finally {
    store.close();
  }
  if (descriptor === undefined) throw new Error("the benchmark's plugin has no descriptor");
  mkdirSync(storage, { recursive: true });
  for (let n = 0; n < others; n += 1) {
    const file = withAppended(plugin, 8 + (n % 64), n % 251);
    // The counter at the end makes every file, and so every digest, different.
    new DataView(file.buffer).setUint32(file.byteLength - 4, n);
    const digest = sha256(file);
    const name = `bench_${String(n).padStart(4, "0")}`;
    const meta = {
      digest,
      signature: placeholderSignature(file),
      created_at: "2025-01-01T00:00:00.000000",
      descriptors: [{ ...descriptor, name, export_name: `MEMFLOW_CONNECTOR_${name.toUpperCase()}` }],
    };
    writeFileSync(join(storage, `${digest}.plugin`), file);
    writeFileSync(join(storage, `${digest}.meta`), formatPluginMetadata(meta, "compact"));
  }
  return { largeDigest: sha256(large), largeBytes: large.byteLength };
}
