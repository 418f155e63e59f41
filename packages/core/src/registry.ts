/**
 * `@memflow-ts/core/registry`: memflow-registry's wire format — the JSON its HTTP API answers,
 * checks for answers read off the wire — and memflow's plugin signatures. What a registry server
 * writes and a registry client reads, defined once.
 */
export {
  FIND_LIMIT,
  type HealthResponse,
  isPluginInfo,
  isPluginVariant,
  isUploadResponse,
  type PluginInfo,
  type PluginsAllResponse,
  type PluginsFindQuery,
  type PluginsFindResponse,
  type PluginVariant,
  pluginsAllFrom,
  pluginsFindFrom,
  type UploadResponse,
} from "./registry/registry-wire.ts";
export {
  MEMFLOW_REGISTRY_PUBLIC_KEY,
  parsePrivateKeyPem,
  parsePublicKeyPem,
  signPlugin,
  verifyPluginDigestSignature,
  verifyPluginSignature,
} from "./registry/signature.ts";
