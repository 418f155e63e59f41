/**
 * Offsets and sizes of the OS layer's structures (memflow-abi-os.h, memflow-os.md §2, §4–§9) and
 * of the shim's own for it (os-list.h, os-calls.h): what the host decodes from a plugin's results
 * and encodes for its calls, in one place. `test/ffi-layouts.test.ts` checks each against gcc.
 * Field names are memflow's; a struct's own size is `SIZE`, so memflow's `size` fields are
 * `SIZE_FIELD`.
 */

/** One entry of a vtable: where its function pointer is, and memflow's name for it. */
export interface VtableEntry {
  readonly offset: number;
  readonly name: string;
}

/**
 * A vtable's entries in memflow's order, each a function pointer: `{ ENTRY_NAME: { offset, name }, SIZE }`.
 * A plain loop: some 80 entries are laid out when a command first loads the OS layer, cold.
 */
function vtable<const Entry extends string>(...entries: Entry[]) {
  const fields: Record<string, VtableEntry | number> = {};
  for (let index = 0; index < entries.length; index += 1) {
    const name = entries[index] as Entry;
    fields[name.toUpperCase()] = Object.freeze<VtableEntry>({ offset: index * 8, name });
  }
  fields.SIZE = entries.length * 8;
  return fields as { readonly [E in Entry as Uppercase<E>]: VtableEntry } & { readonly SIZE: number };
}

export const OS_VTBL = vtable(
  "process_address_list_callback",
  "process_info_list_callback",
  "process_info_by_address",
  "process_info_by_name",
  "process_info_by_pid",
  "process_by_info",
  "into_process_by_info",
  "process_by_address",
  "process_by_name",
  "process_by_pid",
  "into_process_by_address",
  "into_process_by_name",
  "into_process_by_pid",
  "module_address_list_callback",
  "module_list_callback",
  "module_by_address",
  "module_by_name",
  "primary_module_address",
  "primary_module",
  "module_import_list_callback",
  "module_export_list_callback",
  "module_section_list_callback",
  "module_import_by_name",
  "module_export_by_name",
  "module_section_by_name",
  "info",
);

export const PROCESS_VTBL = vtable(
  "state",
  "set_dtb",
  "module_address_list_callback",
  "module_list_callback",
  "module_by_address",
  "module_by_name_arch",
  "module_by_name",
  "primary_module_address",
  "primary_module",
  "module_import_list_callback",
  "module_export_list_callback",
  "module_section_list_callback",
  "module_import_by_name",
  "module_export_by_name",
  "module_section_by_name",
  "info",
  "mapped_mem_range",
  "mapped_mem",
);

export const MEMORY_VIEW_VTBL = vtable(
  "read_raw_iter",
  "write_raw_iter",
  "metadata",
  "read_iter",
  "read_raw_list",
  "read_raw_into",
  "write_iter",
  "write_raw_list",
  "write_raw",
);

export const VIRTUAL_TRANSLATE_VTBL = vtable(
  "virt_to_phys_list",
  "virt_to_phys_range",
  "virt_translation_map_range",
  "virt_page_map_range",
  "virt_to_phys",
  "virt_page_info",
  "virt_translation_map",
  "phys_to_virt",
  "virt_page_map",
);

export const OS_KEYBOARD_VTBL = vtable("keyboard", "into_keyboard");
export const KEYBOARD_VTBL = vtable("is_down", "set_down", "state");

/** `ArchitectureIdent`: a tag, then the payload the tag uses (the rest is padding). */
export const ARCHITECTURE_IDENT = { SIZE: 16, TAG: 0, VALUE: 8, X86_BITS: 8, X86_ADDRESS_EXTENSIONS: 9 } as const;
export const ARCHITECTURE_TAG = { UNKNOWN: 0, X86: 1, AARCH64: 2 } as const;

export const PROCESS_STATE = { SIZE: 8, TAG: 0, EXIT_CODE: 4 } as const;
export const PROCESS_STATE_TAG = { UNKNOWN: 0, ALIVE: 1, DEAD: 2 } as const;

export const OS_INFO = { SIZE: 32, BASE: 0, SIZE_FIELD: 8, ARCH: 16 } as const;

/** `ProcessInfo`; its three strings are the receiver's (os-list.h copies and frees them). */
export const PROCESS_INFO = {
  SIZE: 96,
  ADDRESS: 0,
  PID: 8,
  STATE: 12,
  NAME: 24,
  PATH: 32,
  COMMAND_LINE: 40,
  SYS_ARCH: 48,
  PROC_ARCH: 64,
  DTB1: 80,
  DTB2: 88,
} as const;

export const MODULE_INFO = {
  SIZE: 64,
  ADDRESS: 0,
  PARENT_PROCESS: 8,
  BASE: 16,
  SIZE_FIELD: 24,
  NAME: 32,
  PATH: 40,
  ARCH: 48,
} as const;

export const MODULE_ADDRESS_INFO = { SIZE: 24, ADDRESS: 0, ARCH: 8 } as const;
export const IMPORT_INFO = { SIZE: 16, NAME: 0, OFFSET: 8 } as const;
export const EXPORT_INFO = { SIZE: 16, NAME: 0, OFFSET: 8 } as const;
export const SECTION_INFO = { SIZE: 24, NAME: 0, BASE: 8, SIZE_FIELD: 16 } as const;

/** `PhysicalAddress`: page_size_log2 stores bit_length(size) − 2, 0 for no page (memflow's encoding). */
export const PHYSICAL_ADDRESS = { SIZE: 16, ADDRESS: 0, PAGE_TYPE: 8, PAGE_SIZE_LOG2: 9 } as const;
export const PAGE = { SIZE: 24, PAGE_TYPE: 0, PAGE_BASE: 8, PAGE_SIZE: 16 } as const;
export const VTOP_RANGE = { SIZE: 16, ADDRESS: 0, SIZE_FIELD: 8 } as const;
export const MEMORY_RANGE = { SIZE: 24, ADDRESS: 0, SIZE_FIELD: 8, PAGE_TYPE: 16 } as const;
export const VIRTUAL_TRANSLATION = { SIZE: 32, IN_VIRTUAL: 0, SIZE_FIELD: 8, OUT_PHYSICAL: 16 } as const;
export const VIRTUAL_TRANSLATION_FAIL = { SIZE: 16, FROM: 0, SIZE_FIELD: 8 } as const;
export const OPTION_ADDRESS = { SIZE: 16, TAG: 0, VALUE: 8 } as const;

export const MEMORY_VIEW_METADATA = {
  SIZE: 24,
  MAX_ADDRESS: 0,
  REAL_SIZE: 8,
  READONLY: 16,
  LITTLE_ENDIAN: 17,
  ARCH_BITS: 18,
} as const;

/** The shim's List (os-list.h): records, then the records' strings, NUL-terminated, in field order. */
export const SHIM_LIST = {
  SIZE: 64,
  RECORDS: 0,
  RECORDS_LENGTH: 8,
  RECORDS_CAPACITY: 16,
  TEXT: 24,
  TEXT_LENGTH: 32,
  TEXT_CAPACITY: 40,
  COUNT: 48,
  FAILED: 56,
} as const;

/** The shim's Arguments (os-calls.h): what a call passes besides the container. */
export const SHIM_ARGUMENTS = {
  SIZE: 80,
  NUMBER: 0,
  NAME: 24,
  NAME_LENGTH: 32,
  ARCH: 40,
  MODULE: 48,
  ITEMS: 56,
  ITEM_COUNT: 64,
  FAILURES: 72,
} as const;

/**
 * The shim's ScriptResult (script-os.h): what a TypeScript OS answers a native plugin's call.
 * TRANSLATE_ENTRIES is what tells a VirtualTranslate entry from a Process entry on one handle.
 */
export const SHIM_SCRIPT_RESULT = {
  SIZE: 48,
  RECORDS: 0,
  COUNT: 8,
  FAILURES: 16,
  FAILURE_COUNT: 24,
  HANDLE: 32,
  TRANSLATES: 40,
  TRANSLATE_ENTRIES: 0x1000,
} as const;

/** The shapes of `mf_os_call` (os-calls.h's CALL_*); below FIRST_OBJECT the result is a List. */
export const SHIM_CALL = {
  ADDRESS_LIST: 0,
  PROCESS_INFO_LIST: 1,
  MODULE_LIST: 2,
  MODULE_ADDRESS_LIST_ARCH: 3,
  MODULE_LIST_ARCH: 4,
  IMPORT_LIST: 5,
  EXPORT_LIST: 6,
  SECTION_LIST: 7,
  MEMORY_RANGES: 8,
  ALL_MEMORY_RANGES: 9,
  TRANSLATIONS: 10,
  ALL_TRANSLATIONS: 11,
  TRANSLATE_RANGES: 12,
  PROCESS_INFO_BY_ADDRESS: 13,
  PROCESS_INFO_BY_PID: 14,
  PROCESS_INFO_BY_NAME: 15,
  PROCESS_INFO: 16,
  MODULE_BY_ADDRESS: 17,
  MODULE_BY_ADDRESS_ARCH: 18,
  MODULE_BY_NAME: 19,
  MODULE_BY_NAME_ARCH: 20,
  PRIMARY_MODULE: 21,
  IMPORT_BY_NAME: 22,
  EXPORT_BY_NAME: 23,
  SECTION_BY_NAME: 24,
  FIRST_OBJECT: 25,
  PRIMARY_MODULE_ADDRESS: 25,
  OS_INFO: 26,
  PROCESS_STATE: 27,
  SET_DTB: 28,
  VIRT_TO_PHYS: 29,
  VIRT_PAGE_INFO: 30,
  PHYS_TO_VIRT: 31,
  PROCESS_BY_ADDRESS: 32,
  PROCESS_BY_PID: 33,
  PROCESS_BY_NAME: 34,
  PROCESS_BY_INFO: 35,
  INTO_PROCESS_BY_ADDRESS: 36,
  INTO_PROCESS_BY_PID: 37,
  INTO_PROCESS_BY_NAME: 38,
  INTO_PROCESS_BY_INFO: 39,
  KEYBOARD: 40,
  INTO_KEYBOARD: 41,
  KEY_IS_DOWN: 42,
  KEY_SET_DOWN: 43,
  KEYBOARD_SNAPSHOT: 44,
  VIEW_METADATA: 45,
  SHAPES: 46,
} as const;

/** The keys a keyboard snapshot asks about: virtual-key codes 0–255 (os-objects.h). */
export const KEYBOARD_SNAPSHOT = { KEYS: 256 } as const;
