/**
 * What a native plugin passes when it calls a TypeScript OS or process (script-os.h): the
 * shim's Arguments, read from the plugin's memory on demand — integers, a name, an architecture
 * (absent: every architecture), the ModuleInfo whose contents are asked for, the ProcessInfo of
 * process_by_info, the ranges of virt_to_phys_list. Read during the call only: the pointers are the plugin's.
 */
import { CString, type Pointer, toArrayBuffer } from "bun:ffi";
import type { ArchitectureIdent } from "../os/architecture.ts";
import type { ModuleInfo } from "../os/module-info.ts";
import type { ProcessInfo } from "../os/process-info.ts";
import { type Records, recordsIn } from "./native-list.ts";
import { architectureAt, MODULE_INFO_RECORD, PROCESS_INFO_RECORD } from "./os-decode.ts";
import { ARCHITECTURE_IDENT, MODULE_INFO, PROCESS_INFO, SHIM_ARGUMENTS, VTOP_RANGE } from "./os-layouts.ts";

const utf8 = new TextDecoder();

function viewAt(pointer: number, length: number): DataView {
  return new DataView(toArrayBuffer(pointer as Pointer, 0, length));
}

/** One record the shim points at, to decode as a list's (native-list.ts). */
function recordsAt(pointer: number, length: number): Records {
  return recordsIn(toArrayBuffer(pointer as Pointer, 0, length));
}

function text(pointer: bigint): string {
  return pointer === 0n ? "" : new CString(Number(pointer) as Pointer).toString();
}

export class GivenArguments {
  readonly #view: DataView;

  constructor(pointer: Pointer) {
    this.#view = viewAt(pointer, SHIM_ARGUMENTS.SIZE);
  }

  #word(at: number): bigint {
    return this.#view.getBigUint64(at, true);
  }

  /** The `index`th integer, as memflow passed it (u64). */
  number(index: number): bigint {
    return this.#word(SHIM_ARGUMENTS.NUMBER + index * 8);
  }

  /** A gap size: memflow's i64, -1 for "fill no gaps". */
  signed(index: number): bigint {
    return BigInt.asIntN(64, this.number(index));
  }

  name(): string {
    const pointer = this.#word(SHIM_ARGUMENTS.NAME);
    const length = Number(this.#word(SHIM_ARGUMENTS.NAME_LENGTH));
    if (pointer === 0n || length === 0) return "";
    return utf8.decode(new Uint8Array(toArrayBuffer(Number(pointer) as Pointer, 0, length)));
  }

  /** undefined where memflow passed no architecture (every one). */
  arch(): ArchitectureIdent | undefined {
    const pointer = this.#word(SHIM_ARGUMENTS.ARCH);
    return pointer === 0n ? undefined : architectureAt(viewAt(Number(pointer), ARCHITECTURE_IDENT.SIZE), 0);
  }

  module(): ModuleInfo {
    const records = recordsAt(Number(this.#word(SHIM_ARGUMENTS.MODULE)), MODULE_INFO.SIZE);
    const strings = [MODULE_INFO.NAME, MODULE_INFO.PATH].map((at) => text(records.view.getBigUint64(at, true)));
    return MODULE_INFO_RECORD.decode(records, 0, strings, 0);
  }

  /** virt_to_phys_list's ranges: `{ address, size }` records. */
  ranges(): { address: bigint; size: bigint }[] {
    const count = Number(this.#word(SHIM_ARGUMENTS.ITEM_COUNT));
    if (count === 0) return [];
    const view = viewAt(Number(this.#word(SHIM_ARGUMENTS.ITEMS)), count * VTOP_RANGE.SIZE);
    return Array.from({ length: count }, (_, index) => ({
      address: view.getBigUint64(index * VTOP_RANGE.SIZE + VTOP_RANGE.ADDRESS, true),
      size: view.getBigUint64(index * VTOP_RANGE.SIZE + VTOP_RANGE.SIZE_FIELD, true),
    }));
  }

  processInfo(): ProcessInfo {
    const records = recordsAt(Number(this.#word(SHIM_ARGUMENTS.ITEMS)), PROCESS_INFO.SIZE);
    const fields = [PROCESS_INFO.NAME, PROCESS_INFO.PATH, PROCESS_INFO.COMMAND_LINE];
    return PROCESS_INFO_RECORD.decode(
      records,
      0,
      fields.map((at) => text(records.view.getBigUint64(at, true))),
      0,
    );
  }
}
