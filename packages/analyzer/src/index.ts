export {
  analyzeByteOrder,
  analyzeByteOrderSync,
  analyzeFile,
  analyzeFileSync,
  bytesReader,
  fileByteOrder,
  parseDescriptors,
} from "./analyze.ts";
export type { ByteOrder, FileByteOrder } from "./byte-order.ts";
export { DESCRIPTOR_LAYOUT_32, DESCRIPTOR_LAYOUT_64 } from "./descriptor.ts";
export type {
  PluginArchitecture,
  PluginDescriptorInfo,
  PluginFileType,
  PluginKind,
} from "./descriptor-info.ts";
export type { RandomAccessReader } from "./drive.ts";
export type { AnalyzeErrorKind } from "./errors.ts";
export { AnalyzeError } from "./errors.ts";
export { CONNECTOR_EXPORT_PREFIX, OS_EXPORT_PREFIX } from "./export-name.ts";
export { isBinary } from "./magic.ts";
export type { SyncRandomAccessReader } from "./read-on-demand.ts";
