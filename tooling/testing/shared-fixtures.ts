/**
 * The real memflow-built plugin in `../shared/fixtures/memflow/` (beside the repository, never
 * copied into it). Tests that read it skip when it is absent.
 */
import { join } from "node:path";

export const MEMFLOW_DYLIB = join(
  import.meta.dir,
  "..",
  "..",
  "..",
  "shared",
  "fixtures",
  "memflow",
  "libmemflow_native.aarch64.dylib",
);
