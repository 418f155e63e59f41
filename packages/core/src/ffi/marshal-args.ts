/**
 * `ConnectorArgs` / `OsArgs` in memory as a plugin's `create` reads them. Every buffer the
 * structure points at is returned in `keepAlive`: the caller holds it until `create` returns
 * (the plugin copies what it keeps).
 */
import { ptr } from "bun:ffi";
import type { ArgEntry, Args } from "../args/args.ts";
import type { ConnectorArgs, OsArgs } from "../args/connector-args.ts";
import { MemflowError } from "../error.ts";
import { ARG_ENTRY, CONNECTOR_ARGS, OS_ARGS } from "./layouts.ts";
import { nativeShim } from "./shim.ts";

export interface MarshalledArgs {
  readonly bytes: Uint8Array;
  readonly keepAlive: unknown[];
}

/** UTF-8, as Buffer.from would write it; an encoder's first use costs a third of Buffer.from's. */
const utf8 = new TextEncoder();

function cString(text: string, what: string, keepAlive: unknown[]): number {
  if (text.includes("\0")) {
    throw new MemflowError("Args", "InvalidArgument", `${what} ${JSON.stringify(text)} contains a NUL character`);
  }
  const bytes = utf8.encode(`${text}\0`);
  keepAlive.push(bytes);
  return ptr(bytes);
}

function writeCommon(view: DataView, target: string | undefined, args: Args, keepAlive: unknown[]): void {
  view.setBigUint64(
    CONNECTOR_ARGS.TARGET,
    target === undefined ? 0n : BigInt(cString(target, "target", keepAlive)),
    true,
  );
  const entries = args.entries();
  if (entries.length > 0) {
    const table = new BigUint64Array(entries.length * (ARG_ENTRY.SIZE / 8));
    for (let index = 0; index < entries.length; index += 1) {
      const { key, value } = entries[index] as ArgEntry;
      table[index * 2] = BigInt(cString(key, "argument name", keepAlive));
      table[index * 2 + 1] = BigInt(cString(value, `argument ${key}`, keepAlive));
    }
    keepAlive.push(table);
    view.setBigUint64(CONNECTOR_ARGS.ARGS_DATA, BigInt(ptr(table)), true);
  }
  view.setBigUint64(CONNECTOR_ARGS.ARGS_LEN, BigInt(entries.length), true);
  view.setBigUint64(CONNECTOR_ARGS.ARGS_CAPACITY, BigInt(entries.length), true);
  view.setBigUint64(CONNECTOR_ARGS.ARGS_DROP_FN, 0n, true);
  view.setBigUint64(CONNECTOR_ARGS.ARGS_RESERVE_FN, BigInt(nativeShim().mf_reserve_fn() ?? 0), true);
}

export function marshalConnectorArgs(args: ConnectorArgs): MarshalledArgs {
  const bytes = new Uint8Array(CONNECTOR_ARGS.SIZE);
  const view = new DataView(bytes.buffer);
  const keepAlive: unknown[] = [];
  writeCommon(view, args.target, args.extraArgs, keepAlive);
  const middleware = args.middlewareArgs;
  view.setUint32(CONNECTOR_ARGS.CACHE_TAG, middleware.cache === undefined ? 0 : 1, true);
  view.setUint8(CONNECTOR_ARGS.CACHE_VALUE, middleware.cache ? 1 : 0);
  view.setBigUint64(CONNECTOR_ARGS.CACHE_SIZE, middleware.cacheSize, true);
  view.setBigUint64(CONNECTOR_ARGS.CACHE_VALIDITY_TIME, middleware.cacheValidityTime, true);
  view.setBigUint64(CONNECTOR_ARGS.CACHE_PAGE_SIZE, middleware.cachePageSize, true);
  view.setBigUint64(CONNECTOR_ARGS.DELAY, middleware.delay, true);
  view.setUint8(CONNECTOR_ARGS.METRICS, middleware.metrics ? 1 : 0);
  return { bytes, keepAlive };
}

export function marshalOsArgs(args: OsArgs): MarshalledArgs {
  const bytes = new Uint8Array(OS_ARGS.SIZE);
  const keepAlive: unknown[] = [];
  writeCommon(new DataView(bytes.buffer), args.target, args.extraArgs, keepAlive);
  return { bytes, keepAlive };
}
