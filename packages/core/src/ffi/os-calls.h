/*
 * Part of shim.c (included once, there): every call of the Os, Process, VirtualTranslate and
 * OsKeyboard vtables, and the MemoryView's metadata (memflow-os.md §4–§9), through one function,
 * mf_os_call. TypeScript reads the entry from the plugin's vtable and passes it with the shape of
 * its call (CALL_*), its arguments (pointers and integers only, in an Arguments) and where the
 * result goes; this file builds what memflow passes by value (names, architectures, a
 * ProcessInfo, callbacks, a consumed container) and marks the call for a crash report with the
 * entry's name (`what`) and the plugin's (`who`, crash-guard.h). Entries of several vtables that
 * have one shape share a case: an Os's module_by_name and a Process's, say.
 *
 * Each case calls the entry as the type memflow-abi-os.h declares for it (AS below), so the C
 * compiler checks every call against the one copy of the ABI. Virtual reads and writes, the hot
 * path, have functions of their own (os-view.h).
 */
#ifndef MEMFLOW_TS_OS_CALLS_H
#define MEMFLOW_TS_OS_CALLS_H

/* What a call passes besides the container; each shape uses the fields it needs. */
typedef struct {
  /* Integers in the entry's order: an address, a pid, a gap size, start and end, dtbs, a key. */
  uint64_t number[3];
  /* A name (memflow's CSliceRef<u8>: not NUL-terminated). */
  const uint8_t *name;
  uint64_t name_length;
  /* NULL where memflow takes an Option<&ArchitectureIdent>: every architecture. */
  const mf_architecture_ident *arch;
  /* The module whose imports, exports or sections are asked for; only read by the plugin. */
  const mf_module_info *module;
  /* process_by_info's ProcessInfo (its strings are copied with malloc), or virt_to_phys_list's ranges. */
  const void *items;
  uint64_t item_count;
  /* virt_to_phys_list's second list: the parts that did not translate. */
  List *failures;
} Arguments;

/* The shapes. Up to CALL_FIRST_OBJECT the result goes into a List; from there into `out` as is. */
enum {
  /* lists */
  CALL_ADDRESS_LIST = 0, /* Os: process_address_list_callback, module_address_list_callback */
  CALL_PROCESS_INFO_LIST = 1,
  CALL_MODULE_LIST = 2,              /* Os */
  CALL_MODULE_ADDRESS_LIST_ARCH = 3, /* Process */
  CALL_MODULE_LIST_ARCH = 4,         /* Process */
  CALL_IMPORT_LIST = 5,
  CALL_EXPORT_LIST = 6,
  CALL_SECTION_LIST = 7,
  CALL_MEMORY_RANGES = 8,     /* Process mapped_mem_range, VirtualTranslate virt_page_map_range */
  CALL_ALL_MEMORY_RANGES = 9, /* mapped_mem, virt_page_map */
  CALL_TRANSLATIONS = 10,     /* virt_to_phys_range, virt_translation_map_range */
  CALL_ALL_TRANSLATIONS = 11, /* virt_translation_map */
  CALL_TRANSLATE_RANGES = 12, /* virt_to_phys_list */
  /* one ProcessInfo */
  CALL_PROCESS_INFO_BY_ADDRESS = 13,
  CALL_PROCESS_INFO_BY_PID = 14,
  CALL_PROCESS_INFO_BY_NAME = 15,
  CALL_PROCESS_INFO = 16, /* Process: info(), borrowed */
  /* one ModuleInfo */
  CALL_MODULE_BY_ADDRESS = 17,      /* Os */
  CALL_MODULE_BY_ADDRESS_ARCH = 18, /* Process */
  CALL_MODULE_BY_NAME = 19,
  CALL_MODULE_BY_NAME_ARCH = 20, /* Process */
  CALL_PRIMARY_MODULE = 21,
  /* one import, export or section */
  CALL_IMPORT_BY_NAME = 22,
  CALL_EXPORT_BY_NAME = 23,
  CALL_SECTION_BY_NAME = 24,
  /* results written to `out` */
  CALL_FIRST_OBJECT = 25,
  CALL_PRIMARY_MODULE_ADDRESS = 25, /* u64 */
  CALL_OS_INFO = 26,                /* mf_os_info, copied */
  CALL_PROCESS_STATE = 27,          /* mf_process_state */
  CALL_SET_DTB = 28,                /* nothing */
  CALL_VIRT_TO_PHYS = 29,           /* mf_physical_address */
  CALL_VIRT_PAGE_INFO = 30,         /* mf_page */
  CALL_PHYS_TO_VIRT = 31,           /* mf_option_address */
  CALL_PROCESS_BY_ADDRESS = 32,     /* mf_process_instance */
  CALL_PROCESS_BY_PID = 33,
  CALL_PROCESS_BY_NAME = 34,
  CALL_PROCESS_BY_INFO = 35,
  CALL_INTO_PROCESS_BY_ADDRESS = 36, /* mf_into_process_instance; consumes the OS */
  CALL_INTO_PROCESS_BY_PID = 37,
  CALL_INTO_PROCESS_BY_NAME = 38,
  CALL_INTO_PROCESS_BY_INFO = 39,
  CALL_KEYBOARD = 40,          /* mf_keyboard */
  CALL_INTO_KEYBOARD = 41,     /* mf_into_keyboard; consumes the OS */
  CALL_KEY_IS_DOWN = 42,       /* u8 */
  CALL_KEY_SET_DOWN = 43,      /* nothing */
  CALL_KEYBOARD_SNAPSHOT = 44, /* 256 u8: each key's is_down in a state() snapshot, dropped at once */
  CALL_VIEW_METADATA = 45,     /* mf_memory_view_metadata */
  CALL_SHAPES = 46
};

/* An entry as TypeScript passes it; each case casts it back to the type it has in the ABI. */
typedef void (*entry_fn)(void);
#define AS(vtbl, entry) ((__typeof__(((vtbl *)0)->entry))fn)

/* The error for a shape this shim does not know, or an info() that returned no pointer. */
#define CALL_REFUSED MF_ERROR(MF_ORIGIN_FFI, MF_KIND_INVALID_ARGUMENT)

static mf_slice_ref name_of(const Arguments *in) {
  mf_slice_ref slice = { in->name && in->name_length ? in->name : (const uint8_t *)"", in->name ? in->name_length : 0 };
  return slice;
}

/* Walks and lists: the plugin calls back once per item, the List collects. */
static int32_t walk(uint32_t shape, entry_fn fn, mf_container *cont, const Arguments *in, List *out) {
  const uint64_t *n = in->number;
  switch (shape) {
  case CALL_ADDRESS_LIST:
    return AS(mf_os_vtbl, process_address_list_callback)(cont, (mf_address_callback){ out, collect_address });
  case CALL_PROCESS_INFO_LIST:
    return AS(mf_os_vtbl, process_info_list_callback)(cont, (mf_process_info_callback){ out, collect_process_info });
  case CALL_MODULE_LIST:
    return AS(mf_os_vtbl, module_list_callback)(cont, (mf_module_info_callback){ out, collect_module_info });
  case CALL_MODULE_ADDRESS_LIST_ARCH:
    return AS(mf_process_vtbl, module_address_list_callback)(
      cont, in->arch, (mf_module_address_callback){ out, collect_module_address });
  case CALL_MODULE_LIST_ARCH:
    return AS(mf_process_vtbl, module_list_callback)(cont, in->arch,
                                                     (mf_module_info_callback){ out, collect_module_info });
  case CALL_IMPORT_LIST:
    return AS(mf_process_vtbl, module_import_list_callback)(cont, in->module,
                                                            (mf_import_callback){ out, collect_import });
  case CALL_EXPORT_LIST:
    return AS(mf_process_vtbl, module_export_list_callback)(cont, in->module,
                                                            (mf_export_callback){ out, collect_export });
  case CALL_SECTION_LIST:
    return AS(mf_process_vtbl, module_section_list_callback)(cont, in->module,
                                                             (mf_section_callback){ out, collect_section });
  case CALL_MEMORY_RANGES:
    AS(mf_process_vtbl, mapped_mem_range)(cont, (int64_t)n[0], n[1], n[2],
                                          (mf_memory_range_callback){ out, collect_memory_range });
    return 0;
  case CALL_ALL_MEMORY_RANGES:
    AS(mf_process_vtbl, mapped_mem)(cont, (int64_t)n[0], (mf_memory_range_callback){ out, collect_memory_range });
    return 0;
  case CALL_TRANSLATIONS:
    AS(mf_virtual_translate_vtbl, virt_to_phys_range)(cont, n[0], n[1],
                                                      (mf_virtual_translation_callback){ out, collect_translation });
    return 0;
  case CALL_ALL_TRANSLATIONS:
    AS(mf_virtual_translate_vtbl, virt_translation_map)(cont,
                                                        (mf_virtual_translation_callback){ out, collect_translation });
    return 0;
  case CALL_TRANSLATE_RANGES:
    AS(mf_virtual_translate_vtbl, virt_to_phys_list)(
      cont, (mf_vtop_range_slice){ in->items, in->item_count }, (mf_virtual_translation_callback){ out, collect_translation },
      (mf_virtual_translation_fail_callback){ in->failures, collect_translation_fail });
    return 0;
  default:
    return CALL_REFUSED;
  }
}

/* Lookups: one ProcessInfo, ModuleInfo, import, export or section, into the List on success. */
static int32_t look_up(uint32_t shape, entry_fn fn, mf_container *cont, const Arguments *in, List *out) {
  const uint64_t *n = in->number;
  mf_slice_ref name = name_of(in);
  /* Imports and exports are laid out alike: the export is read back through `import`. */
  union { mf_process_info process; mf_module_info module; mf_import_info import; mf_export_info export; mf_section_info section; } one;
  const mf_process_info *borrowed = NULL;
  int32_t result;
  switch (shape) {
  case CALL_PROCESS_INFO_BY_ADDRESS: result = AS(mf_os_vtbl, process_info_by_address)(cont, n[0], &one.process); break;
  case CALL_PROCESS_INFO_BY_PID: result = AS(mf_os_vtbl, process_info_by_pid)(cont, (uint32_t)n[0], &one.process); break;
  case CALL_PROCESS_INFO_BY_NAME: result = AS(mf_os_vtbl, process_info_by_name)(cont, name, &one.process); break;
  case CALL_PROCESS_INFO:
    borrowed = AS(mf_process_vtbl, info)(cont);
    if (!borrowed) return CALL_REFUSED;
    one.process = *borrowed;
    result = 0;
    break;
  case CALL_MODULE_BY_ADDRESS: result = AS(mf_os_vtbl, module_by_address)(cont, n[0], &one.module); break;
  case CALL_MODULE_BY_ADDRESS_ARCH:
    result = AS(mf_process_vtbl, module_by_address)(cont, n[0], *in->arch, &one.module);
    break;
  case CALL_MODULE_BY_NAME: result = AS(mf_process_vtbl, module_by_name)(cont, name, &one.module); break;
  case CALL_MODULE_BY_NAME_ARCH:
    result = AS(mf_process_vtbl, module_by_name_arch)(cont, name, in->arch, &one.module);
    break;
  case CALL_PRIMARY_MODULE: result = AS(mf_process_vtbl, primary_module)(cont, &one.module); break;
  case CALL_IMPORT_BY_NAME:
    result = AS(mf_process_vtbl, module_import_by_name)(cont, in->module, name, &one.import);
    break;
  case CALL_EXPORT_BY_NAME:
    result = AS(mf_process_vtbl, module_export_by_name)(cont, in->module, name, &one.export);
    break;
  case CALL_SECTION_BY_NAME:
    result = AS(mf_process_vtbl, module_section_by_name)(cont, in->module, name, &one.section);
    break;
  default: return walk(shape, fn, cont, in, out);
  }
  if (result != 0) return result;
  /* A List that runs out of memory says so in `failed`, which TypeScript checks after every call. */
  if (shape <= CALL_PROCESS_INFO) push_process_info(out, &one.process, borrowed == NULL);
  else if (shape <= CALL_PRIMARY_MODULE) push_module_info(out, &one.module);
  else if (shape == CALL_SECTION_BY_NAME) push_section(out, &one.section);
  else push_named_offset(out, one.import.name, one.import.offset);
  return 0;
}

#include "os-objects.h"

/*
 * Calls `fn`, an entry of a vtable of the OS layer, as `shape` says; returns the entry's result
 * (0, or memflow's error int).
 */
int32_t mf_os_call(uint32_t shape, entry_fn fn, mf_container *cont, const Arguments *in, void *out, const char *what,
                   const char *who) {
  enter(who, what);
  int32_t result = shape < CALL_FIRST_OBJECT ? look_up(shape, fn, cont, in, out) : make(shape, fn, cont, in, out);
  leave();
  return result;
}

#endif
