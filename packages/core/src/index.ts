export { ABI_INCLUDE_DIRECTORY } from "./abi-header.ts";
export { NativeConnector } from "./ffi/connector.ts";
export { NativePluginHost } from "./ffi/native-host.ts";
export { TransferBatch } from "./ffi/physical-memory.ts";
export * from "./without-ffi.ts";
