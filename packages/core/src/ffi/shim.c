/*
 * The native half of @memflow-ts/core's plugin host, compiled at run time by the system C
 * compiler, or by Bun's TinyCC (bun:ffi's cc) when there is none (see shim.ts). It owns every
 * call bun:ffi cannot express or would make slow: structs passed and returned by value (create,
 * clone, metadata), the read/write iterators and their callbacks (kept in C, so a batch is one
 * call from JavaScript), help/target callbacks, and the plugin logger, which plugins may call
 * from their own threads: records are queued here and drained by JavaScript on its own thread.
 * It also tells a crash in plugin code from a crash of Bun (crash-guard.h, decision 0010): every
 * call into a plugin is marked with the plugin and the call.
 *
 * memflow's structs come from memflow-abi.h (packages/core/native); see docs/decisions/0003.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "memflow-abi.h"

#include "crash-guard.h"

/* ---- libraries ---- */

void *mf_open(const char *path, char *error, size_t capacity) {
  enter(path, "initialisers (while loading)");
  void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  leave();
  if (!handle && capacity > 0) {
    const char *message = dlerror();
    strncpy(error, message ? message : "dlopen failed", capacity - 1);
    error[capacity - 1] = 0;
  }
  return handle;
}

void *mf_symbol(void *handle, const char *name) { return dlsym(handle, name); }

/* ---- create ---- */

static size_t reserve_none(mf_args *vec, size_t additional) { (void)vec; (void)additional; return 0; }

/* A CVec needs a non-null reserve_fn, though a plugin never grows the host's arguments. */
void *mf_reserve_fn(void) { return (void *)reserve_none; }

/* The host passes no library reference (a None CArc), so plugins never call back into it. */
int32_t mf_create_connector(mf_connector_create_fn create, const mf_connector_args *args, const mf_os_instance *input,
                            mf_plugin_logger *logger, mf_connector_instance *out, const char *who) {
  mf_option_os_instance option;
  memset(&option, 0, sizeof option);
  if (input) { option.tag = MF_OPTION_SOME; option.value = *input; }
  mf_carc library = { 0, 0, 0 };
  enter(who, "create");
  int32_t result = create(args, option, library, logger, out);
  leave();
  return result;
}

int32_t mf_create_os(mf_os_create_fn create, const mf_os_args *args, const mf_connector_instance *input,
                     mf_plugin_logger *logger, mf_os_instance *out, const char *who) {
  mf_option_connector_instance option;
  memset(&option, 0, sizeof option);
  if (input) { option.tag = MF_OPTION_SOME; option.value = *input; }
  mf_carc library = { 0, 0, 0 };
  enter(who, "create");
  int32_t result = create(args, option, library, logger, out);
  leave();
  return result;
}

/* ---- instances ---- */

void mf_clone(const mf_clone_vtbl *vtbl, const mf_container *source, mf_container *target, const char *who) {
  enter(who, "clone");
  *target = vtbl->clone(source);
  leave();
}

/* memflow's drop order: the instance first, then its context (the library reference). */
static void drop_container(mf_container *cont) {
  if (cont->instance.drop_fn && cont->instance.instance) cont->instance.drop_fn(cont->instance.instance);
  if (cont->context.drop_fn && cont->context.instance) cont->context.drop_fn(cont->context.instance);
  memset(cont, 0, sizeof *cont);
}

void mf_drop(mf_container *cont, const char *who) {
  enter(who, "drop");
  drop_container(cont);
  leave();
}

void mf_metadata(const mf_physical_memory_vtbl *vtbl, const mf_container *cont, mf_physical_memory_metadata *out,
                 const char *who) {
  enter(who, "metadata");
  *out = vtbl->metadata(cont);
  leave();
}

/* ---- batched reads and writes, of physical and of virtual memory ---- */

#include "transfer.h"
#include "transfer-records.h"
#include "transfer-each.h"

/* ---- help text and target lists ---- */

/* Strings a plugin hands over, copied into one NUL-separated buffer (the plugin's own copies are
   leaked: they come from the plugin's allocator, which need not be malloc). */
typedef struct { char *data; uint64_t length; uint64_t capacity; uint64_t count; } Strings;

static bool strings_push(void *context, char *text) {
  Strings *strings = context;
  size_t length = text ? strlen(text) : 0;
  if (strings->length + length + 1 > strings->capacity) {
    size_t capacity = (strings->capacity + length + 1) * 2;
    char *grown = realloc(strings->data, capacity);
    if (!grown) return false;
    strings->data = grown;
    strings->capacity = capacity;
  }
  if (length) memcpy(strings->data + strings->length, text, length);
  strings->data[strings->length + length] = 0;
  strings->length += length + 1;
  strings->count++;
  return true;
}

static bool targets_push(void *context, mf_target_info target) { return strings_push(context, target.name); }

void mf_help(mf_help_fn help, Strings *out, const char *who) {
  mf_help_callback callback = { out, strings_push };
  enter(who, "help");
  help(callback);
  leave();
}

int32_t mf_targets(mf_target_list_fn targets, Strings *out, const char *who) {
  mf_target_callback callback = { out, targets_push };
  enter(who, "target list");
  int32_t result = targets(callback);
  leave();
  return result;
}

void mf_strings_free(Strings *strings) {
  free(strings->data);
  memset(strings, 0, sizeof *strings);
}

/* ---- the plugin logger ---- */

typedef struct { char *data; size_t length, capacity; } Text;

static void text_append(Text *text, const void *bytes, size_t length) {
  if (text->length + length > text->capacity) {
    size_t capacity = (text->capacity + length) * 2 + 64;
    char *grown = realloc(text->data, capacity);
    if (!grown) return;
    text->data = grown;
    text->capacity = capacity;
  }
  memcpy(text->data + text->length, bytes, length);
  text->length += length;
}

/* cont points at the writer's instance: the Text being filled. */
static int32_t text_write_str(void **cont, mf_slice_ref part) {
  text_append(*cont, part.data, part.len);
  return 0;
}

static const mf_write_vtbl text_write_vtbl = { text_write_str };

/* Records wait here, serialized, until JavaScript drains them on its own thread. */
#define LOG_QUEUE_LIMIT (1 << 20)
/* Each string of a record is cut to this, so a record always fits the host's 64 KiB drain buffer
   (a longer one would sit at the head of the queue forever). */
#define LOG_FIELD_LIMIT (8 << 10)
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static Text log_queue;
static uint64_t log_dropped;
static size_t log_level_all = 0;

static void put_u32(Text *text, uint32_t value) { text_append(text, &value, 4); }
/* A string of a record: its length, then its bytes, cut to LOG_FIELD_LIMIT with a visible mark. */
static void put_slice(Text *text, const uint8_t *data, size_t length) {
  static const char cut[] = " [cut]";
  bool long_text = length > LOG_FIELD_LIMIT;
  size_t kept = long_text ? LOG_FIELD_LIMIT - (sizeof cut - 1) : length;
  put_u32(text, (uint32_t)(long_text ? LOG_FIELD_LIMIT : length));
  if (kept) text_append(text, data, kept);
  if (long_text) text_append(text, cut, sizeof cut - 1);
}

/* An absent string is queued as an empty one. */
static void put_option(Text *text, const mf_option_slice_ref *option) {
  put_slice(text, option->tag ? option->value.data : 0, option->tag ? option->value.len : 0);
}

/* The level a record must not exceed, shared by every logger the host created. */
static bool log_enabled(const mf_log_metadata *metadata) { return metadata->level <= log_level_all; }

static void log_record(const mf_log_record *record) {
  if (record->metadata.level > log_level_all) return;
  Text message = { 0, 0, 0 };
  if (record->message.vtbl && record->message.vtbl->fmt) {
    mf_write_mut writer = { &text_write_vtbl, &message };
    record->message.vtbl->fmt(&record->message.instance, &writer);
  }
  pthread_mutex_lock(&log_lock);
  if (log_queue.length + message.length + record->metadata.target.len + 512 > LOG_QUEUE_LIMIT) {
    log_dropped++;
  } else {
    put_u32(&log_queue, (uint32_t)record->metadata.level);
    put_u32(&log_queue, record->line.tag ? record->line.value : 0);
    put_slice(&log_queue, record->metadata.target.data, record->metadata.target.len);
    put_slice(&log_queue, (const uint8_t *)message.data, message.length);
    put_option(&log_queue, &record->module_path);
    put_option(&log_queue, &record->file);
  }
  pthread_mutex_unlock(&log_lock);
  free(message.data);
}

static void log_flush(void) {}

/* A logger for one library; it is never freed, as plugins keep a pointer to it. */
mf_plugin_logger *mf_logger_new(uint64_t level) {
  mf_plugin_logger *logger = calloc(1, sizeof *logger);
  if (!logger) return 0;
  logger->max_level = level;
  logger->enabled = log_enabled;
  logger->log = log_record;
  logger->flush = log_flush;
  if (level > log_level_all) log_level_all = level;
  return logger;
}

/* Sets the level for the host side and tells the plugin, if it registered for changes. */
void mf_logger_set_level(mf_plugin_logger *logger, uint64_t level) {
  log_level_all = level;
  if (!logger) return;
  logger->max_level = level;
  /* The plugin may store it from another thread (an AtomicPtr in memflow). */
  void (*change)(size_t) = ((volatile mf_plugin_logger *)logger)->on_level_change;
  if (!change) return;
  /* A logger serves a library, not an instance: the plugin is not known here by name. */
  enter(0, "log level callback");
  change((size_t)level);
  leave();
}

/* A record of the host's own (the shim's), queued like a plugin's. */
static void host_log(size_t level, const char *message) {
  static const char target[] = "memflow-ts::shim";
  if (level > log_level_all) return;
  pthread_mutex_lock(&log_lock);
  put_u32(&log_queue, (uint32_t)level);
  put_u32(&log_queue, 0);
  put_slice(&log_queue, (const uint8_t *)target, sizeof target - 1);
  put_slice(&log_queue, (const uint8_t *)message, strlen(message));
  put_slice(&log_queue, 0, 0);
  put_slice(&log_queue, 0, 0);
  pthread_mutex_unlock(&log_lock);
}

/* Moves queued records into `out` (whole records only); returns the bytes written. */
uint64_t mf_log_drain(uint8_t *out, uint64_t capacity, uint64_t *dropped) {
  pthread_mutex_lock(&log_lock);
  size_t taken = 0;
  while (taken < log_queue.length) {
    size_t at = taken + 8;
    for (int field = 0; field < 4 && at <= log_queue.length; field++) {
      uint32_t length;
      memcpy(&length, log_queue.data + at, 4);
      at += 4 + length;
    }
    if (at > capacity) break;
    taken = at;
  }
  memcpy(out, log_queue.data, taken);
  memmove(log_queue.data, log_queue.data + taken, log_queue.length - taken);
  log_queue.length -= taken;
  *dropped = log_dropped;
  log_dropped = 0;
  pthread_mutex_unlock(&log_lock);
  return taken;
}

/* ---- the OS layer: processes, modules, virtual memory, translation, the keyboard ---- */

#include "plugin-allocator.h"
#include "os-list.h"
#include "os-calls.h"

/* ---- a TypeScript connector as a native plugin's input ---- */

#include "script-input.h"

/* ---- a TypeScript OS as a native connector's input ---- */

#include "script-os.h"
