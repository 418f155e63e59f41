/**
 * `@memflow-ts/core/registry`: memflow-registry's wire format — the JSON its HTTP API answers,
 * checks for answers read off the wire — and memflow's plugin signatures. What a registry server
 * writes and a registry client reads, defined once.
 */
export type {
  HealthResponse,
  PluginInfo,
  PluginsAllResponse,
  PluginsFindQuery,
  PluginsFindResponse,
  PluginVariant,
  UploadResponse,
} from "./registry/registry-wire.ts";
export {
  FIND_LIMIT,
  isPluginInfo,
  isPluginVariant,
  isUploadResponse,
  pluginsAllFrom,
  pluginsFindFrom,
} from "./registry/registry-wire.ts";
export {
  MEMFLOW_REGISTRY_PUBLIC_KEY,
  parsePrivateKeyPem,
  parsePublicKeyPem,
  signPlugin,
  verifyPluginSignature,
} from "./registry/signature.ts";
