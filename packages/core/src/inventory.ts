/**
 * `@memflow-ts/core/inventory`: starting chains of plugins and looking at what they give — the
 * Inventory, chains, memflow's errors, plugin logs, and the OS's processes, modules and their
 * JSON forms. A narrower view of the main entry (every export here is the main entry's too),
 * for programs that start plugins but do not write them: it leaves out the TypeScript plugin
 * authoring API (`defineOs`, `ScriptConnector`, `ScriptOs`), the page walks and batched
 * transfers, which a chain of plugin files never uses. Loading fewer modules is what a short
 * command such as `memflow-ts ps` is made of (decision 0007, "the OS path"). The Inventory still
 * runs TypeScript plugins: it loads the script host when it finds one.
 */
export { parseConnectorArgs, parseOsArgs } from "./args/connector-args.ts";
export type { PluginEntry, PluginMatch, RejectedPlugin, SearchedDirectory } from "./catalogue/plugin-entry.ts";
export type { WantedPlugin } from "./catalogue/wanted-plugins.ts";
export {
  type BuildStep,
  ConnectorChain,
  chainArguments,
  chainPlugins,
  connectorStep,
  OsChain,
  osStep,
  type PositionedValue,
} from "./chain.ts";
export { ErrorKind, ErrorOrigin, MemflowError } from "./error.ts";
export { Inventory, type InventoryOptions } from "./inventory/inventory.ts";
export type { ScriptPluginOptions } from "./inventory/script-files.ts";
export { type Address, formatAddress } from "./memory/address.ts";
export type { MemoryAccess, ReadRequest, ReadResult, TransferResult, WriteRequest } from "./memory/memory-access.ts";
export type { PhysicalMemory } from "./memory/physical-memory.ts";
export { type ArchitectureIdent, formatArchitecture } from "./os/architecture.ts";
export type { ExportInfo, ImportInfo, ModuleInfo, SectionInfo } from "./os/module-info.ts";
export type { ModuleInfoJson, OsInfoJson, ProcessInfoJson, SectionJson, SymbolJson } from "./os/os-json.ts";
export { moduleInfoJson, osInfoJson, processInfoJson, sectionJson, symbolJson } from "./os/os-json.ts";
export type { MemoryRange, PhysicalAddress } from "./os/page.ts";
export type { Process } from "./os/process.ts";
export type { ProcessInfo, ProcessState } from "./os/process-info.ts";
export type { Connector } from "./plugin/connector.ts";
export type { Os, OsInfo } from "./plugin/os.ts";
export {
  LEVEL_FILTERS,
  type LevelFilter,
  type PluginLogRecord,
  parseLevelFilter,
} from "./plugin/plugin-log.ts";
