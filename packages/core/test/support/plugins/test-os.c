/*
 * testos: an OS plugin with memflow 0.2's exact ABI (memflow-abi.h) for core's tests. Its
 * contract, every value the tests may rely on, is test-os.md beside this file; this file creates
 * the OS and includes the rest.
 *
 * One translation unit made of the files in test-os/, one concept each (processes, modules,
 * translation, virtual memory, the Process, Os and keyboard vtables): they share static
 * helpers and data, so the plugin exports only its descriptor and counters, and the tests build
 * it as any other test plugin, `buildTestPlugin(directory, "test-os.c", …)` with one source.
 * `-DTESTOS_MINIMAL` builds `testosmin`, in which every optional vtable is NULL.
 */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "memflow-abi.h"

#include "test-os/translation.c"
#include "test-os/objects.c"
#include "test-os/processes.c"
#include "test-os/modules.c"
#include "test-os/memory-view.c"
#include "test-os/virtual-translate.c"
#include "test-os/process-vtable.c"
#include "test-os/keyboard.c"
#include "test-os/os-vtable.c"

/* ---- log=thread: one record from a thread of the plugin's own, as Rust plugins' threads log ---- */

static int32_t message_fmt(const void *const *cont, mf_write_mut *out) {
  mf_slice_ref text = { *cont, strlen(*cont) };
  return out->vtbl->write_str(&out->instance, text);
}

static const mf_display_vtbl message_vtbl = { message_fmt };

static void *log_started(void *context) {
  const mf_plugin_logger *logger = context;
  static const char target[] = "testos";
  mf_log_record record = {
    .metadata = { MF_LEVEL_INFO, { (const uint8_t *)target, sizeof target - 1 } },
    .message = { &message_vtbl, "testos started on its own thread" },
  };
  if (logger->enabled(&record.metadata)) logger->log(&record);
  return NULL;
}

/* ---- read=thread: one byte of the input read on a thread of the plugin's own ---- */

typedef struct { mf_connector_instance *connector; uint8_t byte; bool given, read; } ThreadRead;

static int32_t first_byte(void *iter, void *out) {
  ThreadRead *job = iter;
  if (job->given) return 1;
  job->given = true;
  mf_physical_read_data request = { { 0, MF_PAGE_TYPE_UNKNOWN, 0 }, 0, { &job->byte, 1 } };
  memcpy(out, &request, sizeof request);
  return 0;
}

static bool byte_read(void *context, mf_read_data data) {
  (void)data;
  ((ThreadRead *)context)->read = true;
  return true;
}

static void *read_on_thread(void *context) {
  ThreadRead *job = context;
  mf_read_callback out = { job, byte_read };
  mf_read_ops ops = { { job, first_byte }, &out, NULL };
  job->connector->vtbl_physicalmemory->phys_read_raw_iter(&job->connector->container, ops);
  return NULL;
}

/* ---- create ---- */

typedef struct {
  uint64_t processes;
  bool log_thread;
  bool read_thread;
} Options;

/* processes=<decimal>, log=thread and read=thread; other keys are not the plugin's and are ignored. */
static int32_t parse_options(const mf_os_args *args, Options *options) {
  memset(options, 0, sizeof *options);
  for (size_t index = 0; args && index < args->extra_args.len; index++) {
    const mf_arg_entry *entry = &args->extra_args.data[index];
    if (strcmp(entry->key, "processes") == 0) {
      char *end;
      errno = 0;
      options->processes = strtoull(entry->value, &end, 10);
      if (*entry->value < '0' || *entry->value > '9' || *end != 0 || errno != 0)
        return MF_ERROR(MF_ORIGIN_ARGS_VALIDATOR, MF_KIND_ARG_VALIDATION);
    } else if (strcmp(entry->key, "log") == 0) {
      if (strcmp(entry->value, "thread") != 0) return MF_ERROR(MF_ORIGIN_ARGS_VALIDATOR, MF_KIND_ARG_VALIDATION);
      options->log_thread = true;
    } else if (strcmp(entry->key, "read") == 0) {
      if (strcmp(entry->value, "thread") != 0) return MF_ERROR(MF_ORIGIN_ARGS_VALIDATOR, MF_KIND_ARG_VALIDATION);
      options->read_thread = true;
    }
  }
  return 0;
}

/* Like a Rust plugin, create owns `input` and `lib` from the call on: a failure drops them. */
static int32_t create(const mf_os_args *args, mf_option_connector_instance input, mf_carc lib, mf_plugin_logger *logger,
                      mf_os_instance *out) {
  Options options;
  int32_t invalid = input.tag != MF_OPTION_SOME ? MF_ERROR(MF_ORIGIN_ARGS_VALIDATOR, MF_KIND_ARG_NOT_EXISTS)
                                                : parse_options(args, &options);
  if (invalid != 0) {
    if (input.tag == MF_OPTION_SOME) connector_drop(&input.value);
    carc_drop(lib);
    return invalid;
  }
  if (options.log_thread && logger) {
    pthread_t thread;
    if (pthread_create(&thread, NULL, log_started, logger) == 0) pthread_join(thread, NULL);
  }
  if (options.read_thread) {
    ThreadRead job = { &input.value, 0, false, false };
    pthread_t thread;
    if (pthread_create(&thread, NULL, read_on_thread, &job) == 0) pthread_join(thread, NULL);
    if (!job.read) {
      connector_drop(&input.value);
      carc_drop(lib);
      return MF_ERROR(MF_ORIGIN_CONNECTOR, MF_KIND_UNABLE_TO_READ_MEMORY);
    }
  }
  TestOs *os = calloc(1, sizeof *os);
  os->space.os = os;
  os->space.kernel = true;
  os->space.table = kernel_table();
  os->space.arch_bits = 64;
  os->connector = input.value;
  mf_os_info info = { 0xfffff80000000000, 0x800000, arch_x86(64) };
  os->info = info;
  os->generated = options.processes;
  live_os++;
  memset(out, 0, sizeof *out);
  out->vtbl_clone = &clone_vtbl;
  out->vtbl_os = &os_vtbl;
  out->vtbl_memoryview = OPTIONAL_VTBL(&memory_view_vtbl);
  out->vtbl_oskeyboard = OPTIONAL_VTBL(&os_keyboard_vtbl);
  out->vtbl_physicalmemory = OPTIONAL_VTBL(&physical_memory_vtbl);
  out->vtbl_virtualtranslate = OPTIONAL_VTBL(&virtual_translate_vtbl);
  out->container.instance.instance = os;
  out->container.instance.drop_fn = os_drop;
  out->container.context = lib;
  return 0;
}

#define TEXT(literal) { (const uint8_t *)(literal), sizeof(literal) - 1 }

#ifdef TESTOS_MINIMAL
MF_EXPORT const mf_plugin_descriptor MEMFLOW_OS_TESTOSMIN = {
  MF_PLUGIN_VERSION, true, NULL, NULL, TEXT("testosmin"), TEXT("0.9.0"),
  TEXT("OS plugin for core's tests, without its optional vtables"), NULL, NULL, { .os = create },
};
#else
MF_EXPORT const mf_plugin_descriptor MEMFLOW_OS_TESTOS = {
  MF_PLUGIN_VERSION, true, NULL, NULL, TEXT("testos"), TEXT("0.9.0"), TEXT("OS plugin for core's tests"), NULL, NULL,
  { .os = create },
};
#endif
