/**
 * What a TypeScript OS, process or translation answers a native plugin's call through the shim
 * (script-os.h's ScriptResult): records in memflow's layout (os-encode.ts) — for
 * virt_to_phys_list a second list of failures — or, for a process opened, its new handle and
 * whether it offers VirtualTranslate.
 */
import type { Process } from "../os/process.ts";
import { ADDRESS_ENCODER, type Encoded, encodeRecords, type RecordEncoder } from "./os-encode.ts";
import { adopt, release } from "./script-handles.ts";
import type { GivenArguments } from "./script-os-arguments.ts";

export interface Records {
  readonly records: Encoded;
  readonly count: number;
}

export type Answer =
  | (Records & { readonly failures?: Records })
  | { readonly handle: number; readonly translates: boolean };

export const many = <T>(encoder: RecordEncoder<T>, values: readonly T[]): Records => ({
  records: encodeRecords(encoder, values),
  count: values.length,
});
export const one = <T>(encoder: RecordEncoder<T>, value: T): Records => many(encoder, [value]);
export const nothing: Records = many(ADDRESS_ENCODER, []);

/** One vtable entry on the object behind `handle`. */
export type Entry<T> = (object: T, given: GivenArguments, handle: number) => Answer;

/** A process the OS lends (decision 0012: the TypeScript OS refuses other calls until it is dropped). */
export function opened(process: Process): Answer {
  const translates = process.virtualTranslate() !== undefined;
  return { handle: adopt(process), translates };
}

/** into_process_by_*: the plugin's OS container is consumed whatever happens (memflow-os.md §8). */
export function moved(handle: number, open: () => Process): Answer {
  try {
    const process = open();
    release(handle, false);
    return opened(process);
  } catch (error) {
    // The OS dropped itself on failure, or was refused before it moved: either way it goes now.
    release(handle);
    throw error;
  }
}
