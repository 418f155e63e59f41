/*
 * myos: a memflow OS plugin (MEMFLOW_OS_MYOS) over an input connector. Its "OS" is a table of
 * `procs` processes, each owning an equal slice of physical memory that it sees, virtually, from
 * MYOS_IMAGE_BASE on. Replace the table (objects.c) with structures read from the target's
 * memory and the translation (memory.c) with its page-table walk; keep the entries' contracts:
 *   - every call returns 0 or MF_ERROR(origin, kind) with memflow's error for the case;
 *   - every string handed to the host is malloc'd (strdup) and freed by the host with free();
 *   - `into_*` entries and a failing create own what they were given and drop it.
 *
 * One translation unit made of the files in myos/ (they share static helpers), so the library
 * exports only its descriptor.
 */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include <stdio.h>
#include "memflow-os-plugin.h"

#include "myos/objects.c"
#include "myos/memory.c"
#include "myos/translate.c"
#include "myos/process.c"
#include "myos/os.c"

#define MYOS_MAX_PROCESSES 64u

static const char *const known_arguments[] = { "procs", NULL };

/* procs=<1..64>, decimal (default 2). */
static int32_t parse_procs(const mf_os_args *args, uint64_t *procs) {
  const mf_args *extra = args ? &args->extra_args : NULL;
  int32_t error = mf_extra_args_check_known(extra, known_arguments);
  if (error != 0) return error;
  const char *text = mf_extra_args_get(extra, "procs");
  char *end = NULL;
  *procs = text ? strtoull(text, &end, 10) : 2;
  if (text && (*text < '0' || *text > '9' || *end != 0)) *procs = 0;
  return *procs >= 1 && *procs <= MYOS_MAX_PROCESSES ? 0 : MF_ERROR(MF_ORIGIN_ARGS_VALIDATOR, MF_KIND_ARG_VALIDATION);
}

/* The process table: process i has pid 100 + i and the i-th slice of physical memory. */
static int32_t build_table(OsObject *os, uint64_t procs) {
  uint64_t real_size = os->connector.vtbl_physicalmemory->metadata(&os->connector.container).real_size;
  uint64_t slice = real_size / procs & ~(MYOS_PAGE - 1);
  if (slice == 0) return MF_ERROR(MF_ORIGIN_OS_LAYER, MF_KIND_INVALID_MEMORY_SIZE);
  os->rows = calloc(procs, sizeof *os->rows);
  if (!os->rows) return MYOS_FAILED;
  os->count = procs;
  for (uint64_t index = 0; index < procs; index++) {
    Row *row = &os->rows[index];
    row->pid = (uint32_t)(100 + index);
    snprintf(row->name, sizeof row->name, "proc%u", (unsigned)index);
    row->address = MYOS_TABLE + index * 0x100;
    row->phys_base = index * slice;
    row->size = slice;
  }
  View kernel = { os, 0, 0, real_size };
  os->view = kernel;
  mf_os_info info = { 0, real_size, myos_arch };
  os->info = info;
  return 0;
}

/* Like a Rust plugin, create owns `input` and `lib` from the call on: a failure drops them. */
static int32_t myos_create(const mf_os_args *args, mf_option_connector_instance input, mf_carc lib,
                           mf_plugin_logger *logger, mf_os_instance *out) {
  (void)logger;
  uint64_t procs = 0;
  int32_t error = input.tag == MF_OPTION_SOME ? parse_procs(args, &procs)
                                              : MF_ERROR(MF_ORIGIN_OS_LAYER, MF_KIND_CONFIGURATION); /* no input */
  OsObject *os = error == 0 ? calloc(1, sizeof *os) : NULL;
  if (error == 0 && !os) error = MYOS_FAILED;
  if (error == 0) {
    os->connector = input.value;
    error = build_table(os, procs);
    if (error != 0) os_free(os); /* drops the connector with it */
  } else if (input.tag == MF_OPTION_SOME) {
    mf_container_drop(input.value.container);
  }
  if (error != 0) {
    mf_lib_drop(lib);
    return error;
  }
  /* Required: clone, Os, MemoryView. Optional (NULL when not offered): keyboard, PhysicalMemory, VirtualTranslate. */
  mf_os_instance instance = { &os_clone_vtbl, &os_vtbl, &view_vtbl, NULL, &os_physical_vtbl, &translate_vtbl,
                              { { os, os_free }, lib } };
  *out = instance;
  return 0;
}

static void myos_help(mf_help_callback callback) {
  char *text = strdup("myos: processes in equal slices of the input connector's memory\n"
                      "procs: how many processes, 1 to 64 (default 2)");
  if (text) callback.func(callback.context, text); /* the host frees it */
}

#define TEXT(literal) { (const uint8_t *)(literal), sizeof(literal) - 1 }

/* memflow finds an OS plugin by this export: MEMFLOW_OS_ and the name in upper case. */
MF_EXPORT const mf_plugin_descriptor MEMFLOW_OS_MYOS = {
  MF_PLUGIN_VERSION, true, NULL, NULL, TEXT("myos"), TEXT("0.1.0"), TEXT("myos: an example OS plugin"), myos_help,
  NULL, { .os = myos_create },
};
