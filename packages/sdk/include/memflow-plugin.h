/*
 * memflow-plugin.h: write memflow 0.2 connector plugins in C.
 *
 * Part of @memflow-ts/sdk (MIT). The layouts are memflow 0.2's plugin ABI (plugin_version 1),
 * from memflow-abi.h in @memflow-ts/core's native/ folder (buildPlugin puts both folders on the
 * include path): memflow's Rust types are repr(C), so a plugin built with this header loads in
 * memflow itself and in @memflow-ts/core. An author writes plain functions and one
 * MEMFLOW_CONNECTOR(...) line; the header produces the exported descriptor, the vtables, the
 * read/write iterators with their out/out_fail reporting, clone, drop, help and target-list
 * plumbing.
 *
 *   static void *create(const mf_connector_args *args, int32_t *error);
 *   static int64_t read(void *state, uint64_t address, uint8_t *buffer, uint64_t length);
 *   static const mf_connector_ops ops = { .create = create, .drop = drop, .read = read, ... };
 *   MEMFLOW_CONNECTOR(MYCONN, "myconn", "0.1.0", "what it connects to", ops)
 *
 * `read` and `write` return how many bytes from the start of the range they transferred (the
 * rest is reported to the caller as failed, which is not an error), or a negative memflow error
 * code (MF_ERROR) for a hard failure.
 *
 * OS plugins fill memflow's vtables themselves (memflow-abi-os.h); memflow-os-plugin.h, which
 * includes this header, has the helpers every OS plugin repeats.
 */
#ifndef MEMFLOW_PLUGIN_H
#define MEMFLOW_PLUGIN_H

#include <stdlib.h>
#include <string.h>

/* The ABI's structs, MF_ERROR and MF_EXPORT; @memflow-ts/core's ABI_INCLUDE_DIRECTORY holds it. */
#include "memflow-abi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What an author's metadata function returns: memflow's PhysicalMemoryMetadata. */
typedef mf_physical_memory_metadata mf_metadata;

/* ---- argument accessors ---- */

/* The connector target (`qemu:<target>`), or NULL. */
static inline const char *mf_args_target(const mf_connector_args *args) { return args ? args->target : NULL; }

/* The value of `key` in extra arguments (a connector's or an OS's), or NULL; a bare first value is key "default". */
static inline const char *mf_extra_args_get(const mf_args *extra, const char *key) {
  if (!extra) return NULL;
  for (size_t index = 0; index < extra->len; index++) {
    if (strcmp(extra->data[index].key, key) == 0) return extra->data[index].value;
  }
  return NULL;
}

static inline const char *mf_args_get(const mf_connector_args *args, const char *key) {
  return mf_extra_args_get(args ? &args->extra_args : NULL, key);
}

static inline const char *mf_args_default(const mf_connector_args *args) { return mf_args_get(args, "default"); }

/* Returns a negative error code for the first argument whose key is not in `known` (a
   NULL-terminated list), or 0: memflow's ArgsValidator `ArgNotExists` check. */
static inline int32_t mf_extra_args_check_known(const mf_args *extra, const char *const *known) {
  if (!extra) return 0;
  for (size_t index = 0; index < extra->len; index++) {
    bool found = false;
    for (const char *const *name = known; *name && !found; name++) found = strcmp(*name, extra->data[index].key) == 0;
    if (!found) return MF_ERROR(MF_ORIGIN_ARGS_VALIDATOR, MF_KIND_ARG_NOT_EXISTS);
  }
  return 0;
}

static inline int32_t mf_args_check_known(const mf_connector_args *args, const char *const *known) {
  return mf_extra_args_check_known(args ? &args->extra_args : NULL, known);
}

/* memflow's size syntax (`parse_size`): hex digits and a unit among kb, k, mb, m, gb, g, found
   case-insensitively but trimmed case-sensitively, as memflow does ("10m" = 16 MiB; "4M" fails).
   Returns 0 and the size, or (Connector, InvalidMemorySizeUnit / InvalidMemorySize). */
static inline int32_t mf_parse_size(const char *text, uint64_t *out) {
  static const char *const units[] = { "kb", "k", "mb", "m", "gb", "g" };
  static const uint64_t multipliers[] = { 1024ull, 1024ull, 1048576ull, 1048576ull, 1073741824ull, 1073741824ull };
  size_t length = strlen(text);
  for (size_t unit = 0; unit < 6; unit++) {
    size_t suffix = strlen(units[unit]);
    if (length < suffix) continue;
    bool matches = true;
    for (size_t index = 0; index < suffix && matches; index++) {
      char c = text[length - suffix + index];
      if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
      matches = c == units[unit][index];
    }
    if (!matches) continue;
    size_t end = length;
    while (end >= suffix && strncmp(text + end - suffix, units[unit], suffix) == 0) end -= suffix;
    if (end == 0) return MF_ERROR(MF_ORIGIN_CONNECTOR, MF_KIND_INVALID_MEMORY_SIZE);
    uint64_t value = 0;
    for (size_t index = (text[0] == '+' ? 1 : 0); index < end; index++) {
      char c = text[index];
      uint64_t digit;
      if (c >= '0' && c <= '9') digit = (uint64_t)(c - '0');
      else if (c >= 'a' && c <= 'f') digit = (uint64_t)(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') digit = (uint64_t)(c - 'A' + 10);
      else return MF_ERROR(MF_ORIGIN_CONNECTOR, MF_KIND_INVALID_MEMORY_SIZE);
      if (value > (UINT64_MAX >> 4)) return MF_ERROR(MF_ORIGIN_CONNECTOR, MF_KIND_INVALID_MEMORY_SIZE);
      value = (value << 4) | digit;
    }
    if (text[0] == '+' && end == 1) return MF_ERROR(MF_ORIGIN_CONNECTOR, MF_KIND_INVALID_MEMORY_SIZE);
    if (value > UINT64_MAX / multipliers[unit]) return MF_ERROR(MF_ORIGIN_CONNECTOR, MF_KIND_INVALID_MEMORY_SIZE);
    *out = value * multipliers[unit];
    return 0;
  }
  return MF_ERROR(MF_ORIGIN_CONNECTOR, MF_KIND_INVALID_MEMORY_SIZE_UNIT);
}

/* ---- memory held in a buffer (a connector over RAM, a mapped file) ---- */

/* How many bytes of [address, address + length) lie inside a memory of `size` bytes from 0. */
static inline uint64_t mf_bytes_inside(uint64_t size, uint64_t address, uint64_t length) {
  if (address >= size) return 0;
  return size - address < length ? size - address : length;
}

/* A read from `memory` (`size` bytes): the part inside it is copied; returns how many bytes. */
static inline int64_t mf_memory_read(const uint8_t *memory, uint64_t size, uint64_t address, uint8_t *buffer,
                                     uint64_t length) {
  uint64_t count = mf_bytes_inside(size, address, length);
  memcpy(buffer, memory + address, (size_t)count);
  return (int64_t)count;
}

/* A write into `memory` (`size` bytes): the part inside it is copied; returns how many bytes. */
static inline int64_t mf_memory_write(uint8_t *memory, uint64_t size, uint64_t address, const uint8_t *buffer,
                                      uint64_t length) {
  uint64_t count = mf_bytes_inside(size, address, length);
  memcpy(memory + address, buffer, (size_t)count);
  return (int64_t)count;
}

/* ---- what an author provides ---- */

typedef struct {
  /* Returns the connector's state, or NULL with *error set (MF_ERROR). */
  void *(*create)(const mf_connector_args *args, int32_t *error);
  void (*drop)(void *state);
  /* Bytes transferred from the start of the range, or a negative error code. */
  int64_t (*read)(void *state, uint64_t address, uint8_t *buffer, uint64_t length);
  int64_t (*write)(void *state, uint64_t address, const uint8_t *buffer, uint64_t length); /* optional */
  mf_metadata (*metadata)(void *state);
  /* A deep copy; when NULL, clones share one state, dropped with the last of them. */
  void *(*clone)(void *state);
  const char *(*help)(void);                                                         /* optional */
  /* Calls emit(context, name) per target; returns 0 or an error code. Optional. */
  int32_t (*target_list)(void (*emit)(void *context, const char *name), void *context);
} mf_connector_ops;

/* ---- the generated parts (internal) ---- */

typedef struct { const mf_connector_ops *ops; void *state; int *shares; } mf__instance;

static inline void mf__drop(void *pointer) {
  mf__instance *instance = (mf__instance *)pointer;
  if (instance->shares && --*instance->shares > 0) { free(instance); return; }
  if (instance->ops->drop) instance->ops->drop(instance->state);
  free(instance->shares);
  free(instance);
}

static inline mf_container mf__clone(const mf_container *cont) {
  const mf__instance *source = (const mf__instance *)cont->instance.instance;
  mf__instance *copy = (mf__instance *)malloc(sizeof *copy);
  mf_container result = { { NULL, NULL }, cont->context };
  if (!copy) return result;
  copy->ops = source->ops;
  if (source->ops->clone) {
    copy->state = source->ops->clone(source->state);
    copy->shares = NULL;
    if (!copy->state) { free(copy); return result; }
  } else {
    copy->state = source->state;
    copy->shares = source->shares;
    ++*copy->shares;
  }
  if (cont->context.clone_fn && cont->context.instance) result.context.instance = cont->context.clone_fn(cont->context.instance);
  result.instance.instance = copy;
  result.instance.drop_fn = mf__drop;
  return result;
}

static inline int32_t mf__read(mf_container *cont, mf_read_ops ops) {
  mf__instance *instance = (mf__instance *)cont->instance.instance;
  mf_physical_read_data item;
  while (ops.inp.func(ops.inp.iter, &item) == 0) {
    int64_t done = instance->ops->read(instance->state, item.addr.address, item.data.data, item.data.len);
    if (done < 0) return (int32_t)done;
    if ((uint64_t)done > item.data.len) done = (int64_t)item.data.len;
    if (done > 0 && ops.out) {
      mf_read_data part = { item.meta_addr, { item.data.data, (size_t)done } };
      if (!ops.out->func(ops.out->context, part)) return 0;
    }
    if ((uint64_t)done < item.data.len && ops.out_fail) {
      mf_read_data part = { item.meta_addr + (uint64_t)done, { item.data.data + done, item.data.len - (size_t)done } };
      if (!ops.out_fail->func(ops.out_fail->context, part)) return 0;
    }
  }
  return 0;
}

static inline int32_t mf__write(mf_container *cont, mf_write_ops ops) {
  mf__instance *instance = (mf__instance *)cont->instance.instance;
  mf_physical_write_data item;
  while (ops.inp.func(ops.inp.iter, &item) == 0) {
    int64_t done = instance->ops->write ? instance->ops->write(instance->state, item.addr.address, item.data.data, item.data.len) : 0;
    if (done < 0) return (int32_t)done;
    if ((uint64_t)done > item.data.len) done = (int64_t)item.data.len;
    if (done > 0 && ops.out) {
      mf_write_data part = { item.meta_addr, { item.data.data, (size_t)done } };
      if (!ops.out->func(ops.out->context, part)) return 0;
    }
    if ((uint64_t)done < item.data.len && ops.out_fail) {
      mf_write_data part = { item.meta_addr + (uint64_t)done, { item.data.data + done, item.data.len - (size_t)done } };
      if (!ops.out_fail->func(ops.out_fail->context, part)) return 0;
    }
  }
  return 0;
}

static inline mf_metadata mf__metadata(const mf_container *cont) {
  const mf__instance *instance = (const mf__instance *)cont->instance.instance;
  return instance->ops->metadata(instance->state);
}

static inline void mf__set_mem_map(mf_container *cont, mf_mapping_slice mappings) { (void)cont; (void)mappings; }

static const mf_clone_vtbl mf__clone_vtbl = { mf__clone };
static const mf_physical_memory_vtbl mf__physical_memory_vtbl = {
  mf__read, mf__write, mf__metadata, mf__set_mem_map, NULL, NULL,
};

/* memflow hands the host's optional OS input to every connector; it is dropped unused here. */
static inline void mf__drop_input(mf_option_os_instance *input) {
  if (input->tag != MF_OPTION_SOME) return;
  mf_container *cont = &input->value.container;
  if (cont->instance.drop_fn && cont->instance.instance) cont->instance.drop_fn(cont->instance.instance);
  if (cont->context.drop_fn && cont->context.instance) cont->context.drop_fn(cont->context.instance);
}

/*
 * A connector instance over a state made by the caller (ops->create is not called): how a plugin
 * that needs memory of its own (an OS plugin given no input, say) makes one that behaves as any
 * connector. It owns `state` and `lib` from the call on, and drops them if it fails.
 */
static inline int32_t mf_connector_from_state(const mf_connector_ops *ops, void *state, mf_carc lib,
                                              mf_connector_instance *out) {
  mf__instance *instance = (mf__instance *)malloc(sizeof *instance);
  int *shares = ops->clone ? NULL : (int *)malloc(sizeof(int));
  if (!instance || (!ops->clone && !shares)) {
    free(instance);
    free(shares);
    if (ops->drop) ops->drop(state);
    if (lib.drop_fn && lib.instance) lib.drop_fn(lib.instance);
    return MF_ERROR(MF_ORIGIN_CONNECTOR, MF_KIND_UNKNOWN);
  }
  if (shares) *shares = 1;
  instance->ops = ops;
  instance->state = state;
  instance->shares = shares;
  out->vtbl_clone = &mf__clone_vtbl;
  out->vtbl_physicalmemory = &mf__physical_memory_vtbl;
  out->vtbl_connectorcpustate = NULL;
  out->container.instance.instance = instance;
  out->container.instance.drop_fn = mf__drop;
  out->container.context = lib;
  return 0;
}

static inline int32_t mf__create(const mf_connector_ops *ops, const mf_connector_args *args, mf_option_os_instance input,
                                 mf_carc lib, mf_connector_instance *out) {
  mf__drop_input(&input);
  int32_t error = MF_ERROR(MF_ORIGIN_CONNECTOR, MF_KIND_UNKNOWN);
  void *state = ops->create(args, &error);
  if (!state) {
    if (lib.drop_fn && lib.instance) lib.drop_fn(lib.instance);
    return error < 0 ? error : MF_ERROR(MF_ORIGIN_CONNECTOR, MF_KIND_UNKNOWN);
  }
  return mf_connector_from_state(ops, state, lib, out);
}

/* Strings handed to the host come from malloc, as memflow's Rust host frees them with free(). */
static inline char *mf__copy(const char *text) {
  size_t length = strlen(text);
  char *copy = (char *)malloc(length + 1);
  if (copy) memcpy(copy, text, length + 1);
  return copy;
}

typedef struct { mf_target_callback callback; bool stopped; } mf__emit_context;

static inline void mf__emit(void *context, const char *name) {
  mf__emit_context *emit = (mf__emit_context *)context;
  if (emit->stopped) return;
  mf_target_info target = { mf__copy(name) };
  if (target.name && !emit->callback.func(emit->callback.context, target)) emit->stopped = true;
}

#define MF__TEXT(literal) { (const uint8_t *)(literal), sizeof(literal) - 1 }

/* A const object at file scope has internal linkage in C++: extern "C" exports it unmangled. */
#ifdef __cplusplus
#define MF__DESCRIPTOR extern "C" MF_EXPORT const mf_plugin_descriptor
#else
#define MF__DESCRIPTOR MF_EXPORT const mf_plugin_descriptor
#endif

/*
 * MEMFLOW_CONNECTOR(SYMBOL, "name", "version", "description", ops) exports
 * MEMFLOW_CONNECTOR_<SYMBOL>; SYMBOL must be the name in upper case, as memflow derives it.
 */
#define MEMFLOW_CONNECTOR(SYMBOL, NAME, VERSION, DESCRIPTION, OPS)                                        \
  static int32_t mf__create_##SYMBOL(const mf_connector_args *args, mf_option_os_instance input, mf_carc lib, \
                                     mf_plugin_logger *logger, mf_connector_instance *out) {               \
    (void)logger;                                                                                          \
    return mf__create(&(OPS), args, input, lib, out);                                                      \
  }                                                                                                        \
  static void mf__help_##SYMBOL(mf_help_callback callback) {                                              \
    if (!(OPS).help) return;                                                                               \
    char *text = mf__copy((OPS).help());                                                                   \
    if (text) callback.func(callback.context, text);                                                       \
  }                                                                                                        \
  static int32_t mf__targets_##SYMBOL(mf_target_callback callback) {                                      \
    if (!(OPS).target_list) return 0;                                                                      \
    mf__emit_context emit = { callback, false };                                                           \
    return (OPS).target_list(mf__emit, &emit);                                                             \
  }                                                                                                        \
  /* Positional, so C++ accepts it too: the last brace sets create.connector. */                           \
  MF__DESCRIPTOR MEMFLOW_CONNECTOR_##SYMBOL = {                                                            \
    MF_PLUGIN_VERSION, false, NULL, NULL, MF__TEXT(NAME), MF__TEXT(VERSION), MF__TEXT(DESCRIPTION),        \
    mf__help_##SYMBOL, mf__targets_##SYMBOL, { mf__create_##SYMBOL },                                       \
  }

#ifdef __cplusplus
}
#endif

#endif /* MEMFLOW_PLUGIN_H */
