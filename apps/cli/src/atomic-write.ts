/**
 * Replacing a file so that no reader ever sees half of it (core's replaceFileDurably), with
 * temporary names ending in `TEMPORARY_SUFFIX`, which neither memflow's scan (`*.so`) nor
 * memflowup's listing (`*.meta`) looks at; `plugins clean` removes any an interrupted write left.
 */
import { replaceFileDurably } from "@memflow-ts/core/without-ffi";

export { syncDirectory } from "@memflow-ts/core/without-ffi";

export const TEMPORARY_SUFFIX = ".memflow-ts-partial";

/** Writes `data` to `path` atomically and durably; throws Node's error, leaving no temporary file. */
export function writeFileAtomically(path: string, data: string | Uint8Array, mode = 0o644): void {
  replaceFileDurably(path, data, {
    mode,
    temporaryName: (finalName) => `.${finalName}.${crypto.randomUUID().slice(0, 8)}${TEMPORARY_SUFFIX}`,
  });
}
