/// <reference path="./c-text.d.ts" />
/**
 * memflow-abi.h and the headers it includes, as text: the one list of the ABI header's files.
 * Compilers get them through `materialiseSourceTree` (a compiled executable has no `native/`
 * folder to point `-I` at); tests and tools running from sources may use ABI_INCLUDE_DIRECTORY.
 * Apart from the compiler lookup (native-toolchain.ts): a command that only loads a plugin finds
 * its cached shim by the compiler's identity and needs none of this text (decision 0007).
 */
import { join } from "node:path";

import abi from "../../native/memflow-abi.h" with { type: "text" };
import abiLayout from "../../native/memflow-abi-layout.h" with { type: "text" };
import abiOs from "../../native/memflow-abi-os.h" with { type: "text" };
import abiOsLayout from "../../native/memflow-abi-os-layout.h" with { type: "text" };
import type { SourceTree } from "./source-tree.ts";

export const ABI_INCLUDE_DIRECTORY = join(import.meta.dir, "..", "..", "native");

export const ABI_HEADER_SOURCES: SourceTree = {
  "memflow-abi.h": abi,
  "memflow-abi-layout.h": abiLayout,
  "memflow-abi-os.h": abiOs,
  "memflow-abi-os-layout.h": abiOsLayout,
};

/** The header's files (it includes its layout asserts): what a cache of compiled C depends on. */
export const ABI_HEADER_FILES: readonly string[] = Object.keys(ABI_HEADER_SOURCES).map((name) =>
  join(ABI_INCLUDE_DIRECTORY, name),
);
