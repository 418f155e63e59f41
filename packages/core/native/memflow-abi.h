/*
 * memflow-abi.h: memflow 0.2's plugin ABI (plugin_version 1) in C, and the only copy of it in
 * memflow-ts. The host's shim (packages/core/src/ffi/shim.c), the SDK's memflow-plugin.h and every
 * C test plugin include it; packages/core/src/ffi/layouts.ts holds the same offsets for
 * TypeScript, and packages/core/test/abi-header.test.ts checks that the two agree.
 *
 * memflow's types are repr(C), so each struct here mirrors one field for field (memflow 0.2.4 and
 * cglue 0.2.14: memflow/src/plugins, memflow/src/mem/mem_data.rs, memflow-ffi/memflow.h). Names
 * are memflow's in snake case behind an mf_ prefix, so they cannot clash with a plugin's own.
 * The OS layer (processes, modules, virtual memory, translation, the keyboard) is in
 * memflow-abi-os.h, which this header includes; ConnectorCpuState's vtable, which no C file here
 * fills in or calls, is declared opaque, so the instance struct keeps memflow's slot type.
 *
 * Every size and offset is asserted (memflow-abi-layout.h, included at the end) for 64-bit
 * targets (x86_64 and aarch64, LP64 and Windows' LLP64). On 32-bit targets those numbers do not apply and are skipped, except for the
 * descriptor's 0x34 bytes, which memflow's plugin analyzer reads.
 *
 * Plain C11; also usable from C++ (static_assert stands in for _Static_assert there).
 */
#ifndef MEMFLOW_ABI_H
#define MEMFLOW_ABI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define MF_EXPORT __declspec(dllexport)
#else
#define MF_EXPORT __attribute__((visibility("default")))
#endif

/* ---- errors: memflow's Error(origin, kind) with memflow's ordinals (error.rs) ---- */

enum mf_error_origin {
  MF_ORIGIN_POINTER, MF_ORIGIN_ARGS, MF_ORIGIN_ARGS_VALIDATOR, MF_ORIGIN_MEMORY, MF_ORIGIN_MMU,
  MF_ORIGIN_MEMORY_MAP, MF_ORIGIN_PHYSICAL_MEMORY, MF_ORIGIN_VIRTUAL_TRANSLATE, MF_ORIGIN_CACHE,
  MF_ORIGIN_TLB_CACHE, MF_ORIGIN_PAGE_CACHE, MF_ORIGIN_VIRTUAL_MEMORY, MF_ORIGIN_INVENTORY,
  MF_ORIGIN_CONNECTOR, MF_ORIGIN_OS_LAYER, MF_ORIGIN_FFI, MF_ORIGIN_OTHER
};

enum mf_error_kind {
  MF_KIND_UNINITIALIZED, MF_KIND_NOT_SUPPORTED, MF_KIND_NOT_IMPLEMENTED, MF_KIND_CONFIGURATION,
  MF_KIND_OFFSET, MF_KIND_HTTP, MF_KIND_ARG_NOT_EXISTS, MF_KIND_ARG_VALIDATION,
  MF_KIND_REQUIRED_ARG_NOT_FOUND, MF_KIND_INVALID_ARGUMENT, MF_KIND_PARTIAL_DATA, MF_KIND_NOT_FOUND,
  MF_KIND_OUT_OF_BOUNDS, MF_KIND_OUT_OF_MEMORY_RANGE, MF_KIND_ENCODING, MF_KIND_INVALID_PATH,
  MF_KIND_READ_ONLY, MF_KIND_UNABLE_TO_READ_DIR, MF_KIND_UNABLE_TO_READ_DIR_ENTRY,
  MF_KIND_UNABLE_TO_READ_FILE, MF_KIND_UNABLE_TO_CREATE_DIRECTORY, MF_KIND_UNABLE_TO_WRITE_FILE,
  MF_KIND_UNABLE_TO_SEEK_FILE, MF_KIND_UNABLE_TO_MAP_FILE, MF_KIND_MEMORY_MAP_OUT_OF_RANGE,
  MF_KIND_UNABLE_TO_READ_MEMORY, MF_KIND_INVALID_ARCHITECTURE, MF_KIND_INVALID_MEMORY_SIZE,
  MF_KIND_INVALID_MEMORY_SIZE_UNIT, MF_KIND_UNABLE_TO_LOAD_LIBRARY, MF_KIND_INVALID_EXE_FILE,
  MF_KIND_MEMFLOW_EXPORTS_NOT_FOUND, MF_KIND_VERSION_MISMATCH, MF_KIND_ALREADY_EXISTS,
  MF_KIND_PLUGIN_NOT_FOUND, MF_KIND_TARGET_NOT_FOUND, MF_KIND_INVALID_ABI,
  MF_KIND_UNSUPPORTED_OPTIONAL_FEATURE, MF_KIND_PROCESS_NOT_FOUND, MF_KIND_INVALID_PROCESS_INFO,
  MF_KIND_MODULE_NOT_FOUND, MF_KIND_EXPORT_NOT_FOUND, MF_KIND_IMPORT_NOT_FOUND, MF_KIND_SECTION_NOT_FOUND,
  MF_KIND_UNKNOWN
};

/* The int result plugins return for an error (IntError::into_int_err); 0 is success. */
#define MF_ERROR(origin, kind) \
  ((int32_t)(-(1 + ((((int32_t)(origin) + 1) & 0xfff) << 4) + ((((int32_t)(kind) + 1) & 0xfff) << 16))))

/* ---- cglue's building blocks ---- */

/* CSliceRef<u8> / CSliceMut<u8>: not NUL-terminated. `&str` arguments travel as mf_slice_ref. */
typedef struct { const uint8_t *data; size_t len; } mf_slice_ref;
typedef struct { uint8_t *data; size_t len; } mf_slice_mut;

/* CBox<c_void>: drop_fn(instance) frees the object with its owner's allocator. */
typedef struct { void *instance; void (*drop_fn)(void *instance); } mf_cbox;

/* CArc<c_void>, the library reference; all NULL is None, whose clone is None and drop a no-op. */
typedef struct {
  const void *instance;
  const void *(*clone_fn)(const void *instance);
  void (*drop_fn)(const void *instance);
} mf_carc;

/* An instance's container, what every vtable function gets first: the object, then its library. */
typedef struct { mf_cbox instance; mf_carc context; } mf_container;

/* COption<T>: `value` is meaningful when tag is MF_OPTION_SOME; it sits at T's alignment. */
enum { MF_OPTION_NONE = 0, MF_OPTION_SOME = 1 };
typedef struct { uint32_t tag; bool value; } mf_option_bool;
typedef struct { uint32_t tag; uint32_t value; } mf_option_u32;
typedef struct { uint32_t tag; mf_slice_ref value; } mf_option_slice_ref;

/*
 * CIterator<T>: func writes the next T to *out and returns 0, or returns 1 when there is none
 * (writing nothing). memflow.h declares one per T, differing only in out's type; C here uses this.
 */
typedef struct { void *iter; int32_t (*func)(void *iter, void *out); } mf_iterator;

/* ---- arguments given to create (plugins/args.rs, connector.rs, os.rs) ---- */

/* Two NUL-terminated UTF-8 strings. memflow's ArgEntry is not repr(C), but rustc keeps this order. */
typedef struct { char *key; char *value; } mf_arg_entry;

/* memflow's Args, one CVec<ArgEntry>, laid out as that CVec. drop_fn may be NULL; reserve_fn may
   not, though a plugin never grows the arguments it borrows. */
typedef struct mf_args {
  mf_arg_entry *data;
  size_t len;
  size_t capacity;
  void (*drop_fn)(mf_arg_entry *data, size_t len, size_t capacity);
  size_t (*reserve_fn)(struct mf_args *vec, size_t additional);
} mf_args;

/* ConnectorMiddlewareArgs: sizes are bytes, cache_validity_time milliseconds, delay microseconds. */
typedef struct {
  mf_option_bool cache;
  size_t cache_size;
  uint64_t cache_validity_time;
  size_t cache_page_size;
  uint64_t delay;
  bool metrics;
} mf_middleware_args;

/* target is NULL for None. */
typedef struct { char *target; mf_args extra_args; mf_middleware_args middleware_args; } mf_connector_args;
typedef struct { char *target; mf_args extra_args; } mf_os_args;

/* ---- memory operations (mem/mem_data.rs, mem/phys_mem) ---- */

/* PageType bits. memflow's From<Address> gives UNKNOWN with page_size_log2 0. */
enum {
  MF_PAGE_TYPE_NONE = 0, MF_PAGE_TYPE_UNKNOWN = 1, MF_PAGE_TYPE_PAGE_TABLE = 2, MF_PAGE_TYPE_WRITEABLE = 4,
  MF_PAGE_TYPE_READ_ONLY = 8, MF_PAGE_TYPE_NOEXEC = 16
};
typedef struct { uint64_t address; uint8_t page_type; uint8_t page_size_log2; } mf_physical_address;

/* One request: where, the caller's opaque meta_addr (it identifies the request), the buffer. */
typedef struct { mf_physical_address addr; uint64_t meta_addr; mf_slice_mut data; } mf_physical_read_data;
typedef struct { mf_physical_address addr; uint64_t meta_addr; mf_slice_ref data; } mf_physical_write_data;

/* What a connector reports back for (part of) a request. */
typedef struct { uint64_t meta_addr; mf_slice_mut data; } mf_read_data;
typedef struct { uint64_t meta_addr; mf_slice_ref data; } mf_write_data;

/*
 * OpaqueCallback<T>. Callbacks return bool, as cglue declares them (callback.rs:
 * `extern "C" fn(&mut T, F) -> bool`; memflow.h: `bool (*func)(void*, ReadData)`): false asks
 * the caller to stop. An int-returning function in their place is the wrong type; it works only
 * because callers read just the low byte of the return register.
 */
typedef struct { void *context; bool (*func)(void *context, mf_read_data data); } mf_read_callback;
typedef struct { void *context; bool (*func)(void *context, mf_write_data data); } mf_write_callback;

/* MemOps: requests come from inp (items are mf_physical_read_data / _write_data); out and
   out_fail (either may be NULL) hear which bytes were transferred and which were not. */
typedef struct { mf_iterator inp; mf_read_callback *out; mf_read_callback *out_fail; } mf_read_ops;
typedef struct { mf_iterator inp; mf_write_callback *out; mf_write_callback *out_fail; } mf_write_ops;

typedef struct {
  uint64_t max_address;
  uint64_t real_size;
  bool readonly;
  uint32_t ideal_batch_size; /* requests per call the connector prefers */
} mf_physical_memory_metadata;

typedef struct { uint64_t base; uint64_t size; uint64_t real_base; } mf_physical_memory_mapping;
typedef struct { const mf_physical_memory_mapping *data; size_t len; } mf_mapping_slice;

/* ---- instances (cglue trait groups; plugins/connector.rs, os.rs) ---- */

struct mf_memory_view_vtbl;
struct mf_connector_cpu_state_vtbl;
struct mf_os_vtbl;
struct mf_os_keyboard_vtbl;
struct mf_virtual_translate_vtbl;

/* MemoryViewBase, what phys_view returns. */
typedef struct { const struct mf_memory_view_vtbl *vtbl; mf_container container; } mf_memory_view;

typedef struct { mf_container (*clone)(const mf_container *cont); } mf_clone_vtbl;

/* PhysicalMemory's functions in trait order. Hosts fall back to the raw iterators when the
   view functions are NULL, as the SDK's and the test plugins' are. */
typedef struct {
  int32_t (*phys_read_raw_iter)(mf_container *cont, mf_read_ops ops);
  int32_t (*phys_write_raw_iter)(mf_container *cont, mf_write_ops ops);
  mf_physical_memory_metadata (*metadata)(const mf_container *cont);
  void (*set_mem_map)(mf_container *cont, mf_mapping_slice mappings);
  mf_memory_view (*into_phys_view)(mf_container cont);
  mf_memory_view (*phys_view)(mf_container *cont);
} mf_physical_memory_vtbl;

/* cglue orders a group's vtables mandatory A→Z, then optional A→Z (NULL when not implemented). */
typedef struct {
  const mf_clone_vtbl *vtbl_clone;
  const mf_physical_memory_vtbl *vtbl_physicalmemory;
  const struct mf_connector_cpu_state_vtbl *vtbl_connectorcpustate; /* optional */
  mf_container container;
} mf_connector_instance;

typedef struct {
  const mf_clone_vtbl *vtbl_clone;
  const struct mf_os_vtbl *vtbl_os;
  const struct mf_memory_view_vtbl *vtbl_memoryview;
  const struct mf_os_keyboard_vtbl *vtbl_oskeyboard;             /* optional */
  const mf_physical_memory_vtbl *vtbl_physicalmemory;            /* optional */
  const struct mf_virtual_translate_vtbl *vtbl_virtualtranslate; /* optional */
  mf_container container;
} mf_os_instance;

typedef struct { uint32_t tag; mf_connector_instance value; } mf_option_connector_instance;
typedef struct { uint32_t tag; mf_os_instance value; } mf_option_os_instance;

/* ---- the plugin logger (plugins/logger.rs) ---- */

/* log's LevelFilter; a record's Level is the same numbers without OFF. */
enum { MF_LEVEL_OFF, MF_LEVEL_ERROR, MF_LEVEL_WARN, MF_LEVEL_INFO, MF_LEVEL_DEBUG, MF_LEVEL_TRACE };

typedef struct { size_t level; mf_slice_ref target; } mf_log_metadata;

/* core::fmt through cglue: fmt writes the message into a writer, piece by piece. Each function
   gets a pointer to its object's `instance` field, as cglue passes a container. */
typedef struct { int32_t (*write_str)(void **cont, mf_slice_ref text); } mf_write_vtbl; /* 0 = ok */
typedef struct { const mf_write_vtbl *vtbl; void *instance; } mf_write_mut;
typedef struct { int32_t (*fmt)(const void *const *cont, mf_write_mut *out); } mf_display_vtbl;
typedef struct { const mf_display_vtbl *vtbl; const void *instance; } mf_display_ref;

typedef struct {
  mf_log_metadata metadata;
  mf_display_ref message;
  mf_option_slice_ref module_path;
  mf_option_slice_ref file;
  mf_option_u32 line;
} mf_log_record;

/*
 * Made by the host and never freed. The plugin stores its level-change function in
 * on_level_change when it starts logging (memflow's AtomicPtr<c_void>); the host calls it to
 * change the plugin's level.
 */
typedef struct {
  size_t max_level;
  bool (*enabled)(const mf_log_metadata *metadata);
  void (*log)(const mf_log_record *record);
  void (*flush)(void);
  void (*on_level_change)(size_t level);
} mf_plugin_logger;

/* ---- the descriptor (plugins/mod.rs) ---- */

#define MF_PLUGIN_VERSION 1

/* ReprCString is a char * from the plugin's allocator; the receiver owns it. */
typedef struct { char *name; } mf_target_info;
typedef struct { void *context; bool (*func)(void *context, char *text); } mf_help_callback;
typedef struct { void *context; bool (*func)(void *context, mf_target_info target); } mf_target_callback;

typedef void (*mf_help_fn)(mf_help_callback callback);
typedef int32_t (*mf_target_list_fn)(mf_target_callback callback);

/* CreateFn: args may be NULL (defaults); input and lib are moved into the plugin, which writes
   *out only on success and returns 0, or an MF_ERROR. */
typedef int32_t (*mf_connector_create_fn)(const mf_connector_args *args, mf_option_os_instance input, mf_carc lib,
                                          mf_plugin_logger *logger, mf_connector_instance *out);
typedef int32_t (*mf_os_create_fn)(const mf_os_args *args, mf_option_connector_instance input, mf_carc lib,
                                   mf_plugin_logger *logger, mf_os_instance *out);

/*
 * PluginDescriptor<T>, exported as MEMFLOW_CONNECTOR_<NAME> or MEMFLOW_OS_<NAME>; the export's
 * prefix says which member of `create` is set. input_layout/output_layout point at abi_stable
 * TypeLayouts in Rust plugins and are NULL in C ones.
 */
typedef struct {
  int32_t plugin_version;
  bool accept_input;
  const void *input_layout;
  const void *output_layout;
  mf_slice_ref name;
  mf_slice_ref version;
  mf_slice_ref description;
  mf_help_fn help_callback;               /* optional */
  mf_target_list_fn target_list_callback; /* optional */
  union {
    mf_connector_create_fn connector;
    mf_os_create_fn os;
  } create;
} mf_plugin_descriptor;

/* ---- every size and offset, asserted ---- */

#include "memflow-abi-layout.h"

/* ---- the OS layer: processes, modules, virtual memory (its own asserts at its end) ---- */

#include "memflow-abi-os.h"

#ifdef __cplusplus
}
#endif

#endif /* MEMFLOW_ABI_H */
