/**
 * The plugins a registry offers this machine, for the wizard's multiselect: each name's newest
 * variant with ABI 1 for this file type and architecture, grouped by kind.
 */
import { type Host, MEMFLOW_PLUGIN_VERSION, targetLabel } from "@memflow-ts/core/plugin-files";
import type { PluginVariant } from "@memflow-ts/core/registry";
import { RegistryClient } from "../registry/registry-client.ts";

export interface PluginChoice {
  name: string;
  kind: "connector" | "os";
  /** Version, ABI and target, shown beside the name. */
  detail: string;
  description: string;
}

export interface RegistryChoices {
  choices: PluginChoice[];
  /** Names with no build for this machine. */
  unavailable: string[];
}

const PARALLEL = 6;

export async function registryChoices(registry: string, host: Host): Promise<RegistryChoices> {
  const client = new RegistryClient(registry);
  const names = await client.names();
  const newest = new Map<string, PluginVariant | undefined>();
  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      const entry = names[next++];
      if (!entry) continue;
      const [variant] = await client.variants(entry.name, { abi: MEMFLOW_PLUGIN_VERSION, target: host, limit: 1 });
      newest.set(entry.name, variant);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, names.length) }, worker));
  const choices: PluginChoice[] = [];
  const unavailable: string[] = [];
  for (const { name } of names) {
    const variant = newest.get(name);
    if (!variant) {
      unavailable.push(name);
      continue;
    }
    const { descriptor } = variant;
    choices.push({
      name,
      kind: descriptor.plugin_kind,
      detail: `${descriptor.version} · ABI ${descriptor.plugin_version} · ${targetLabel(descriptor)}`,
      description: descriptor.description,
    });
  }
  return { choices, unavailable };
}
