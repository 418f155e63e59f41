/**
 * `@memflow-ts/core`: starting and using memflow plugins — the Inventory (a catalogue of the
 * plugins found, and the hosts that start them: native plugin files through bun:ffi, plugins
 * written in TypeScript), connectors and OS instances, memory, argument strings, chains, plugin
 * logs and memflow's errors. File conventions are in `./plugin-files`, the registry's wire
 * format and signatures in `./registry`, listing without starting in `./catalogue`. What starts
 * chains and reads what they give is `./inventory`, a narrower view this entry re-exports whole;
 * the rest below is for writing TypeScript plugins, page walks and batched transfers.
 */
export { type ArgEntry, Args } from "./args/args.ts";
export {
  type ConnectorArgs,
  type ConnectorMiddlewareArgs,
  connectorArgs,
  DEFAULT_MIDDLEWARE_ARGS,
  type OsArgs,
  osArgs,
  parseMemflowSize,
  parseMiddlewareArgs,
  parseVatcache,
} from "./args/connector-args.ts";
export { parseRustUnsigned } from "./args/rust-number.ts";
export { splitStrArgs } from "./args/split.ts";
export { type ArgDescriptor, ArgsValidator, type ArgValidator, describeArg } from "./args/validator.ts";
export { CHILD_MODULE_VARIABLE, type ChildModuleCommand, childModuleCommand } from "./child-module.ts";
export {
  decodeError,
  decodePartialResult,
  encodeError,
  kindDisplay,
  originDisplay,
  type PartialResult,
} from "./error.ts";
export { BuilderEmpty, ConnectorBuilder, type Instantiator, OsBuilder } from "./inventory/builder.ts";
export * from "./inventory.ts";
export { ReadResults, TransferResults } from "./memory/batch-results.ts";
export type { MemoryView, MemoryViewMetadata } from "./memory/memory-view.ts";
export type { PhysicalMemoryMetadata } from "./memory/physical-memory.ts";
export { TransferBatch } from "./memory/transfer-batch.ts";
export { sameArchitectureIdent } from "./os/architecture.ts";
export type { Keyboard, KeyboardState } from "./os/keyboard.ts";
export type { ModuleAddressInfo, ModuleContents } from "./os/module-info.ts";
export type { Page } from "./os/page.ts";
export { PAGE_TYPE } from "./os/page.ts";
export { INVALID_ADDRESS } from "./os/process-info.ts";
export { type PageTableFormat, pageTableFormat } from "./os/translate/page-table-format.ts";
export { type BatchedPhysicalMemory, PageWalker, type WalkRoots } from "./os/translate/page-walk.ts";
export {
  type PageTableRoot,
  type PageTranslation,
  type TranslationFailureReason,
  translate,
  walkRoots,
} from "./os/translate/translate.ts";
export { VirtualMemory } from "./os/translate/virtual-memory.ts";
export { WALK, WalkResults } from "./os/translate/walk-results.ts";
export type { VirtualTranslate, VirtualTranslation, VirtualTranslationFailure } from "./os/virtual-translate.ts";
export type { PluginHost, PluginHostOptions, PluginLocation } from "./plugin/plugin-host.ts";
export type { LogLevel, LogSink } from "./plugin/plugin-log.ts";
export type { ConnectorDefinition, ScriptMemory } from "./script/connector-definition.ts";
export { defineOs } from "./script/define-os.ts";
export type {
  AuthorMemory,
  OsDefinition,
  ScriptKeyboardParts,
  ScriptModules,
  ScriptOsParts,
  ScriptProcessParts,
} from "./script/os-definition.ts";
export { ScriptConnector } from "./script/script-connector.ts";
export type { ScriptDefinition } from "./script/script-host.ts";
export { ScriptOs } from "./script/script-os.ts";
export { ScriptProcess } from "./script/script-process.ts";
