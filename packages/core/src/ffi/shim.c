/*
 * The native half of @memflow-ts/core's plugin host, compiled at run time by bun:ffi's cc
 * (TinyCC, inside Bun). It owns every call bun:ffi cannot express or would make slow:
 * structs passed and returned by value (create, clone, metadata), the read/write iterators and
 * their callbacks (kept in C, so a batch is one call from JavaScript), help/target callbacks,
 * and the plugin logger, which plugins may call from their own threads: records are queued
 * here and drained by JavaScript on its own thread.
 *
 * Layouts are memflow 0.2's (see packages/core/src/ffi/layouts.ts and docs/decisions/0003).
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct { const uint8_t *data; size_t len; } CSliceRef;
typedef struct { uint8_t *data; size_t len; } CSliceMut;
typedef struct { void *instance; void (*drop_fn)(void *); } CBox;
typedef struct { const void *instance; const void *(*clone_fn)(const void *); void (*drop_fn)(const void *); } CArc;
typedef struct { CBox instance; CArc context; } Container;

typedef struct { uint64_t address; uint8_t page_type; uint8_t page_size_log2; } PhysicalAddress;
typedef struct { PhysicalAddress addr; uint64_t meta_addr; CSliceMut data; } PhysicalData;
typedef struct { uint64_t meta_addr; CSliceMut data; } MetaData;
typedef struct { void *iter; int32_t (*func)(void *iter, void *out); } CIterator;
typedef struct { void *context; int (*func)(void *context, MetaData data); } DataCallback;
typedef struct { CIterator inp; DataCallback *out; DataCallback *out_fail; } MemOps;
typedef struct { uint64_t max_address; uint64_t real_size; uint8_t readonly; uint32_t ideal_batch_size; } PhysicalMemoryMetadata;

typedef struct { Container (*clone)(const Container *cont); } CloneVtbl;
typedef struct {
  int32_t (*phys_read_raw_iter)(Container *cont, MemOps ops);
  int32_t (*phys_write_raw_iter)(Container *cont, MemOps ops);
  PhysicalMemoryMetadata (*metadata)(const Container *cont);
} PhysicalMemoryVtbl;

typedef struct { const void *vtbls[3]; Container container; } ConnectorInstance;
typedef struct { const void *vtbls[6]; Container container; } OsInstance;
typedef struct { uint32_t tag; uint32_t pad; ConnectorInstance some; } COptionConnectorInstance;
typedef struct { uint32_t tag; uint32_t pad; OsInstance some; } COptionOsInstance;

typedef int32_t (*ConnectorCreate)(const void *args, COptionOsInstance input, CArc lib, const void *logger, ConnectorInstance *out);
typedef int32_t (*OsCreate)(const void *args, COptionConnectorInstance input, CArc lib, const void *logger, OsInstance *out);

/* ---- libraries ---- */

void *mf_open(const char *path, char *error, size_t capacity) {
  void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!handle && capacity > 0) {
    const char *message = dlerror();
    strncpy(error, message ? message : "dlopen failed", capacity - 1);
    error[capacity - 1] = 0;
  }
  return handle;
}

void *mf_symbol(void *handle, const char *name) { return dlsym(handle, name); }

/* ---- create ---- */

static size_t reserve_none(void *vec, size_t additional) { (void)vec; (void)additional; return 0; }

/* A CVec needs a non-null reserve_fn, though a plugin never grows the host's arguments. */
void *mf_reserve_fn(void) { return (void *)reserve_none; }

int32_t mf_create_connector(void *create, const void *args, const OsInstance *input, const void *logger, ConnectorInstance *out) {
  COptionOsInstance option;
  memset(&option, 0, sizeof option);
  if (input) { option.tag = 1; option.some = *input; }
  CArc library = { 0, 0, 0 };
  return ((ConnectorCreate)create)(args, option, library, logger, out);
}

int32_t mf_create_os(void *create, const void *args, const ConnectorInstance *input, const void *logger, OsInstance *out) {
  COptionConnectorInstance option;
  memset(&option, 0, sizeof option);
  if (input) { option.tag = 1; option.some = *input; }
  CArc library = { 0, 0, 0 };
  return ((OsCreate)create)(args, option, library, logger, out);
}

/* ---- instances ---- */

void mf_clone(const void *vtbl, const Container *source, Container *target) {
  *target = ((const CloneVtbl *)vtbl)->clone(source);
}

/* memflow's drop order: the instance first, then its context (the library reference). */
void mf_drop(Container *cont) {
  if (cont->instance.drop_fn && cont->instance.instance) cont->instance.drop_fn(cont->instance.instance);
  if (cont->context.drop_fn && cont->context.instance) cont->context.drop_fn(cont->context.instance);
  memset(cont, 0, sizeof *cont);
}

void mf_metadata(const void *vtbl, const Container *cont, PhysicalMemoryMetadata *out) {
  *out = ((const PhysicalMemoryVtbl *)vtbl)->metadata(cont);
}

/* ---- batched reads and writes ---- */

/* One request as JavaScript lays it out: 40 bytes. */
typedef struct { uint64_t address; uint8_t *data; uint64_t length; uint64_t done; uint64_t failed; } Request;
/* `addresses`, when given, holds each request's address as a double (exact below 2^53; NaN
   means "use the request's own 64-bit field"): JavaScript writes a double far faster than two
   32-bit halves. */
typedef struct { Request *requests; const double *addresses; uint64_t count; uint64_t next; uint64_t hint; } Batch;

static int32_t batch_next(void *iter, void *out) {
  Batch *batch = iter;
  if (batch->next >= batch->count) return 1;
  uint64_t index = batch->next++;
  Request *request = &batch->requests[index];
  if (batch->addresses) {
    double address = batch->addresses[index];
    /* via int64_t: one instruction, where a direct double-to-unsigned conversion is a slow helper in TinyCC */
    if (address == address) request->address = (uint64_t)(int64_t)address;
  }
  request->done = 0;
  request->failed = 0;
  PhysicalData *item = out;
  item->addr.address = request->address;
  item->addr.page_type = 1; /* PageType::UNKNOWN, as memflow's From<Address> */
  item->addr.page_size_log2 = 0;
  item->meta_addr = request->address;
  item->data.data = request->data;
  item->data.len = request->length;
  return 0;
}

/* Connectors may split a request; find it by where the reported bytes lie. Usually it is the
   request handed out last, so look there first (TinyCC code is slow: keep this path short). */
static Request *batch_find(Batch *batch, const uint8_t *data) {
  Request *request = &batch->requests[batch->hint];
  if (data >= request->data && data < request->data + request->length) return request;
  if (batch->next > 0) {
    request = &batch->requests[batch->next - 1];
    if (data >= request->data && data < request->data + request->length) return request;
  }
  for (uint64_t index = 0; index < batch->count; index++) {
    request = &batch->requests[index];
    if (data >= request->data && data < request->data + request->length) { batch->hint = index; return request; }
  }
  return 0;
}

static int batch_ok(void *context, MetaData data) {
  Request *request = batch_find(context, data.data.data);
  if (request) request->done += data.data.len;
  return 1;
}

static int batch_failed(void *context, MetaData data) {
  Request *request = batch_find(context, data.data.data);
  if (request) request->failed += data.data.len;
  return 1;
}

static int32_t run_batch(const void *vtbl, Container *cont, Request *requests, const double *addresses, uint64_t count, int write) {
  Batch batch = { requests, addresses, count, 0, 0 };
  DataCallback ok = { &batch, batch_ok };
  DataCallback failed = { &batch, batch_failed };
  MemOps ops = { { &batch, batch_next }, &ok, &failed };
  const PhysicalMemoryVtbl *memory = vtbl;
  return write ? memory->phys_write_raw_iter(cont, ops) : memory->phys_read_raw_iter(cont, ops);
}

int32_t mf_read(const void *vtbl, Container *cont, Request *requests, const double *addresses, uint64_t count) {
  return run_batch(vtbl, cont, requests, addresses, count, 0);
}

int32_t mf_write(const void *vtbl, Container *cont, Request *requests, const double *addresses, uint64_t count) {
  return run_batch(vtbl, cont, requests, addresses, count, 1);
}

/* One read without a request array: the bytes read, or a negative error code. A double, so
   JavaScript gets a plain number (exact below 2^53) instead of a BigInt. */
double mf_read_into(const void *vtbl, Container *cont, uint64_t address, uint8_t *data, uint64_t length) {
  Request request = { address, data, length, 0, 0 };
  int32_t result = run_batch(vtbl, cont, &request, 0, 1, 0);
  return result != 0 ? (double)result : (double)request.done;
}

/* ---- help text and target lists ---- */

/* Strings a plugin hands over, copied into one NUL-separated buffer (the plugin's own copies are
   leaked: they come from the plugin's allocator, which need not be malloc). */
typedef struct { char *data; uint64_t length; uint64_t capacity; uint64_t count; } Strings;
typedef struct { void *context; int (*func)(void *context, char *text); } StringCallback;

static int strings_push(void *context, char *text) {
  Strings *strings = context;
  size_t length = text ? strlen(text) : 0;
  if (strings->length + length + 1 > strings->capacity) {
    size_t capacity = (strings->capacity + length + 1) * 2;
    char *grown = realloc(strings->data, capacity);
    if (!grown) return 0;
    strings->data = grown;
    strings->capacity = capacity;
  }
  if (length) memcpy(strings->data + strings->length, text, length);
  strings->data[strings->length + length] = 0;
  strings->length += length + 1;
  strings->count++;
  return 1;
}

void mf_help(void *help, Strings *out) {
  StringCallback callback = { out, strings_push };
  ((void (*)(StringCallback))help)(callback);
}

int32_t mf_targets(void *targets, Strings *out) {
  StringCallback callback = { out, strings_push };
  return ((int32_t (*)(StringCallback))targets)(callback);
}

void mf_strings_free(Strings *strings) {
  free(strings->data);
  memset(strings, 0, sizeof *strings);
}

/* ---- the plugin logger ---- */

/* memflow's PluginLogger (40 bytes): the plugin writes on_level_change, the host the rest. */
typedef struct { size_t level; CSliceRef target; } LogMetadata;
typedef struct { int32_t (*write_str)(void *cont, CSliceRef text); } WriteVtbl;
typedef struct { const WriteVtbl *vtbl; void *instance; } WriteMut;
typedef struct { int32_t (*fmt)(const void *cont, WriteMut *out); } DisplayVtbl;
typedef struct { uint32_t tag; uint32_t pad; CSliceRef value; } COptionSlice;
typedef struct {
  LogMetadata metadata;
  const DisplayVtbl *message_vtbl;
  const void *message_instance;
  COptionSlice module_path;
  COptionSlice file;
  uint32_t line_tag;
  uint32_t line;
} LogRecord;
typedef struct {
  size_t max_level;
  int (*enabled)(const LogMetadata *metadata);
  void (*log)(const LogRecord *record);
  void (*flush)(void);
  void *on_level_change;
} PluginLogger;

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

static int32_t text_write_str(void *cont, CSliceRef part) {
  text_append(*(Text **)cont, part.data, part.len);
  return 0;
}

static const WriteVtbl text_write_vtbl = { text_write_str };

/* Records wait here, serialized, until JavaScript drains them on its own thread. */
#define LOG_QUEUE_LIMIT (1 << 20)
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static Text log_queue;
static uint64_t log_dropped;
static size_t log_level_all = 0;

static void put_u32(Text *text, uint32_t value) { text_append(text, &value, 4); }
static void put_slice(Text *text, const uint8_t *data, size_t length) {
  put_u32(text, (uint32_t)length);
  if (length) text_append(text, data, length);
}

/* The level a record must not exceed, shared by every logger the host created. */
static int log_enabled(const LogMetadata *metadata) { return metadata->level <= log_level_all; }

static void log_record(const LogRecord *record) {
  if (record->metadata.level > log_level_all) return;
  Text message = { 0, 0, 0 };
  if (record->message_vtbl && record->message_vtbl->fmt) {
    Text *target = &message;
    WriteMut writer = { &text_write_vtbl, target };
    record->message_vtbl->fmt(&record->message_instance, &writer);
  }
  pthread_mutex_lock(&log_lock);
  if (log_queue.length + message.length + record->metadata.target.len + 512 > LOG_QUEUE_LIMIT) {
    log_dropped++;
  } else {
    put_u32(&log_queue, (uint32_t)record->metadata.level);
    put_u32(&log_queue, record->line_tag ? record->line : 0);
    put_slice(&log_queue, record->metadata.target.data, record->metadata.target.len);
    put_slice(&log_queue, (const uint8_t *)message.data, message.length);
    put_slice(&log_queue, record->module_path.tag ? record->module_path.value.data : 0,
              record->module_path.tag ? record->module_path.value.len : 0);
    put_slice(&log_queue, record->file.tag ? record->file.value.data : 0, record->file.tag ? record->file.value.len : 0);
  }
  pthread_mutex_unlock(&log_lock);
  free(message.data);
}

static void log_flush(void) {}

/* A logger for one library; it is never freed, as plugins keep a pointer to it. */
void *mf_logger_new(uint64_t level) {
  PluginLogger *logger = calloc(1, sizeof *logger);
  if (!logger) return 0;
  logger->max_level = level;
  logger->enabled = log_enabled;
  logger->log = log_record;
  logger->flush = log_flush;
  if (level > log_level_all) log_level_all = level;
  return logger;
}

/* Sets the level for the host side and tells the plugin, if it registered for changes. */
void mf_logger_set_level(void *logger_pointer, uint64_t level) {
  PluginLogger *logger = logger_pointer;
  log_level_all = level;
  if (!logger) return;
  logger->max_level = level;
  void *change = *(void *volatile *)&logger->on_level_change;
  if (change) ((void (*)(size_t))change)((size_t)level);
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
