/// <reference path="./c-text.d.ts" />
/**
 * memflow-abi.h and the headers it includes, as text: the one list of the ABI header's files.
 * Compilers get them through `materialiseSourceTree` (a compiled executable has no `native/`
 * folder to point `-I` at); tests and tools running from sources may use ABI_INCLUDE_DIRECTORY.
 */

import abi from "../../native/memflow-abi.h" with { type: "text" };
import abiLayout from "../../native/memflow-abi-layout.h" with { type: "text" };
import abiOs from "../../native/memflow-abi-os.h" with { type: "text" };
import abiOsLayout from "../../native/memflow-abi-os-layout.h" with { type: "text" };
import type { SourceTree } from "./source-tree.ts";

export const ABI_HEADER_SOURCES: SourceTree = {
  "memflow-abi.h": abi,
  "memflow-abi-layout.h": abiLayout,
  "memflow-abi-os.h": abiOs,
  "memflow-abi-os-layout.h": abiOsLayout,
};
