/**
 * Offsets and sizes of the memflow 0.2 structures the host builds or reads (x86_64 and aarch64
 * share them). memflow asserts the same sizes; `test/ffi-layouts.test.ts` pins them.
 */
import { BATCH_RECORD } from "../memory/batch-results.ts";
import { TRANSFER_RECORD } from "../memory/transfer-batch.ts";

export const DESCRIPTOR = {
  SIZE: 0x60,
  PLUGIN_VERSION: 0x00,
  ACCEPT_INPUT: 0x04,
  INPUT_LAYOUT: 0x08,
  OUTPUT_LAYOUT: 0x10,
  NAME: 0x18,
  VERSION: 0x28,
  DESCRIPTION: 0x38,
  HELP_CALLBACK: 0x48,
  TARGET_LIST_CALLBACK: 0x50,
  CREATE: 0x58,
} as const;

/** `ConnectorArgs`: target, `Args` (a CVec of ArgEntry), middleware settings. */
export const CONNECTOR_ARGS = {
  SIZE: 96,
  TARGET: 0,
  ARGS_DATA: 8,
  ARGS_LEN: 16,
  ARGS_CAPACITY: 24,
  ARGS_DROP_FN: 32,
  ARGS_RESERVE_FN: 40,
  CACHE_TAG: 48,
  CACHE_VALUE: 52,
  CACHE_SIZE: 56,
  CACHE_VALIDITY_TIME: 64,
  CACHE_PAGE_SIZE: 72,
  DELAY: 80,
  METRICS: 88,
} as const;

/** `OsArgs`: target and `Args`, laid out as the start of ConnectorArgs. */
export const OS_ARGS = { SIZE: 48 } as const;

/** `ArgEntry`: two NUL-terminated strings, key first. */
export const ARG_ENTRY = { SIZE: 16, KEY: 0, VALUE: 8 } as const;

/** `Container` = `CBox` instance + `CArc` context. */
export const CONTAINER = { SIZE: 40 } as const;

/**
 * A cglue trait group: one vtable pointer per trait, mandatory traits first and then optional
 * ones, each group alphabetical (cglue's order), then the container.
 */
function traitGroup<const Slot extends string>(...slots: Slot[]) {
  // A plain loop: these are laid out when a command first loads the plugin host, where map and
  // fromEntries would be compiled for six small tables (decision 0007).
  const group: Record<string, number> = {};
  for (let index = 0; index < slots.length; index += 1) group[`VTBL_${slots[index]}`] = index * 8;
  const container = slots.length * 8;
  group.CONTAINER = container;
  group.SIZE = container + CONTAINER.SIZE;
  return group as { readonly [S in Slot as `VTBL_${S}`]: number } & {
    readonly CONTAINER: number;
    readonly SIZE: number;
  };
}

/** `ConnectorInstance`: Clone, PhysicalMemory, then the optional ConnectorCpuState; 64 bytes. */
export const CONNECTOR_INSTANCE = traitGroup("CLONE", "PHYSICAL_MEMORY", "CPU_STATE");

/** `OsInstance`: Clone and Os, then MemoryView, OsKeyboard, PhysicalMemory, VirtualTranslate; 88 bytes. */
export const OS_INSTANCE = traitGroup("CLONE", "OS", "MEMORY_VIEW", "KEYBOARD", "PHYSICAL_MEMORY", "VIRTUAL_TRANSLATE");

/** `ProcessInstance`: MemoryView and Process, then the optional VirtualTranslate; borrows the OS. */
export const PROCESS_INSTANCE = traitGroup("MEMORY_VIEW", "PROCESS", "VIRTUAL_TRANSLATE");

/** `IntoProcessInstance`: Clone, MemoryView, Process, then VirtualTranslate; owns the OS. */
export const INTO_PROCESS_INSTANCE = traitGroup("CLONE", "MEMORY_VIEW", "PROCESS", "VIRTUAL_TRANSLATE");

/** `KeyboardBase`, what `keyboard()` gives: borrows the OS. */
export const KEYBOARD_INSTANCE = traitGroup("KEYBOARD");

/** `IntoKeyboard`: owns the OS. */
export const INTO_KEYBOARD_INSTANCE = traitGroup("CLONE", "KEYBOARD");

/** `PhysicalMemoryMetadata`. */
export const METADATA = { SIZE: 24, MAX_ADDRESS: 0, REAL_SIZE: 8, READONLY: 16, IDEAL_BATCH_SIZE: 20 } as const;

/** One request of the shim's batched read/write: a TransferBatch record (address, data pointer, length, done, failed). */
export const SHIM_REQUEST = { SIZE: TRANSFER_RECORD.WORDS * 4, WORDS: TRANSFER_RECORD.WORDS } as const;

/** One request of readBatch/writeBatch (`mf_transfer_records`), in bytes: batch-results.ts's BATCH_RECORD. */
export const SHIM_BATCH_RECORD = {
  SIZE: BATCH_RECORD.WORDS * 4,
  ADDRESS: BATCH_RECORD.ADDRESS * 4,
  OFFSET: BATCH_RECORD.OFFSET * 4,
  LENGTH: BATCH_RECORD.LENGTH * 4,
  DONE: BATCH_RECORD.DONE * 4,
  FAILED: BATCH_RECORD.FAILED * 4,
} as const;

/** How the shim runs a batch (`mf_transfer`'s `how`): a read or a write, of physical memory or of a view. */
export const SHIM_TRANSFER = { READ: 0, WRITE: 1, VIEW: 2 } as const;

/** What `mf_transfer_each` returns, beside the plugin's result, when every item was done whole (transfer-each.h). */
export const SHIM_EACH = { ALL_WHOLE: 1 } as const;

/** The shim's string collector: data pointer, length, capacity, count. */
export const SHIM_STRINGS = { SIZE: 32 } as const;

/** abi_stable 0.10's `TypeLayout`, as far as the host probes it (memflow-core.md §6.9). */
export const TYPE_LAYOUT = { MONO: 8, ALIGNMENT_POWER: 17, SIZE: 24 } as const;
/**
 * `MonoTypeLayout`: the type's name (not NUL-terminated; its length is the struct's last field)
 * and `package;version` as an RStr. Offsets verified on memflow's own native dylib, whose layouts
 * name `COption` (7 bytes) and `OsInstance` (10 bytes).
 */
export const MONO_TYPE_LAYOUT = {
  NAME_PTR: 24,
  PACKAGE_AND_VERSION_PTR: 32,
  PACKAGE_AND_VERSION_LEN: 40,
  NAME_LEN: 150,
} as const;
