/*
 * The dummy OS plugin (MEMFLOW_OS_DUMMY, name "dummy"): processes whose virtual memory is mapped
 * by genuine x86-64 4-level page tables (4 KiB, 2 MiB and 1 GiB pages) written into physical
 * memory, laid out from a seed. Its contract, what users and tests may rely on, is dummy-os.md
 * beside this file.
 *
 * Physical memory is the input connector's, read and written through its vtable; given no input,
 * the plugin makes its own from the dummy connector's memory (dummy-memory.h) of `size` bytes.
 *
 * One translation unit made of the files in dummy-os/, one concept each; they share static
 * helpers, so the library exports only its descriptor.
 */
#define _POSIX_C_SOURCE 200809L /* strdup and strnlen, under -std=c11 without _DEFAULT_SOURCE too */
#include "dummy-memory.h"
#include "memflow-os-plugin.h"

#include "dummy-os/random.c"
#include "dummy-os/physical.c"
#include "dummy-os/page-tables.c"
#include "dummy-os/layout.c"
#include "dummy-os/objects.c"
#include "dummy-os/memory-view.c"
#include "dummy-os/translate.c"
#include "dummy-os/modules.c"
#include "dummy-os/process.c"
#include "dummy-os/os.c"

#define BAD_ARGUMENT MF_ERROR(MF_ORIGIN_ARGS_VALIDATOR, MF_KIND_ARG_VALIDATION)
#define MAX_PROCESSES 4096u

typedef struct {
  uint64_t size; /* 0: all of the input's memory */
  uint64_t processes;
  uint64_t seed;
} Options;

/* A whole decimal number, or hex after 0x; false for anything else or an overflow. */
static bool parse_number(const char *text, uint64_t *out) {
  int base = (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) ? 16 : 10;
  const char *digits = base == 16 ? text + 2 : text;
  if (*digits == 0) return false;
  uint64_t value = 0;
  for (const char *at = digits; *at; at++) {
    char c = *at;
    uint64_t digit;
    if (c >= '0' && c <= '9') digit = (uint64_t)(c - '0');
    else if (base == 16 && c >= 'a' && c <= 'f') digit = (uint64_t)(c - 'a' + 10);
    else if (base == 16 && c >= 'A' && c <= 'F') digit = (uint64_t)(c - 'A' + 10);
    else return false;
    if (value > (UINT64_MAX - digit) / (uint64_t)base) return false;
    value = value * (uint64_t)base + digit;
  }
  *out = value;
  return true;
}

static const char *const os_known_arguments[] = { "size", "procs", "seed", NULL };

static int32_t parse_options(const mf_os_args *args, Options *options) {
  const mf_args *extra = args ? &args->extra_args : NULL;
  int32_t error = mf_extra_args_check_known(extra, os_known_arguments);
  if (error != 0) return error;
  const char *size = mf_extra_args_get(extra, "size");
  const char *procs = mf_extra_args_get(extra, "procs");
  const char *seed = mf_extra_args_get(extra, "seed");
  options->size = 0;
  if (size && (error = mf_parse_size(size, &options->size)) != 0) return error;
  options->processes = 1;
  if (procs && (!parse_number(procs, &options->processes) || options->processes > MAX_PROCESSES)) return BAD_ARGUMENT;
  options->seed = 1;
  if (seed && !parse_number(seed, &options->seed)) return BAD_ARGUMENT;
  return 0;
}

/* The physical memory: the input's (`size`, when given, must fit in it), else the plugin's own of `size` (default 2m). */
static int32_t open_memory(mf_option_connector_instance input, Options *options, mf_connector_instance *connector) {
  if (input.tag == MF_OPTION_SOME) {
    *connector = input.value;
    uint64_t available = physical_metadata(connector).real_size;
    if (options->size > available) return BAD_ARGUMENT;
    if (options->size == 0) options->size = available;
    return 0;
  }
  if (options->size == 0) options->size = MIB2; /* memflow dummy's default, "2m" */
  int32_t error = 0;
  dummy *memory = dummy_allocate(options->size, &error);
  if (!memory) return error;
  mf_carc none = { NULL, NULL, NULL };
  return mf_connector_from_state(&dummy_ops, memory, none, connector);
}

/* Lays out the OS in its connector's memory: 0, or the error that stops it. */
static int32_t os_build(DummyOs *os, const Options *options) {
  os->processes = calloc(options->processes ? options->processes : 1, sizeof *os->processes);
  if (!os->processes) return MF_ERROR(MF_ORIGIN_OS_LAYER, MF_KIND_UNKNOWN);
  return build_layout(&os->connector, options->size, options->seed, &os->kernel, os->processes, options->processes);
}

/* As a Rust plugin, create owns `input` and `lib` from the call on: a failure drops them. */
static int32_t dummy_os_create(const mf_os_args *args, mf_option_connector_instance input, mf_carc lib,
                               mf_plugin_logger *logger, mf_os_instance *out) {
  (void)logger;
  Options options;
  int32_t error = parse_options(args, &options);
  DummyOs *os = calloc(1, sizeof *os);
  if (error == 0 && !os) error = MF_ERROR(MF_ORIGIN_OS_LAYER, MF_KIND_UNKNOWN);
  if (error != 0) {
    if (input.tag == MF_OPTION_SOME) connector_drop(&input.value);
    free(os);
    mf_lib_drop(lib);
    return error;
  }
  /* open_memory moves the input into os->connector even when it fails; its own memory only on success. */
  error = open_memory(input, &options, &os->connector);
  bool owns_connector = error == 0 || input.tag == MF_OPTION_SOME;
  if (error == 0) error = os_build(os, &options);
  if (error != 0) {
    if (owns_connector) connector_drop(&os->connector);
    free(os->processes);
    free(os);
    mf_lib_drop(lib);
    return error;
  }
  os->seed = options.seed;
  os->process_count = options.processes;
  View kernel = { os, &os->kernel, os->kernel.dtb };
  os->view = kernel;
  const Module *image = &os->kernel.modules[0];
  mf_os_info info = { image->base, image->size, x86_64 };
  os->info = info;
  /* Every optional part but the keyboard: physical memory, and the kernel's virtual memory and translation. */
  mf_os_instance instance = { &os_clone_vtbl,    &os_vtbl,       &view_vtbl, NULL, &os_physical_vtbl,
                              &translate_vtbl, { { os, os_free }, lib } };
  *out = instance;
  return 0;
}

static void dummy_os_help(mf_help_callback callback) {
  char *text = strdup(
      "dummy: an OS of seeded processes mapped by x86-64 page tables, over the input connector or memory of its own\n"
      "size: the physical memory to lay out in, memflow's size syntax (default: all of the input, or 2m of its own)\n"
      "procs: how many processes, decimal (default 1)\n"
      "seed: the layout's seed, decimal or 0x hex (default 1)");
  if (text) callback.func(callback.context, text);
}

#define TEXT(literal) { (const uint8_t *)(literal), sizeof(literal) - 1 }

MF_EXPORT const mf_plugin_descriptor MEMFLOW_OS_DUMMY = {
  MF_PLUGIN_VERSION,  true, NULL, NULL, TEXT("dummy"), TEXT("0.2.4"),
  TEXT("dummy OS for testing: seeded processes mapped by x86-64 page tables"), dummy_os_help, NULL,
  { .os = dummy_os_create },
};
