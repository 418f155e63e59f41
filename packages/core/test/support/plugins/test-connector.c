/*
 * A connector plugin with memflow 0.2's exact ABI, for core's tests: memory of `size` bytes
 * (hex, optional k/m suffix), help text, two targets, argument validation, clone/drop counting.
 * An OS given as input (a nested chain, `-o testos -c testmem`) is owned, as memflow's connectors
 * own theirs, and dropped with the last clone; its memory is not used, unless proc=<name> says
 * to serve a process's virtual memory instead (test-connector/process-input.c). quiet=<hex> makes
 * it break memflow's contract for a read at exactly that address: neither read nor reported.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "memflow-abi.h"

typedef struct {
  uint8_t *bytes;
  uint64_t size;
  int *shares; /* clones share the bytes */
  mf_os_instance *input; /* the OS given to create, or NULL; shared with the bytes */
  mf_into_process_instance *process; /* proc=<name>: the process served instead of the bytes, or NULL */
  uint64_t quiet; /* quiet=<hex>: a read at this address is skipped, unreported (UINT64_MAX: none) */
} Memory;

static int live_instances;
static char last_target[256];
static int64_t last_middleware[6];
static int last_input_tag = -1;
static const void *last_logger;

int testmem_live_instances(void) { return live_instances; }
const char *testmem_last_target(void) { return last_target; }
int64_t testmem_last_middleware(int index) { return last_middleware[index]; }
int testmem_last_input_tag(void) { return last_input_tag; }
const void *testmem_last_logger(void) { return last_logger; }

/* ---- logging through the host's PluginLogger, as the log crate does in a Rust plugin ---- */

static const mf_plugin_logger *host_logger;
static int64_t plugin_level = -1;

int64_t testmem_plugin_level(void) { return plugin_level; }

static void on_level_change(size_t level) { plugin_level = (int64_t)level; }

/* A record's message: its instance is the text itself. */
static int32_t message_fmt(const void *const *cont, mf_write_mut *out) {
  const char *text = *cont;
  mf_slice_ref slice = { (const uint8_t *)text, strlen(text) };
  return out->vtbl->write_str(&out->instance, slice);
}

static const mf_display_vtbl message_vtbl = { message_fmt };

static void plugin_log(size_t level, const char *text, uint32_t line) {
  if (!host_logger) return;
  static const char target[] = "testmem";
  static const char module[] = "testmem::plugin";
  static const char file[] = "test-connector.c";
  mf_log_record record;
  memset(&record, 0, sizeof record);
  record.metadata.level = level;
  record.metadata.target.data = (const uint8_t *)target;
  record.metadata.target.len = sizeof target - 1;
  if (!host_logger->enabled(&record.metadata)) return;
  record.message.vtbl = &message_vtbl;
  record.message.instance = text;
  record.module_path.tag = MF_OPTION_SOME;
  record.module_path.value.data = (const uint8_t *)module;
  record.module_path.value.len = sizeof module - 1;
  record.file.tag = MF_OPTION_SOME;
  record.file.value.data = (const uint8_t *)file;
  record.file.value.len = sizeof file - 1;
  record.line.tag = MF_OPTION_SOME;
  record.line.value = line;
  host_logger->log(&record);
}

static void *log_from_thread(void *unused) {
  (void)unused;
  plugin_log(MF_LEVEL_WARN, "hello from a plugin thread", __LINE__);
  return NULL;
}

/* As memflow drops a container: the instance, then its context. */
static void drop_container(mf_container *cont) {
  if (cont->instance.instance && cont->instance.drop_fn) cont->instance.drop_fn(cont->instance.instance);
  if (cont->context.instance && cont->context.drop_fn) cont->context.drop_fn(cont->context.instance);
}

#include "test-connector/process-input.c"

static void memory_drop(void *instance) {
  Memory *memory = instance;
  if (--*memory->shares == 0) {
    free(memory->bytes);
    free(memory->shares);
    if (memory->input) {
      drop_container(&memory->input->container);
      free(memory->input);
    }
    if (memory->process) close_process(memory->process);
  }
  free(memory);
  live_instances--;
}

static mf_container memory_clone(const mf_container *cont);
static int32_t memory_read(mf_container *cont, mf_read_ops ops);
static int32_t memory_write(mf_container *cont, mf_write_ops ops);
static mf_physical_memory_metadata memory_metadata(const mf_container *cont);
static void memory_set_mem_map(mf_container *cont, mf_mapping_slice mappings) { (void)cont; (void)mappings; }

static const mf_clone_vtbl clone_vtbl = { memory_clone };
static const mf_physical_memory_vtbl physical_memory_vtbl = {
  memory_read, memory_write, memory_metadata, memory_set_mem_map, NULL, NULL,
};

static mf_container memory_clone(const mf_container *cont) {
  const Memory *source = cont->instance.instance;
  Memory *copy = malloc(sizeof *copy);
  *copy = *source;
  ++*copy->shares;
  live_instances++;
  mf_container result = { { copy, memory_drop }, cont->context };
  return result;
}

static int32_t memory_read(mf_container *cont, mf_read_ops ops) {
  Memory *memory = cont->instance.instance;
  if (memory->process) return process_read(memory->process, ops);
  mf_physical_read_data item;
  while (ops.inp.func(ops.inp.iter, &item) == 0) {
    uint64_t address = item.addr.address;
    uint64_t length = item.data.len;
    if (address == memory->quiet) continue;
    uint64_t inside = address >= memory->size ? 0 : (memory->size - address < length ? memory->size - address : length);
    if (inside > 0) {
      memcpy(item.data.data, memory->bytes + address, inside);
      mf_read_data ok = { item.meta_addr, { item.data.data, inside } };
      if (ops.out && !ops.out->func(ops.out->context, ok)) return 0;
    }
    if (inside < length) {
      mf_read_data failed = { item.meta_addr + inside, { item.data.data + inside, length - inside } };
      if (ops.out_fail && !ops.out_fail->func(ops.out_fail->context, failed)) return 0;
    }
  }
  return 0;
}

static int32_t memory_write(mf_container *cont, mf_write_ops ops) {
  Memory *memory = cont->instance.instance;
  if (memory->process) return process_write(memory->process, ops);
  mf_physical_write_data item;
  while (ops.inp.func(ops.inp.iter, &item) == 0) {
    uint64_t address = item.addr.address;
    uint64_t length = item.data.len;
    uint64_t inside = address >= memory->size ? 0 : (memory->size - address < length ? memory->size - address : length);
    if (inside > 0) {
      memcpy(memory->bytes + address, item.data.data, inside);
      mf_write_data ok = { item.meta_addr, { item.data.data, inside } };
      if (ops.out && !ops.out->func(ops.out->context, ok)) return 0;
    }
    if (inside < length) {
      mf_write_data failed = { item.meta_addr + inside, { item.data.data + inside, length - inside } };
      if (ops.out_fail && !ops.out_fail->func(ops.out_fail->context, failed)) return 0;
    }
  }
  return 0;
}

static mf_physical_memory_metadata memory_metadata(const mf_container *cont) {
  const Memory *memory = cont->instance.instance;
  if (memory->process) return process_metadata(memory->process);
  mf_physical_memory_metadata metadata = { memory->size - 1, memory->size, false, 0xffffffffu };
  return metadata;
}

static bool parse_size(const char *text, uint64_t *out) {
  char *end;
  uint64_t value = strtoull(text, &end, 16);
  if (end == text) return false;
  if (*end == 'k') value *= 1024, end++;
  else if (*end == 'm') value *= 1024 * 1024, end++;
  if (*end != 0) return false;
  *out = value;
  return true;
}

static int32_t create(const mf_connector_args *args, mf_option_os_instance input, mf_carc lib, mf_plugin_logger *logger,
                      mf_connector_instance *out) {
  uint64_t size = 0x10000;
  uint64_t quiet = UINT64_MAX;
  int fill = 0;
  int join_log_thread = 0;
  size_t long_log = 0;
  const char *process_name = NULL;
  bool process_read_thread = false;
  bool process_survey = false;
  last_input_tag = (int)input.tag;
  last_logger = logger;
  if (logger) {
    host_logger = logger;
    /* The plugin side of memflow's logger: register for level changes, as PluginLogger::init does. */
    logger->on_level_change = on_level_change;
    plugin_level = (int64_t)logger->max_level;
  }
  last_target[0] = 0;
  if (args) {
    if (args->target) strncpy(last_target, args->target, sizeof last_target - 1);
    const mf_middleware_args *middleware = &args->middleware_args;
    last_middleware[0] = middleware->cache.tag ? (middleware->cache.value ? 1 : 0) : -1;
    last_middleware[1] = (int64_t)middleware->cache_size;
    last_middleware[2] = (int64_t)middleware->cache_validity_time;
    last_middleware[3] = (int64_t)middleware->cache_page_size;
    last_middleware[4] = (int64_t)middleware->delay;
    last_middleware[5] = middleware->metrics;
    for (size_t index = 0; index < args->extra_args.len; index++) {
      const mf_arg_entry *entry = &args->extra_args.data[index];
      if (strcmp(entry->key, "size") == 0) {
        if (!parse_size(entry->value, &size) || size == 0) {
          if (input.tag == MF_OPTION_SOME) drop_container(&input.value.container);
          return MF_ERROR(MF_ORIGIN_CONNECTOR, MF_KIND_INVALID_MEMORY_SIZE);
        }
      } else if (strcmp(entry->key, "quiet") == 0) {
        quiet = strtoull(entry->value, NULL, 16);
      } else if (strcmp(entry->key, "fill") == 0) {
        fill = (int)strtol(entry->value, NULL, 16);
      } else if (strcmp(entry->key, "long_log") == 0) {
        /* Logs one warning of this many bytes, before the usual records. */
        long_log = (size_t)strtoull(entry->value, NULL, 10);
      } else if (strcmp(entry->key, "proc") == 0) {
        process_name = entry->value;
      } else if (strcmp(entry->key, "proc_read") == 0 && strcmp(entry->value, "thread") == 0) {
        process_read_thread = true;
      } else if (strcmp(entry->key, "proc_survey") == 0) {
        process_survey = true;
      } else if (strcmp(entry->key, "join_log_thread") == 0) {
        /* Waits for the logging thread before returning: its record is queued when create returns. */
        join_log_thread = 1;
      } else {
        if (input.tag == MF_OPTION_SOME) drop_container(&input.value.container);
        return MF_ERROR(MF_ORIGIN_ARGS_VALIDATOR, MF_KIND_ARG_NOT_EXISTS);
      }
    }
  }
  mf_into_process_instance *process = NULL;
  if (process_name) {
    int32_t opened = open_process(&input, process_name, process_read_thread, process_survey, &process);
    if (opened != 0) return opened;
  }
  Memory *memory = malloc(sizeof *memory);
  memory->process = process;
  memory->bytes = malloc(size);
  memset(memory->bytes, fill, size);
  memory->size = size;
  memory->quiet = quiet;
  memory->shares = malloc(sizeof *memory->shares);
  *memory->shares = 1;
  memory->input = NULL;
  if (input.tag == MF_OPTION_SOME) {
    memory->input = malloc(sizeof *memory->input);
    *memory->input = input.value;
  }
  live_instances++;
  if (long_log) {
    char *text = malloc(long_log + 1);
    memset(text, 'x', long_log);
    text[long_log] = 0;
    plugin_log(MF_LEVEL_WARN, text, __LINE__);
    free(text);
  }
  char message[96];
  snprintf(message, sizeof message, "created testmem with 0x%llx bytes", (unsigned long long)size);
  plugin_log(MF_LEVEL_INFO, message, __LINE__);
  plugin_log(MF_LEVEL_TRACE, "a trace record the default level filters out", __LINE__);
  pthread_t thread;
  if (logger && pthread_create(&thread, NULL, log_from_thread, NULL) == 0) {
    if (join_log_thread) pthread_join(thread, NULL);
    else pthread_detach(thread);
  }
  out->vtbl_clone = &clone_vtbl;
  out->vtbl_physicalmemory = &physical_memory_vtbl;
  out->vtbl_connectorcpustate = NULL;
  out->container.instance.instance = memory;
  out->container.instance.drop_fn = memory_drop;
  out->container.context = lib;
  return 0;
}

static void help(mf_help_callback callback) {
  callback.func(callback.context, strdup("testmem: size=<hex>[k|m] fill=<hex byte>"));
}

static int32_t targets(mf_target_callback callback) {
  mf_target_info alpha = { strdup("vm-alpha") };
  if (!callback.func(callback.context, alpha)) return 0;
  mf_target_info beta = { strdup("vm-beta") };
  callback.func(callback.context, beta);
  return 0;
}

#define TEXT(literal) { (const uint8_t *)(literal), sizeof(literal) - 1 }

/*
 * Rust plugins point input_layout/output_layout at abi_stable TypeLayouts; C plugins leave them
 * NULL. -DLAYOUTS=1 adds layouts that look like memflow 0.2's, -DLAYOUTS=2 ones from an
 * incompatible build (a 72-byte instance from memflow 0.1), -DLAYOUTS=3 a layout of the wrong type.
 */
#ifdef LAYOUTS
typedef struct { const void *shared_vars; const void *mono; bool is_nonzero; uint8_t alignment_power_of_two; uint8_t pad[6]; size_t size; } TypeLayout;
/* The name is not NUL-terminated in abi_stable: its length is the last field, at +150. */
typedef struct {
  uint8_t shared_vars[24]; const char *name; const char *package_and_version; size_t package_and_version_len;
  uint8_t unused[102]; uint16_t name_len;
} MonoTypeLayout;
_Static_assert(offsetof(MonoTypeLayout, name_len) == 150, "name_len is the last field of MonoTypeLayout");
static const MonoTypeLayout input_mono = { { 0 }, "COptioncglue::option", "cglue;0.2.14", 12, { 0 }, 7 };
#if LAYOUTS == 1
static const MonoTypeLayout output_mono = { { 0 }, "ConnectorInstance", "memflow;0.2.4", 13, { 0 }, 17 };
static const TypeLayout output_layout = { NULL, &output_mono, false, 3, { 0 }, 64 };
#elif LAYOUTS == 2
static const MonoTypeLayout output_mono = { { 0 }, "ConnectorInstance", "memflow;0.1.5", 13, { 0 }, 17 };
static const TypeLayout output_layout = { NULL, &output_mono, false, 3, { 0 }, 72 };
#else
/* The right size and package, but another type: an OS instance where a connector belongs. */
static const MonoTypeLayout output_mono = { { 0 }, "OsInstance", "memflow;0.2.4", 13, { 0 }, 10 };
static const TypeLayout output_layout = { NULL, &output_mono, false, 3, { 0 }, 64 };
#endif
static const TypeLayout input_layout = { NULL, &input_mono, false, 3, { 0 }, 96 };
#define INPUT_LAYOUT (&input_layout)
#define OUTPUT_LAYOUT (&output_layout)
#else
#define INPUT_LAYOUT NULL
#define OUTPUT_LAYOUT NULL
#endif

#ifndef PLUGIN_VERSION
#define PLUGIN_VERSION 1
#endif

MF_EXPORT const mf_plugin_descriptor MEMFLOW_CONNECTOR_TESTMEM = {
  PLUGIN_VERSION, false, INPUT_LAYOUT, OUTPUT_LAYOUT, TEXT("testmem"), TEXT("1.2.3"), TEXT("memory connector for core's tests"),
  help, targets, { .connector = create },
};
