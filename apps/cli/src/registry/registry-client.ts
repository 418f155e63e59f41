/**
 * A client for memflow-registry's HTTP API (memflow-registry's client.rs), as memflowup uses it,
 * with what that client lacks: HTTP statuses are checked, answers are validated before use,
 * requests time out, downloads are size-capped, and a registry may live under a path prefix
 * (memflow-registry's client replaces the path, so `https://host/registry` cannot work there).
 */
import type { PluginArchitecture, PluginFileType } from "@memflow-ts/analyzer";
import {
  completePluginMetadata,
  isSha256Digest,
  MemflowError,
  type PluginMetadata,
  parsePluginMetadata,
} from "@memflow-ts/core/plugin-files";
import {
  isUploadResponse,
  type PluginInfo,
  type PluginsFindQuery,
  type PluginVariant,
  pluginsAllFrom,
  pluginsFindFrom,
  type UploadResponse,
} from "@memflow-ts/core/registry";
import { CliFailure, errorMessage } from "../failure.ts";
import { CLI_VERSION } from "../version.ts";
import { RegistryRequestError } from "./registry-request-error.ts";
import { registryUrl } from "./registry-url.ts";

export interface VariantQuery {
  /** A descriptor version or a digest prefix; omitted for `latest`. */
  readonly version?: string | undefined;
  /** memflow's plugin ABI (`memflow_plugin_version`). */
  readonly abi?: number | undefined;
  /** Only files this host can load; absent for every architecture. */
  readonly target?: { readonly fileType: PluginFileType; readonly architecture: PluginArchitecture } | undefined;
  readonly limit: number;
}

export interface DownloadOptions {
  /** Called as bytes arrive; `total` is the Content-Length when the server sent one. */
  readonly onProgress?: (received: number, total: number | undefined) => void;
}

/** Listing and metadata requests; a download only fails when no byte arrives for this long. */
const REQUEST_TIMEOUT_MS = 30_000;
const IDLE_TIMEOUT_MS = 60_000;
/** memflow-registry refuses uploads over 20 MiB; a download far beyond that is not a plugin. */
export const MAX_DOWNLOAD_BYTES = 256 * 1024 * 1024;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The message of an error body: memflow-ts-server's JSON `{"error":{"message"}}`, else the text. */
function bodyMessage(text: string): string {
  try {
    const value: unknown = JSON.parse(text);
    if (isRecord(value) && isRecord(value.error) && typeof value.error.message === "string") return value.error.message;
    if (typeof value === "string") return value;
  } catch {
    // plain text, as memflow-registry sends
  }
  const trimmed = text.trim();
  return trimmed.length > 300 ? `${trimmed.slice(0, 300)}…` : trimmed;
}

export class RegistryClient {
  /** The registry's base URL, scheme included, no trailing slash. */
  readonly url: string;

  /** Throws a UsageError when `registry` cannot name a registry (see registry-url.ts). */
  constructor(registry: string) {
    const parsed = registryUrl(registry);
    this.url = `${parsed.origin}${parsed.pathname.replace(/\/+$/, "")}`;
  }

  #address(path: string, query: Record<string, string | undefined> = {}): string {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) search.append(key, value);
    const text = search.toString();
    return `${this.url}${path}${text === "" ? "" : `?${text}`}`;
  }

  async #send(method: string, address: string, init: RequestInit = {}): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(address, {
        method,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        ...init,
        headers: { "user-agent": `memflow-ts/${CLI_VERSION}`, accept: "application/json", ...init.headers },
      });
    } catch (error) {
      throw new RegistryRequestError(
        `cannot reach ${this.url} (${method} ${address}): ${errorMessage(error)}`,
        undefined,
        ["check the registry URL (memflow-ts config get registry) and the network, then try again"],
        error,
      );
    }
    if (!response.ok) {
      const message = bodyMessage(await response.text().catch(() => ""));
      throw new RegistryRequestError(
        `${method} ${address} answered HTTP ${response.status}${message === "" ? "" : `: ${message}`}`,
        response.status,
      );
    }
    return response;
  }

  async #text(method: string, address: string, init?: RequestInit): Promise<string> {
    const response = await this.#send(method, address, init);
    try {
      return await response.text();
    } catch (error) {
      throw new RegistryRequestError(
        `the answer to ${method} ${address} broke off: ${errorMessage(error)}`,
        undefined,
        ["try again"],
        error,
      );
    }
  }

  async #json(method: string, address: string, init?: RequestInit): Promise<unknown> {
    const text = await this.#text(method, address, init);
    try {
      return JSON.parse(text);
    } catch {
      throw this.#unexpected(address, "an answer that is not JSON");
    }
  }

  #unexpected(address: string, what: string): RegistryRequestError {
    return new RegistryRequestError(`${address} sent ${what}; is this a memflow registry?`, undefined, [
      "check the registry URL (memflow-ts config get registry)",
    ]);
  }

  /** `GET /plugins`: every plugin name with its description. */
  async names(): Promise<PluginInfo[]> {
    const address = this.#address("/plugins");
    const plugins = pluginsAllFrom(await this.#json("GET", address));
    if (plugins === undefined) throw this.#unexpected(address, "no plugin list");
    return plugins;
  }

  /** `GET /plugins/{name}`: variants newest first (highest ABI, then latest upload). */
  async variants(name: string, query: VariantQuery): Promise<PluginVariant[]> {
    const find: PluginsFindQuery = {
      version: query.version,
      memflow_plugin_version: query.abi,
      limit: query.limit,
      file_type: query.target?.fileType,
      // Only named architectures can be asked for; `unknown(n)` gets every architecture.
      architecture: typeof query.target?.architecture === "string" ? query.target.architecture : undefined,
    };
    const address = this.#address(
      `/plugins/${encodeURIComponent(name)}`,
      Object.fromEntries(Object.entries(find).map(([key, value]) => [key, value?.toString()])),
    );
    const plugins = pluginsFindFrom(await this.#json("GET", address));
    if (plugins === undefined) throw this.#unexpected(address, "a malformed plugin list");
    return plugins;
  }

  /** `GET /files/{digest}/metadata`: the `.meta` the registry stores for a file. */
  async metadata(digest: string): Promise<PluginMetadata> {
    const address = this.#address(`/files/${checkDigest(digest)}/metadata`);
    const text = await this.#text("GET", address);
    let metadata: PluginMetadata;
    try {
      metadata = completePluginMetadata(parsePluginMetadata(text, address), address);
    } catch (error) {
      if (!(error instanceof MemflowError)) throw error;
      throw this.#unexpected(address, `metadata memflow cannot read (${error.detail ?? error.message})`);
    }
    if (metadata.digest !== digest) throw this.#unexpected(address, `metadata that does not describe ${digest}`);
    return metadata;
  }

  /** `GET /files/{digest}`: the whole file, checked against Content-Length and the size cap. */
  async download(digest: string, options: DownloadOptions = {}): Promise<Uint8Array> {
    const address = this.#address(`/files/${checkDigest(digest)}`);
    const abort = new AbortController();
    let timer = setTimeout(() => abort.abort(), IDLE_TIMEOUT_MS);
    try {
      const response = await this.#send("GET", address, { signal: abort.signal });
      const header = response.headers.get("content-length");
      const total = header !== null && /^\d+$/.test(header) ? Number(header) : undefined;
      if (total !== undefined && total > MAX_DOWNLOAD_BYTES) throw tooLarge(address, total);
      const chunks: Uint8Array[] = [];
      let received = 0;
      const reader = response.body?.getReader();
      while (reader) {
        let chunk: Awaited<ReturnType<typeof reader.read>>;
        try {
          chunk = await reader.read();
        } catch (error) {
          throw new RegistryRequestError(
            `the download of ${digest} broke off after ${received} bytes: ${errorMessage(error)}`,
            undefined,
            ["try again; nothing was installed"],
            error,
          );
        }
        if (chunk.done) break;
        clearTimeout(timer);
        timer = setTimeout(() => abort.abort(), IDLE_TIMEOUT_MS);
        received += chunk.value.byteLength;
        if (received > MAX_DOWNLOAD_BYTES) throw tooLarge(address, received);
        chunks.push(chunk.value);
        options.onProgress?.(received, total);
      }
      if (total !== undefined && received !== total) {
        throw new RegistryRequestError(
          `the download of ${digest} ended after ${received} of ${total} bytes`,
          undefined,
          ["try again; nothing was installed"],
        );
      }
      return concat(chunks, received);
    } finally {
      clearTimeout(timer);
    }
  }

  /** `POST /files`: multipart `file` + `signature`, with the bearer token when there is one. */
  async upload(
    file: Uint8Array,
    fileName: string,
    signature: string,
    token: string | undefined,
  ): Promise<UploadResponse> {
    const address = this.#address("/files");
    const form = new FormData();
    form.append("file", new File([file], fileName, { type: "application/octet-stream" }));
    form.append("signature", signature);
    const body = await this.#json("POST", address, {
      body: form,
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(10 * REQUEST_TIMEOUT_MS),
    });
    if (!isUploadResponse(body)) throw this.#unexpected(address, "an unknown upload result");
    return body;
  }

  /** `DELETE /files/{digest}` with the bearer token when there is one. */
  async remove(digest: string, token: string | undefined): Promise<void> {
    const address = this.#address(`/files/${checkDigest(digest)}`);
    await this.#send("DELETE", address, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  }
}

function checkDigest(digest: string): string {
  if (!isSha256Digest(digest)) throw new CliFailure(`${JSON.stringify(digest)} is not a sha256 digest (64 hex digits)`);
  return digest;
}

function tooLarge(address: string, bytes: number): RegistryRequestError {
  return new RegistryRequestError(
    `${address} sends ${bytes} bytes or more, over the ${MAX_DOWNLOAD_BYTES}-byte limit for a plugin`,
    undefined,
    ["check the registry URL; nothing was installed"],
  );
}

function concat(chunks: readonly Uint8Array[], length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
