/**
 * The shim's List (os-list.h) on the JavaScript side: what an OS plugin hands over, collected in
 * C as fixed-size records and their strings, and decoded here once per call. One List per
 * purpose lives as long as the module and keeps its native buffers between calls (a call resets
 * it); buffers grown past LARGE are given back after the call that grew them.
 */
import { type Pointer, ptr, read, toArrayBuffer } from "bun:ffi";
import { MemflowError } from "../error.ts";
import { SHIM_LIST } from "./os-layouts.ts";
import { nativeShim } from "./shim.ts";

/**
 * Records as the shim lays them out: a DataView for any field, and the same bytes as 64-bit and
 * 32-bit words (in this machine's byte order, as the C structs are). An indexed read is no call;
 * a DataView read is, and in code that runs once per command, cold, calls are most of the cost.
 */
export interface Records {
  readonly view: DataView;
  readonly words: BigUint64Array;
  readonly halves: Uint32Array;
}

/** The records in `buffer`, whose length is a multiple of 8 (every record size is). */
export function recordsIn(buffer: ArrayBuffer): Records {
  return { view: new DataView(buffer), words: new BigUint64Array(buffer), halves: new Uint32Array(buffer) };
}

/** How a record type is decoded: its size, how many strings follow it, and the decoder. */
export interface RecordType<T> {
  readonly size: number;
  readonly strings: number;
  /** The record at `at`; its strings are `strings[first]`, `strings[first + 1]`, … */
  decode(records: Records, at: number, strings: readonly string[], first: number): T;
  /**
   * Every record of a list, for the types whose lists run long (processes): one loop with the
   * fields read inline. A list is decoded once per command, before the JIT has compiled
   * anything, where a call per record costs more than its fields (decision 0007). Without it,
   * `decode` is called for each record.
   */
  readonly decodeAll?: (records: Records, count: number, strings: readonly string[]) => T[];
}

const LARGE = 1 << 20;
const utf8 = new TextDecoder();

export class ShimList {
  readonly #bytes = new Uint8Array(SHIM_LIST.SIZE);
  readonly #words = new BigUint64Array(this.#bytes.buffer);
  readonly pointer: Pointer = ptr(this.#bytes);

  /** Empties the list, keeping its buffers. */
  reset(): void {
    this.#words[SHIM_LIST.RECORDS_LENGTH / 8] = 0n;
    this.#words[SHIM_LIST.TEXT_LENGTH / 8] = 0n;
    this.#words[SHIM_LIST.COUNT / 8] = 0n;
    this.#words[SHIM_LIST.FAILED / 8] = 0n;
  }

  /** Decodes every record, then gives large buffers back. Throws when the list was cut short. */
  decode<T>(type: RecordType<T>, what: string): T[] {
    try {
      if (this.#words[SHIM_LIST.FAILED / 8] !== 0n)
        throw new MemflowError("Ffi", "Unknown", `the host ran out of memory collecting ${what}`);
      const count = Number(this.#words[SHIM_LIST.COUNT / 8]);
      if (count === 0) return [];
      const base = this.pointer;
      const records = recordsIn(toArrayBuffer(read.ptr(base, SHIM_LIST.RECORDS) as Pointer, 0, count * type.size));
      const strings = type.strings === 0 ? [] : this.#strings();
      if (type.decodeAll) return type.decodeAll(records, count, strings);
      const result = new Array<T>(count);
      for (let index = 0; index < count; index += 1)
        result[index] = type.decode(records, index * type.size, strings, index * type.strings);
      return result;
    } finally {
      this.#release();
    }
  }

  /** Every string of the list, in order: the text is decoded once and split at its NULs. */
  #strings(): string[] {
    const length = Number(this.#words[SHIM_LIST.TEXT_LENGTH / 8]);
    if (length === 0) return [];
    const text = new Uint8Array(toArrayBuffer(read.ptr(this.pointer, SHIM_LIST.TEXT) as Pointer, 0, length));
    return utf8.decode(text).split("\0");
  }

  #release(): void {
    const capacity = this.#words[SHIM_LIST.RECORDS_CAPACITY / 8] ?? 0n;
    const text = this.#words[SHIM_LIST.TEXT_CAPACITY / 8] ?? 0n;
    if (capacity > LARGE || text > LARGE) nativeShim().mf_list_free(this.pointer);
  }
}
