/**
 * Compiles `shim.c` with bun:ffi's `cc` (TinyCC, inside Bun) the first time a plugin is loaded,
 * and exposes its functions. See docs/decisions/0003-native-shim.md for why a shim at all.
 */
import { cc } from "bun:ffi";
import { join } from "node:path";

const SYMBOLS = {
  mf_open: { args: ["cstring", "ptr", "u64"], returns: "ptr" },
  mf_symbol: { args: ["ptr", "cstring"], returns: "ptr" },
  mf_reserve_fn: { args: [], returns: "ptr" },
  mf_create_connector: { args: ["ptr", "ptr", "ptr", "ptr", "ptr"], returns: "i32" },
  mf_create_os: { args: ["ptr", "ptr", "ptr", "ptr", "ptr"], returns: "i32" },
  mf_clone: { args: ["ptr", "ptr", "ptr"], returns: "void" },
  mf_drop: { args: ["ptr"], returns: "void" },
  mf_metadata: { args: ["ptr", "ptr", "ptr"], returns: "void" },
  mf_read: { args: ["ptr", "ptr", "ptr", "u64"], returns: "i32" },
  mf_write: { args: ["ptr", "ptr", "ptr", "u64"], returns: "i32" },
  mf_read_into: { args: ["ptr", "ptr", "u64", "ptr", "u64"], returns: "f64" },
  mf_help: { args: ["ptr", "ptr"], returns: "void" },
  mf_targets: { args: ["ptr", "ptr"], returns: "i32" },
  mf_strings_free: { args: ["ptr"], returns: "void" },
  mf_logger_new: { args: ["u64"], returns: "ptr" },
  mf_logger_set_level: { args: ["ptr", "u64"], returns: "void" },
  mf_log_drain: { args: ["ptr", "u64", "ptr"], returns: "u64" },
} as const;

function compile() {
  return cc({ source: join(import.meta.dir, "shim.c"), symbols: SYMBOLS }).symbols;
}

export type Shim = ReturnType<typeof compile>;

let shim: Shim | undefined;

export function nativeShim(): Shim {
  shim ??= compile();
  return shim;
}
