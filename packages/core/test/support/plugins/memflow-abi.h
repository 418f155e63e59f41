/*
 * The memflow 0.2 plugin ABI (x86_64 / aarch64 layouts), as far as the core tests need it.
 * memflow's Rust types are repr(C), so C plugins built against these layouts go through the
 * same calling sequences as Rust plugins. Sizes are asserted where memflow asserts them.
 */
#ifndef MEMFLOW_TS_TEST_ABI_H
#define MEMFLOW_TS_TEST_ABI_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

typedef struct { const uint8_t *data; size_t len; } CSliceRef;
typedef struct { uint8_t *data; size_t len; } CSliceMut;

typedef struct { void *instance; void (*drop_fn)(void *); } CBox;
typedef struct { const void *instance; const void *(*clone_fn)(const void *); void (*drop_fn)(const void *); } CArc;
typedef struct { CBox instance; CArc context; } Container;

typedef struct { char *key; char *value; } ArgEntry;
typedef struct {
  ArgEntry *data; size_t len, capacity;
  void (*drop_fn)(ArgEntry *, size_t, size_t);
  size_t (*reserve_fn)(void *, size_t);
} ArgsVec;

typedef struct { uint32_t tag; bool value; } COptionBool;
typedef struct {
  COptionBool cache; size_t cache_size; uint64_t cache_validity_time; size_t cache_page_size;
  uint64_t delay; bool metrics;
} MiddlewareArgs;
typedef struct { char *target; ArgsVec extra_args; MiddlewareArgs middleware_args; } ConnectorArgs;
typedef struct { char *target; ArgsVec extra_args; } OsArgs;

typedef struct { uint64_t address; uint8_t page_type; uint8_t page_size_log2; } PhysicalAddress;
typedef struct { PhysicalAddress addr; uint64_t meta_addr; CSliceMut data; } PhysicalReadData;
typedef struct { PhysicalAddress addr; uint64_t meta_addr; CSliceRef data; } PhysicalWriteData;
typedef struct { uint64_t meta_addr; CSliceMut data; } ReadData;
typedef struct { uint64_t meta_addr; CSliceRef data; } WriteData;
typedef struct { void *iter; int32_t (*func)(void *iter, void *out); } CIterator;
typedef struct { void *context; bool (*func)(void *context, ReadData data); } ReadCallback;
typedef struct { void *context; bool (*func)(void *context, WriteData data); } WriteCallback;
typedef struct { CIterator inp; ReadCallback *out; ReadCallback *out_fail; } PhysicalReadMemOps;
typedef struct { CIterator inp; WriteCallback *out; WriteCallback *out_fail; } PhysicalWriteMemOps;
typedef struct { uint64_t max_address; uint64_t real_size; bool readonly; uint32_t ideal_batch_size; } PhysicalMemoryMetadata;

typedef struct { Container (*clone)(const Container *cont); } CloneVtbl;
typedef struct {
  int32_t (*phys_read_raw_iter)(Container *cont, PhysicalReadMemOps data);
  int32_t (*phys_write_raw_iter)(Container *cont, PhysicalWriteMemOps data);
  PhysicalMemoryMetadata (*metadata)(const Container *cont);
  void (*set_mem_map)(Container *cont, CSliceRef mappings);
  void *into_phys_view;
  void *phys_view;
} PhysicalMemoryVtbl;

typedef struct {
  const CloneVtbl *vtbl_clone;
  const PhysicalMemoryVtbl *vtbl_physicalmemory;
  const void *vtbl_connectorcpustate;
  Container container;
} ConnectorInstance;

typedef struct {
  const CloneVtbl *vtbl_clone;
  const void *vtbl_os;
  const void *vtbl_memoryview;
  const void *vtbl_oskeyboard;
  const PhysicalMemoryVtbl *vtbl_physicalmemory;
  const void *vtbl_virtualtranslate;
  Container container;
} OsInstance;

typedef struct { uint32_t tag; uint32_t pad; ConnectorInstance some; } COptionConnectorInstance;
typedef struct { uint32_t tag; uint32_t pad; OsInstance some; } COptionOsInstance;

typedef struct { void *context; bool (*func)(void *context, char *text); } HelpCallback;
typedef struct { void *context; bool (*func)(void *context, char *name); } TargetCallback;

typedef struct {
  size_t level; CSliceRef target;
} LogMetadata;
typedef struct { void *vtbl; void *instance; } WriteMut;
typedef struct { int32_t (*write_str)(void *cont, CSliceRef s); } WriteVtbl;
typedef struct { int32_t (*fmt)(const void *cont, WriteMut *out); } DisplayVtbl;
typedef struct {
  LogMetadata metadata;
  const DisplayVtbl *message_vtbl; const void *message_instance;
  uint32_t module_path_tag; uint32_t pad0; CSliceRef module_path;
  uint32_t file_tag; uint32_t pad1; CSliceRef file;
  uint32_t line_tag; uint32_t line;
} LogRecord;
typedef struct {
  size_t max_level;
  bool (*enabled)(const LogMetadata *metadata);
  void (*log)(const LogRecord *record);
  void (*flush)(void);
  void *on_level_change;
} PluginLogger;

typedef struct {
  int32_t plugin_version;
  bool accept_input;
  const void *input_layout;
  const void *output_layout;
  CSliceRef name, version, description;
  void (*help_callback)(HelpCallback callback);
  int32_t (*target_list_callback)(TargetCallback callback);
  void *create;
} PluginDescriptor;

_Static_assert(sizeof(ArgsVec) == 40, "CVec is 40 bytes");
_Static_assert(sizeof(ConnectorArgs) == 96, "ConnectorArgs is 96 bytes");
_Static_assert(offsetof(ConnectorArgs, middleware_args) == 48, "middleware args at 48");
_Static_assert(sizeof(OsArgs) == 48, "OsArgs is 48 bytes");
_Static_assert(sizeof(ConnectorInstance) == 64, "ConnectorInstance is 64 bytes");
_Static_assert(sizeof(OsInstance) == 88, "OsInstance is 88 bytes");
_Static_assert(sizeof(COptionConnectorInstance) == 72, "COption<ConnectorInstance> is 72 bytes");
_Static_assert(sizeof(COptionOsInstance) == 96, "COption<OsInstance> is 96 bytes");
_Static_assert(sizeof(PhysicalReadData) == 40, "PhysicalReadData is 40 bytes");
_Static_assert(sizeof(PhysicalReadMemOps) == 32, "MemOps is 32 bytes");
_Static_assert(sizeof(PhysicalMemoryMetadata) == 24, "PhysicalMemoryMetadata is 24 bytes");
_Static_assert(sizeof(LogRecord) == 96, "Record is 96 bytes");
_Static_assert(sizeof(PluginLogger) == 40, "PluginLogger is 40 bytes");
_Static_assert(sizeof(PluginDescriptor) == 0x60, "PluginDescriptor is 0x60 bytes");

/* memflow's packed error integers (error.rs IntError): origin and kind ordinals. */
#define MF_ERROR(origin, kind) (-(1 + (((origin) + 1) << 4) + (((kind) + 1) << 16)))
#define MF_ORIGIN_ARGS_VALIDATOR 2
#define MF_ORIGIN_CONNECTOR 13
#define MF_KIND_ARG_NOT_EXISTS 6
#define MF_KIND_INVALID_MEMORY_SIZE 27

#endif
