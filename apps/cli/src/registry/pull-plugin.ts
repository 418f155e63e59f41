/**
 * Pulling one plugin (memflowup's pull.rs `pull`): find the newest variant this machine can load,
 * fetch its metadata, skip it when the same file is installed, download it, check that its
 * sha256 is the digest and that the registry's key signed it, then install file and `.meta`
 * atomically. Differences from memflowup: the ABI filter (`memflow_plugin_version=1`) is sent,
 * the digest and the HTTP status are checked, the install is atomic, a missing `.meta` beside an
 * installed file is written again, and "not found" says which targets the registry does have.
 */
import { join } from "node:path";
import { installPlugin } from "@memflow-ts/core/install";
import {
  type Host,
  type HostPlatform,
  hostLabel,
  installedFileName,
  loadableOn,
  MEMFLOW_PLUGIN_VERSION,
  metaPathFor,
  type PluginMetadata,
  parseCreatedAt,
  pluginNameProblem,
  targetLabel,
} from "@memflow-ts/core/plugin-files";
import type { PluginVariant } from "@memflow-ts/core/registry";
import { CliFailure, errnoCode, fileFailure } from "../failure.ts";
import { readLocalMeta } from "../local/local-plugins.ts";
import { sha256File, sha256Hex } from "../local/sha256.ts";
import type { Printer } from "../output.ts";
import type { DownloadProgress } from "../progress.ts";
import { formatPluginUri, type PluginUri, parsePluginUri } from "./plugin-uri.ts";
import { RegistryClient } from "./registry-client.ts";
import { checkSignature, type PublicKey } from "./signing-keys.ts";

export interface PullSettings {
  /** The registry for URIs that name none: `--registry`, else the config, else the official one. */
  readonly defaultRegistry: string;
  readonly force: boolean;
  readonly key: PublicKey;
  readonly host: Host;
  readonly platform: HostPlatform;
  readonly pluginDirectory: string;
}

export type PullOutcome = "installed" | "up-to-date";

/** The registry has the plugin, but no build this machine can load: `pull --all` skips these. */
export class NotBuiltForHost extends CliFailure {}

/**
 * Refuses a name from the registry that memflow's plugin-name rule refuses: it could leave the
 * plugin folder, break the file name or reach the terminal raw, and memflow-ts-server would not
 * have taken it (an older registry, or another server, might).
 */
function checkRegistryName(name: string): void {
  const problem = pluginNameProblem(name);
  if (problem === undefined) return;
  throw new CliFailure(`the registry offers a plugin whose name breaks memflow's rule: ${problem}`, [
    "nothing was installed; report this to the registry's maintainers",
  ]);
}

/** memflowup's file name for the plugin, named after the file's first descriptor. */
function fileNameFor(name: string, digest: string, platform: HostPlatform): string {
  checkRegistryName(name);
  return installedFileName(name, digest, platform);
}

/** Installs through core, a failed write named with the folder to check. */
function install(settings: PullSettings, metadata: PluginMetadata, bytes?: Uint8Array) {
  try {
    return installPlugin({ directory: settings.pluginDirectory, metadata, bytes, platform: settings.platform });
  } catch (error) {
    throw fileFailure("install into", settings.pluginDirectory, error, [
      `check that ${settings.pluginDirectory} is writable`,
    ]);
  }
}

async function explainNotFound(client: RegistryClient, uri: PluginUri, host: Host): Promise<CliFailure> {
  const tag = uri.tag === "latest" ? undefined : uri.tag;
  let others: PluginVariant[] = [];
  try {
    others = await client.variants(uri.image, { version: tag, limit: 50 });
  } catch {
    // The explanation is a courtesy; the plugin was not found either way.
  }
  if (others.length === 0) {
    return new CliFailure(`plugin \`${formatPluginUri(uri)}\` not found`, [
      `list what the registry has: memflow-ts registry ls -r ${client.url}`,
      ...(tag === undefined ? [] : [`list the versions of ${uri.image}: memflow-ts registry ls ${uri.image} -a`]),
    ]);
  }
  const targets = [
    ...new Set(others.map((variant) => `${targetLabel(variant.descriptor)} ABI ${variant.descriptor.plugin_version}`)),
  ];
  return new NotBuiltForHost(
    `plugin \`${formatPluginUri(uri)}\` not found for this machine (${hostLabel(host)}, plugin ABI ${MEMFLOW_PLUGIN_VERSION})`,
    [
      `the registry has it only for: ${targets.join(", ")}`,
      "build it for this machine from its source with memflow-ts build",
    ],
  );
}

function checkMetadata(metadata: PluginMetadata, variant: PluginVariant): void {
  if (metadata.digest !== variant.digest) {
    throw new CliFailure(`the registry's metadata describes ${metadata.digest}, not ${variant.digest}`);
  }
  if (parseCreatedAt(metadata.created_at) === undefined) {
    throw new CliFailure(
      `the registry's metadata has created_at ${JSON.stringify(metadata.created_at)}, which memflow cannot read`,
      ["nothing was installed; report this to the registry's maintainers"],
    );
  }
}

/** Whether `path` holds the file with `digest`; false when there is no file. */
function installedWithDigest(path: string, digest: string): boolean | undefined {
  try {
    return sha256File(path) === digest;
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return undefined;
    throw fileFailure("read", path, error);
  }
}

function verify(bytes: Uint8Array, variant: PluginVariant, key: PublicKey): void {
  const digest = sha256Hex(bytes);
  if (digest !== variant.digest) {
    throw new CliFailure(
      `the downloaded file's sha256 is ${digest}, not the digest ${variant.digest} the registry lists`,
      ["the download was corrupted or the registry serves other bytes; try again (nothing was installed)"],
    );
  }
  const check = checkSignature(bytes, variant.signature, key);
  if (check === "high-s") {
    throw new CliFailure(
      "Plugin signature verification failed: the signature is high-S (as `openssl dgst -sign` writes half the time), which memflow refuses like k256 does",
      ["re-sign with memflow-ts push/memflowup (they write low-S signatures) and upload again; nothing was installed"],
    );
  }
  if (check === "invalid") {
    throw new CliFailure(
      "Plugin signature verification failed",
      key.path === undefined
        ? [
            "in case you're using a self-hosted registry, please provide its public key:",
            "--pub-key <pem>, or memflow-ts config set pub_key_file <pem> (nothing was installed)",
          ]
        : [
            `the signature does not match the public key ${key.path}; is it this registry's key? (nothing was installed)`,
          ],
    );
  }
}

export async function pullPlugin(
  text: string,
  settings: PullSettings,
  out: Printer,
  progress: DownloadProgress,
): Promise<PullOutcome> {
  const uri = parsePluginUri(text, settings.defaultRegistry);
  if (uri.image === "")
    throw new CliFailure(`${JSON.stringify(text)} names no plugin`, ["give one like coredump or coredump:0.2.0"]);
  const client = new RegistryClient(uri.registry);
  const found = await client.variants(uri.image, {
    version: uri.tag === "latest" ? undefined : uri.tag,
    abi: MEMFLOW_PLUGIN_VERSION,
    target: settings.host,
    limit: 1,
  });
  // A registry that ignores the filters must not get another machine's plugin installed.
  const variant = found.find((entry) => loadableOn(settings.host, entry.descriptor));
  if (variant === undefined) throw await explainNotFound(client, uri, settings.host);
  checkRegistryName(variant.descriptor.name);

  const metadata = await client.metadata(variant.digest);
  checkMetadata(metadata, variant);
  const fileName = fileNameFor(metadata.descriptors[0]?.name ?? "unknown", variant.digest, settings.platform);
  const metaName = metaPathFor(fileName);
  const pluginPath = join(settings.pluginDirectory, fileName);

  if (!settings.force) {
    const same = installedWithDigest(pluginPath, variant.digest);
    if (same === true) {
      out.info(`Plugin ${JSON.stringify(fileName)} already exists with the same checksum, skipping download.`);
      const meta = readLocalMeta(join(settings.pluginDirectory, metaName));
      if (typeof meta === "string" || meta.digest !== variant.digest) {
        const written = install(settings, metadata);
        out.success(`Wrote plugin metadata to: ${JSON.stringify(written.metaPath)}`);
      }
      return "up-to-date";
    }
    if (same === false)
      out.info(`Plugin ${JSON.stringify(fileName)} already exists with a different checksum, redownloading.`);
  }

  const label = `${uri.image}:${uri.tag}`;
  let bytes: Uint8Array;
  try {
    bytes = await client.download(variant.digest, { onProgress: progress.track(label) });
  } finally {
    progress.done(label);
  }
  verify(bytes, variant, settings.key);
  const written = install(settings, metadata, bytes);
  out.success(`Wrote plugin to: ${JSON.stringify(written.path)}`);
  out.success(`Wrote plugin metadata to: ${JSON.stringify(written.metaPath)}`);
  return "installed";
}
