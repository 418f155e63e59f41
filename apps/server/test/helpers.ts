/** Shared by the server tests: real plugin binaries, real keys, a store in a fresh folder. */
import { afterEach } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDescriptors } from "@memflow-ts/analyzer";
import { pluginNameProblem } from "@memflow-ts/core/plugin-files";
import { signPlugin } from "@memflow-ts/core/registry";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { withValidPluginNames } from "../../../tooling/testing/valid-plugin-names.ts";
import { type AppOptions, createApp } from "../src/app.ts";
import { PluginStore, type PluginStoreOptions } from "../src/storage/plugin-store.ts";
import { loadTrustedKeys } from "../src/trusted-keys.ts";

const FIXTURES = join(import.meta.dir, "../../../packages/analyzer/test/fixtures");

/** A fixture of the analyzer, byte for byte. */
export function rawFixture(path: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, path)));
}

/**
 * A fixture of the analyzer as the registry takes it: `gcc-x86_64` renamed `gcc_x86_64` (and so
 * on), because uploads must follow memflow's plugin-name rule. Files the analyzer cannot read stay as they are.
 */
export function fixture(path: string): Uint8Array {
  const file = rawFixture(path);
  let names: string[];
  try {
    names = parseDescriptors(file).map((descriptor) => descriptor.name);
  } catch {
    return file;
  }
  return withValidPluginNames(
    file,
    names.filter((name) => pluginNameProblem(name) !== undefined),
  );
}

/** The same plugin with `n` bytes appended: same descriptors, another digest (another build). */
export function rebuilt(file: Uint8Array, n: number): Uint8Array {
  const copy = new Uint8Array(file.byteLength + n);
  copy.set(file);
  copy.fill(0x5a, file.byteLength);
  return copy;
}

export function sha256(bytes: Uint8Array): string {
  return new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
}

export interface KeyPair {
  privateKey: Uint8Array;
  publicPem: string;
  sign(file: Uint8Array): string;
}

/** A fresh secp256k1 key pair, the public half as an SPKI PEM as `openssl ec -pubout` writes it. */
export function keyPair(): KeyPair {
  const privateKey = secp256k1.utils.randomSecretKey();
  const point = secp256k1.getPublicKey(privateKey, false);
  const der = Buffer.concat([Buffer.from("3056301006072a8648ce3d020106052b8104000a034200", "hex"), point]);
  const body = der.toString("base64").replace(/.{64}/g, "$&\n");
  const publicPem = `-----BEGIN PUBLIC KEY-----\n${body}\n-----END PUBLIC KEY-----\n`;
  return { privateKey, publicPem, sign: (file) => signPlugin(file, privateKey) };
}

export const TOKEN = "s3cret-token";

export interface Registry {
  root: string;
  store: PluginStore;
  app: ReturnType<typeof createApp>;
  keys: KeyPair;
  /** What the app and the store logged. */
  logs: string[];
  /** Resolves with the first log line, logged already or later, that contains `text`. */
  logged(text: string): Promise<string>;
  /** Sends a request to the app in-process. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  upload(
    file: Uint8Array,
    init?: { signature?: string; token?: string | null; extra?: Record<string, string> },
  ): Promise<Response>;
  /** Closes the store and opens the folder again, with other store options if given. */
  reopen(store?: PluginStoreOptions): Registry;
  dispose(): void;
}

/** memflowup push's request: a form with the file and its signature, and the bearer token (null: none). */
export function uploadInit(
  file: Uint8Array,
  init: { signature: string; token?: string | null; extra?: Record<string, string> },
): RequestInit {
  const form = new FormData();
  form.append("file", new Blob([file]), "plugin.so");
  form.append("signature", init.signature);
  for (const [name, value] of Object.entries(init.extra ?? {})) form.append(name, value);
  const token = init.token === undefined ? TOKEN : init.token;
  const headers: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };
  return { method: "POST", body: form, headers };
}

/**
 * `/health`'s JSON once its object count is in: the first request starts the count in the
 * background, a later one answers with it.
 */
export async function healthWithCounts(fetch: (path: string, init?: RequestInit) => Promise<Response>) {
  const json = { headers: { accept: "application/json" } };
  for (;;) {
    const body = (await (await fetch("/health", json)).json()) as Record<string, unknown>;
    if (body.missing_objects !== null) return body;
    await Bun.sleep(10);
  }
}

let clock = 1_700_000_000_000_000_000n;
/** Upload times one second apart, so order in listings follows upload order. */
export const tickingClock = () => {
  clock += 1_000_000_000n;
  return clock;
};

export interface RegistryOptions {
  root?: string;
  keys?: KeyPair;
  store?: PluginStoreOptions;
  /** createApp's options other than the store, the token and the log. */
  app?: Omit<AppOptions, "store" | "bearerToken" | "log">;
}

export function registry(options: RegistryOptions = {}): Registry {
  const root = options.root ?? mkdtempSync(join(tmpdir(), "memflow-ts-registry-"));
  const keys = options.keys ?? keyPair();
  const keyFile = join(root, "..", `${root.split("/").pop()}-key.pem`);
  writeFileSync(keyFile, keys.publicPem);
  const trusted = loadTrustedKeys([keyFile]);
  const logs: string[] = [];
  const waiting = new Set<{ text: string; found: (line: string) => void }>();
  const log = (line: string) => {
    logs.push(line);
    for (const waiter of waiting) {
      if (!line.includes(waiter.text)) continue;
      waiting.delete(waiter);
      waiter.found(line);
    }
  };
  const store = new PluginStore(root, {
    verifySignature: trusted.verify,
    // As main.ts does: uploads over HTTP are checked in the upload workers.
    publicKeys: trusted.publicKeys,
    now: tickingClock,
    warn: log,
    ...options.store,
  });
  const app = createApp({ ...options.app, store, bearerToken: TOKEN, log });
  const self: Registry = {
    root,
    store,
    app,
    keys,
    logs,
    logged(text) {
      const line = logs.find((candidate) => candidate.includes(text));
      if (line !== undefined) return Promise.resolve(line);
      return new Promise((found) => waiting.add({ text, found }));
    },
    fetch: (path, init) => app.handle(new Request(`http://localhost${path}`, init)),
    upload: (file, init = {}) => self.fetch("/files", uploadInit(file, { signature: keys.sign(file), ...init })),
    reopen(storeOptions) {
      store.close();
      return registry({ ...options, root, keys, store: { ...options.store, ...storeOptions } });
    },
    dispose() {
      store.close();
      rmSync(root, { recursive: true, force: true });
      rmSync(keyFile, { force: true });
    },
  };
  return self;
}

/**
 * `fresh(options)`: a registry the test file disposes of after each test, and so every registry
 * its `reopen` gives.
 */
export function freshRegistries(): (options?: RegistryOptions) => Registry {
  const open: Registry[] = [];
  afterEach(() => {
    for (const r of open.splice(0)) r.dispose();
  });
  const track = (r: Registry): Registry => {
    open.push(r);
    const reopen = r.reopen;
    r.reopen = (store) => track(reopen(store));
    return r;
  };
  return (options) => track(registry(options));
}
