/**
 * The TypeScript objects native plugins hold, by handle: connectors given to OS plugins
 * (script-input.ts), and OS layers and their processes given to connector plugins
 * (script-os-input.ts). The shim's containers carry only the handle. A handle may be shared by
 * clones of its container (an OS or a process, which have no clone of their own): the object is
 * closed when the last share is dropped, once. Handles are used on the JavaScript thread only.
 */

import type { Process } from "../os/process.ts";
import type { Connector } from "../plugin/connector.ts";
import type { Os } from "../plugin/os.ts";

export type ScriptObject = Connector | Os | Process;

interface Held {
  readonly object: ScriptObject;
  shares: number;
}

const held = new Map<number, Held>();
let nextHandle = 1;

/** A new handle on `object`, which is closed when the handle's last share is dropped. */
export function adopt(object: ScriptObject): number {
  while (held.has(nextHandle)) nextHandle = nextHandle >= 0xffffffff ? 1 : nextHandle + 1;
  const handle = nextHandle;
  nextHandle = nextHandle >= 0xffffffff ? 1 : nextHandle + 1;
  held.set(handle, { object, shares: 1 });
  return handle;
}

export function heldObject(handle: number): ScriptObject | undefined {
  return held.get(handle)?.object;
}

/** One more share of `handle` (a clone of its container); 0 when the handle is unknown. */
export function share(handle: number): number {
  const entry = held.get(handle);
  if (entry === undefined) return 0;
  entry.shares++;
  return handle;
}

/** Drops one share; the last one closes the object, unless it was moved elsewhere (`close: false`). */
export function release(handle: number, close = true): void {
  const entry = held.get(handle);
  if (entry === undefined) return;
  entry.shares--;
  if (entry.shares > 0) return;
  held.delete(handle);
  if (close) entry.object.close();
}

/** How many objects native plugins hold now (tests check that each is released). */
export function scriptObjectsHeld(): number {
  return held.size;
}
