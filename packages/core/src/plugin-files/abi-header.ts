/**
 * Where memflow-abi.h lives: memflow 0.2's plugin ABI in C, shared by the shim, the SDK's
 * memflow-plugin.h and C test plugins. Put it on a C compiler's include path (`-I`).
 */
import { join } from "node:path";

export const ABI_INCLUDE_DIRECTORY = join(import.meta.dir, "..", "..", "native");

/** The header's files (it includes its layout asserts): what a cache of compiled C depends on. */
export const ABI_HEADER_FILES: readonly string[] = ["memflow-abi.h", "memflow-abi-layout.h"].map((name) =>
  join(ABI_INCLUDE_DIRECTORY, name),
);
