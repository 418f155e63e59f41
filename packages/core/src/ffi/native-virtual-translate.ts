/**
 * Address translation through a native plugin's `VirtualTranslate` vtable (memflow-os.md §7),
 * an OS kernel's or a process's: single translations, lists of ranges, and maps of an address
 * space, each list collected by the shim in one call.
 */
import { type Address, formatAddress } from "../memory/address.ts";
import type { MemoryRange, Page, PhysicalAddress } from "../os/page.ts";
import { INVALID_ADDRESS } from "../os/process-info.ts";
import {
  translatedRange,
  type VirtualTranslate,
  type VirtualTranslation,
  type VirtualTranslationFailure,
} from "../os/virtual-translate.ts";
import { type CallTarget, memoryRanges, NativeCalls } from "./native-calls.ts";
import { pageAt, physicalAddressAt, TRANSLATION_FAILURE_RECORD, TRANSLATION_RECORD } from "./os-decode.ts";
import {
  OPTION_ADDRESS,
  PAGE,
  PHYSICAL_ADDRESS,
  SHIM_CALL,
  VIRTUAL_TRANSLATE_VTBL as VT,
  VTOP_RANGE,
} from "./os-layouts.ts";

export class NativeVirtualTranslate implements VirtualTranslate {
  readonly #calls: NativeCalls;

  constructor(target: CallTarget) {
    this.#calls = new NativeCalls(target);
  }

  virtToPhys(address: Address): PhysicalAddress {
    const out = new Uint8Array(PHYSICAL_ADDRESS.SIZE);
    this.#calls.call(
      SHIM_CALL.VIRT_TO_PHYS,
      VT.VIRT_TO_PHYS,
      { numbers: [address], about: formatAddress(address) },
      out,
    );
    return physicalAddressAt(new DataView(out.buffer), 0);
  }

  virtPageInfo(address: Address): Page {
    const out = new Uint8Array(PAGE.SIZE);
    this.#calls.call(
      SHIM_CALL.VIRT_PAGE_INFO,
      VT.VIRT_PAGE_INFO,
      { numbers: [address], about: formatAddress(address) },
      out,
    );
    return pageAt(new DataView(out.buffer), 0);
  }

  virtToPhysList(ranges: readonly { address: Address; size: Address }[]): {
    translations: VirtualTranslation[];
    failures: VirtualTranslationFailure[];
  } {
    if (ranges.length === 0) return { translations: [], failures: [] };
    const items = new BigUint64Array((ranges.length * VTOP_RANGE.SIZE) / 8);
    ranges.forEach((range, index) => {
      items[(index * VTOP_RANGE.SIZE + VTOP_RANGE.ADDRESS) / 8] = BigInt(range.address);
      items[(index * VTOP_RANGE.SIZE + VTOP_RANGE.SIZE_FIELD) / 8] = BigInt(range.size);
    });
    const bytes = new Uint8Array(items.buffer);
    const calls = this.#calls;
    const translations = calls.list(SHIM_CALL.TRANSLATE_RANGES, VT.VIRT_TO_PHYS_LIST, TRANSLATION_RECORD, {
      items: bytes,
      itemCount: ranges.length,
    });
    return { translations, failures: calls.failures(TRANSLATION_FAILURE_RECORD) };
  }

  /** Each page-sized piece of [start, end) that translates (memflow's virt_to_phys_range). */
  virtToPhysRange(start: Address, end: Address): VirtualTranslation[] {
    translatedRange(start, end);
    return this.#calls.list(SHIM_CALL.TRANSLATIONS, VT.VIRT_TO_PHYS_RANGE, TRANSLATION_RECORD, {
      numbers: [start, end],
    });
  }

  virtTranslationMap(start?: Address, end?: Address): VirtualTranslation[] {
    if (start === undefined && end === undefined)
      return this.#calls.list(SHIM_CALL.ALL_TRANSLATIONS, VT.VIRT_TRANSLATION_MAP, TRANSLATION_RECORD);
    translatedRange(start ?? 0, end ?? INVALID_ADDRESS);
    return this.#calls.list(SHIM_CALL.TRANSLATIONS, VT.VIRT_TRANSLATION_MAP_RANGE, TRANSLATION_RECORD, {
      numbers: [start ?? 0, end ?? INVALID_ADDRESS],
    });
  }

  virtPageMap(gapSize: number | bigint, start?: Address, end?: Address): MemoryRange[] {
    return memoryRanges(this.#calls, VT.VIRT_PAGE_MAP, VT.VIRT_PAGE_MAP_RANGE, gapSize, start, end);
  }

  physToVirt(physical: Address): bigint | undefined {
    const out = new Uint8Array(OPTION_ADDRESS.SIZE);
    this.#calls.call(SHIM_CALL.PHYS_TO_VIRT, VT.PHYS_TO_VIRT, { numbers: [physical] }, out);
    const view = new DataView(out.buffer);
    return view.getUint32(OPTION_ADDRESS.TAG, true) === 0 ? undefined : view.getBigUint64(OPTION_ADDRESS.VALUE, true);
  }
}
