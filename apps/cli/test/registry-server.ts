/**
 * A real registry for the CLI's tests: @memflow-ts/server's app over a PluginStore in a temporary
 * folder, listening on 127.0.0.1 with an ephemeral port. Plugins are real binaries: the
 * analyzer's gcc-built ELF fixtures (renamed for the registry, see registryFixture), or plugins
 * the SDK builds.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { arch, tmpdir } from "node:os";
import { join } from "node:path";
import { parseDescriptors } from "@memflow-ts/analyzer";
import { pluginNameProblem } from "@memflow-ts/core/plugin-files";
import { parsePrivateKeyPem, parsePublicKeyPem, signPlugin, verifyPluginSignature } from "@memflow-ts/core/registry";
import { createApp, PluginStore } from "@memflow-ts/server";
import { withValidPluginNames } from "../../../tooling/testing/valid-plugin-names.ts";

export const FIXTURES = join(import.meta.dir, "fixtures");
export const ELF_FIXTURES = join(import.meta.dir, "../../../packages/analyzer/test/fixtures/elf");
export const PRIVATE_KEY_PEM = join(FIXTURES, "signatures/private-key.pem");
export const PUBLIC_KEY_PEM = join(FIXTURES, "signatures/public-key.pem");
export const TOKEN = "test-token";

const privateKey = parsePrivateKeyPem(readFileSync(PRIVATE_KEY_PEM, "utf8"));
const publicKey = parsePublicKeyPem(readFileSync(PUBLIC_KEY_PEM, "utf8"));

/** Signs as memflowup does, with the fixture key. */
export const sign = (file: Uint8Array) => signPlugin(file, privateKey);

export function elfFixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(ELF_FIXTURES, name)));
}

/**
 * An ELF fixture as a registry takes it: `gcc-x86_64` renamed `gcc_x86_64` (and so on) in place,
 * because registries and pull refuse names that break memflow's plugin-name rule.
 */
export function registryFixture(name: string): Uint8Array {
  const file = elfFixture(name);
  const invalid = parseDescriptors(file).filter((descriptor) => pluginNameProblem(descriptor.name) !== undefined);
  return withValidPluginNames(
    file,
    invalid.map((descriptor) => descriptor.name),
  );
}

/** The gcc-built fixture this machine can load, and its plugin name in a registry (registryFixture). */
export const HOST_FIXTURE =
  arch() === "arm64"
    ? {
        file: "aarch64-gcc.so",
        name: "gcc_aarch64",
        architecture: "arm64",
        other: "x86_64-gcc.so",
        otherName: "gcc_x86_64",
      }
    : {
        file: "x86_64-gcc.so",
        name: "gcc_x86_64",
        architecture: "x86_64",
        other: "aarch64-gcc.so",
        otherName: "gcc_aarch64",
      };

/** The same plugin with bytes appended: same descriptors, another digest (another build). */
export function rebuilt(file: Uint8Array, extra: number): Uint8Array {
  const copy = new Uint8Array(file.byteLength + extra);
  copy.set(file);
  copy.fill(0x5a, file.byteLength);
  return copy;
}

export { sha256Hex as sha256 } from "../src/local/sha256.ts";

export interface TestRegistry {
  readonly url: string;
  readonly root: string;
  readonly store: PluginStore;
  /** Stores a plugin directly (signed with the fixture key unless a signature is given). */
  add(file: Uint8Array, signature?: string): void;
  stop(): Promise<void>;
}

export interface RegistryOptions {
  /** Check upload signatures with the fixture public key (default true). */
  readonly verify?: boolean;
  /** Files to place in the storage folder before the store opens (a memflow-registry volume). */
  readonly volume?: Record<string, Uint8Array | string>;
}

export function startRegistry(options: RegistryOptions = {}): TestRegistry {
  const root = mkdtempSync(join(tmpdir(), "memflow-ts-cli-registry-"));
  mkdirSync(root, { recursive: true });
  for (const [name, data] of Object.entries(options.volume ?? {})) writeFileSync(join(root, name), data);
  const verifySignature =
    options.verify === false
      ? undefined
      : (file: Uint8Array, signature: string) => verifyPluginSignature(file, signature, publicKey);
  const store = new PluginStore(root, { verifySignature });
  const server = createApp({ store, bearerToken: TOKEN }).listen({ hostname: "127.0.0.1", port: 0 });
  return {
    url: `http://127.0.0.1:${server.server?.port}`,
    root,
    store,
    add: (file, signature) => void store.upload(file, signature ?? sign(file)),
    async stop() {
      await server.stop();
      store.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
