/**
 * Everything of core that can be imported without loading bun:ffi: the Inventory (it loads the
 * plugin host when a native plugin is first used), arguments, errors, `.meta`, plugin paths and
 * signatures. Importing bun:ffi costs ~8 ms, which commands that only scan and list should not
 * pay (decision 0007). The package's main entry adds the native plugin classes.
 */

export type { ArgEntry } from "./args/args.ts";
export { Args } from "./args/args.ts";
export type { ConnectorArgs, ConnectorMiddlewareArgs, OsArgs } from "./args/connector-args.ts";
export {
  connectorArgs,
  DEFAULT_MIDDLEWARE_ARGS,
  osArgs,
  parseConnectorArgs,
  parseMemflowSize,
  parseMiddlewareArgs,
  parseOsArgs,
  parseVatcache,
} from "./args/connector-args.ts";
export { parseRustUnsigned } from "./args/rust-number.ts";
export { splitStrArgs } from "./args/split.ts";
export type { ArgDescriptor, ArgValidator } from "./args/validator.ts";
export { ArgsValidator, describeArg } from "./args/validator.ts";
export type { BuildStep, PositionedValue } from "./chain.ts";
export { ConnectorChain, chainArguments, connectorStep, OsChain, osStep } from "./chain.ts";
export type { Connector, PhysicalMemoryView } from "./connector.ts";
export type { DurableWriteOptions } from "./durable-file.ts";
export { createFileDurably, replaceFileDurably, syncDirectory } from "./durable-file.ts";
export type { HostWarning, NativePluginHostOptions, PluginLocation } from "./ffi/native-host.ts";
export type { Os } from "./ffi/os.ts";
export type { Address, PhysicalMemoryMetadata, ReadResult, TransferResult } from "./ffi/physical-memory.ts";
export type { LevelFilter, LogLevel, LogSink, PluginLogRecord } from "./ffi/plugin-logger.ts";
export type { Instantiator } from "./inventory/builder.ts";
export { BuilderEmpty, ConnectorBuilder, OsBuilder } from "./inventory/builder.ts";
export type { DescriptorCache, FileIdentity } from "./inventory/descriptor-cache.ts";
export { descriptorCacheKey } from "./inventory/descriptor-cache.ts";
export type {
  InventoryOptions,
  PluginEntry,
  PluginMatch,
  RejectedPlugin,
  ScanOptions,
  SearchedDirectory,
} from "./inventory/inventory.ts";
export { Inventory } from "./inventory/inventory.ts";
export * from "./plugin-files.ts";
export {
  MEMFLOW_REGISTRY_PUBLIC_KEY,
  parsePrivateKeyPem,
  parsePublicKeyPem,
  signPlugin,
  verifyPluginSignature,
} from "./registry/signature.ts";
export type { ConnectorDefinition, ScriptMemory } from "./script/connector-definition.ts";
export { ScriptConnector } from "./script/script-connector.ts";
