/**
 * The registry a mirror pulls from (memflow-registry or another memflow-ts-server), read through
 * memflow-registry's HTTP API and core's wire checks. A file is taken only when its bytes hash to
 * the digest asked for and its signature is from the upstream's key: a forged or damaged upstream
 * file is refused (MirrorError upstream-refused), never stored.
 */
import { AnalyzeError } from "@memflow-ts/analyzer";
import {
  architectureLabel,
  MemflowError,
  type PluginMetadata,
  parsePluginMetadata,
  printable,
} from "@memflow-ts/core/plugin-files";
import { type PluginInfo, type PluginVariant, pluginsAllFrom, pluginsFindFrom } from "@memflow-ts/core/registry";
import { StorageError } from "../storage/storage-error.ts";
import { analyzeUpload, type SignatureCheck } from "../storage/upload-analysis.ts";
import type { VariantQuery } from "../storage/variant-query.ts";
import { MirrorError } from "./mirror-error.ts";

/** How long one request to the upstream may take. */
const UPSTREAM_TIMEOUT_MS = 10_000;

export class UpstreamRegistry {
  readonly base: string;
  readonly #verify: SignatureCheck | undefined;

  /** `verify` checks files against the upstream's key; undefined takes them unverified (`--insecure`). */
  constructor(base: string, verify: SignatureCheck | undefined) {
    this.base = base.replace(/\/+$/, "");
    this.#verify = verify;
  }

  async #get(path: string): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, { signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS) });
    } catch (error) {
      throw new MirrorError(
        "upstream-unreachable",
        `the upstream registry ${this.base} cannot be reached: ${(error as Error).message}`,
      );
    }
    if (response.status === 404) {
      await response.body?.cancel();
      throw new StorageError("not-found", "plugin not found");
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new MirrorError(
        "upstream-unreachable",
        `the upstream registry ${this.base} answered ${response.status} to ${path}`,
      );
    }
    return response;
  }

  async #json(path: string): Promise<unknown> {
    const response = await this.#get(path);
    try {
      return await response.json();
    } catch {
      throw new MirrorError("upstream-unreachable", `the upstream registry ${this.base} answered ${path} with no JSON`);
    }
  }

  async names(): Promise<PluginInfo[]> {
    const names = pluginsAllFrom(await this.#json("/plugins"));
    if (names === undefined)
      throw new MirrorError("upstream-unreachable", `the upstream registry ${this.base} listed no plugins`);
    return names;
  }

  /** A page of variants and the upstream's total (the page's length from a registry that sends none). */
  async find(name: string, params: VariantQuery): Promise<{ plugins: PluginVariant[]; total: number }> {
    const query = new URLSearchParams();
    for (const key of ["version", "memflow_plugin_version", "file_type", "skip", "limit", "byte_order"] as const) {
      if (params[key] !== undefined) query.set(key, String(params[key]));
    }
    if (params.architecture !== undefined) query.set("architecture", architectureLabel(params.architecture));
    const body = await this.#json(`/plugins/${encodeURIComponent(name)}?${query}`);
    const plugins = pluginsFindFrom(body);
    if (plugins === undefined)
      throw new MirrorError("upstream-unreachable", `the upstream registry ${this.base} listed no variants of ${name}`);
    const total = (body as { total?: unknown }).total;
    return { plugins, total: typeof total === "number" ? total : plugins.length };
  }

  /**
   * A file and the metadata to store it with: the upstream's signature and upload time, and the
   * descriptors this server reads from the bytes itself. StorageError not-found when the upstream
   * has no such file; MirrorError upstream-refused when it is not what the digest and key say.
   */
  async file(digest: string): Promise<{ bytes: Uint8Array; meta: PluginMetadata }> {
    const text = await (await this.#get(`/files/${digest}/metadata`)).text();
    const bytes = new Uint8Array(await (await this.#get(`/files/${digest}`)).arrayBuffer());
    try {
      const actual = new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
      if (actual !== digest) throw new StorageError("damaged", `its content's sha256 is ${actual}`);
      const { fields } = parsePluginMetadata(text, `${digest}.meta`);
      if (fields.created_at === undefined) throw new StorageError("damaged", "its metadata has no created_at");
      const signature = fields.signature ?? "";
      // The descriptors are read from the bytes, not taken from the upstream's word.
      const descriptors = analyzeUpload(bytes, signature, this.#verify);
      return { bytes, meta: { digest, signature, created_at: fields.created_at, descriptors } };
    } catch (error) {
      const why =
        error instanceof StorageError || error instanceof MemflowError
          ? error.message
          : error instanceof AnalyzeError
            ? `Memflow error: ${error.message}`
            : undefined;
      if (why === undefined) throw error;
      throw new MirrorError(
        "upstream-refused",
        `the upstream registry's file ${digest} was refused: ${printable(why)}`,
      );
    }
  }
}
