/*
 * memflow-os-plugin.h: helpers for memflow 0.2 OS plugins in C.
 *
 * Part of @memflow-ts/sdk (MIT). An OS plugin fills memflow's vtables itself (the types are in
 * memflow-abi-os.h, through memflow-abi.h); these helpers are what every OS plugin repeats:
 * library references, containers, ProcessInfo strings, names given as slices, and a
 * PhysicalMemory passed through from the input connector. It includes memflow-plugin.h, for the
 * argument helpers (mf_extra_args_get, mf_extra_args_check_known, mf_parse_size).
 */
#ifndef MEMFLOW_OS_PLUGIN_H
#define MEMFLOW_OS_PLUGIN_H

#include "memflow-plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A container's context is a reference on the plugin library, which keeps it loaded: every
   object handed to the host holds one, cloned from the object it came from. */
static inline mf_carc mf_lib_clone(mf_carc lib) {
  if (lib.instance && lib.clone_fn) lib.instance = lib.clone_fn(lib.instance);
  return lib;
}

static inline void mf_lib_drop(mf_carc lib) {
  if (lib.instance && lib.drop_fn) lib.drop_fn(lib.instance);
}

/* Drops what a container owns: its instance, then its library reference. */
static inline void mf_container_drop(mf_container container) {
  if (container.instance.instance && container.instance.drop_fn) container.instance.drop_fn(container.instance.instance);
  mf_lib_drop(container.context);
}

/* What a clone entry returns: `instance` with a clone of `lib`, or, for a NULL instance (the copy
   failed), the empty container that tells the host so. */
static inline mf_container mf_container_new(void *instance, void (*drop_fn)(void *instance), mf_carc lib) {
  mf_container container;
  memset(&container, 0, sizeof container);
  if (!instance) return container;
  container.instance.instance = instance;
  container.instance.drop_fn = drop_fn;
  container.context = mf_lib_clone(lib);
  return container;
}

/* Frees a ProcessInfo's strings: one the plugin made, or one it was handed by value. */
static inline void mf_process_info_free(mf_process_info *info) {
  free(info->name);
  free(info->path);
  free(info->command_line);
}

/* Whether a name the host passed (a slice, not NUL-terminated) is `text`. */
static inline bool mf_slice_is(mf_slice_ref slice, const char *text) {
  return strlen(text) == slice.len && memcmp(text, slice.data, slice.len) == 0;
}

/*
 * MF_FORWARD_PHYSICAL_MEMORY(VTBL, INPUT_OF) defines `VTBL`, a PhysicalMemory vtable whose entries
 * call the input connector's: INPUT_OF(const mf_container *) returns the OS's mf_connector_instance *.
 * An OS that offers it can end a chain that reads physical memory (`-c dummy -o myos`).
 */
#define MF_FORWARD_PHYSICAL_MEMORY(VTBL, INPUT_OF)                                                         \
  static int32_t VTBL##_read(mf_container *cont, mf_read_ops ops) {                                          \
    mf_connector_instance *input = INPUT_OF(cont);                                                         \
    return input->vtbl_physicalmemory->phys_read_raw_iter(&input->container, ops);                         \
  }                                                                                                        \
  static int32_t VTBL##_write(mf_container *cont, mf_write_ops ops) {                                        \
    mf_connector_instance *input = INPUT_OF(cont);                                                         \
    return input->vtbl_physicalmemory->phys_write_raw_iter(&input->container, ops);                        \
  }                                                                                                        \
  static mf_physical_memory_metadata VTBL##_metadata(const mf_container *cont) {                             \
    mf_connector_instance *input = INPUT_OF(cont);                                                         \
    return input->vtbl_physicalmemory->metadata(&input->container);                                        \
  }                                                                                                        \
  static void VTBL##_set_mem_map(mf_container *cont, mf_mapping_slice mappings) {                            \
    mf_connector_instance *input = INPUT_OF(cont);                                                         \
    input->vtbl_physicalmemory->set_mem_map(&input->container, mappings);                                  \
  }                                                                                                        \
  /* The view entries stay NULL: hosts build views on the raw iterators. */                                \
  static const mf_physical_memory_vtbl VTBL = { VTBL##_read, VTBL##_write, VTBL##_metadata,               \
                                                VTBL##_set_mem_map, NULL, NULL }

#ifdef __cplusplus
}
#endif

#endif /* MEMFLOW_OS_PLUGIN_H */
