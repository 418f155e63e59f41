/*
 * An OS plugin with memflow 0.2's exact ABI, for core's tests: it must be given a connector,
 * takes ownership of it, exposes the connector's memory through its optional PhysicalMemory
 * vtable, and drops the connector when dropped.
 */
#include <stdlib.h>
#include <string.h>
#include "memflow-abi.h"

typedef struct {
  ConnectorInstance connector;
} TestOs;

static int live_os;
int testos_live(void) { return live_os; }

static void connector_drop(ConnectorInstance *connector) {
  Container *cont = &connector->container;
  if (cont->instance.drop_fn && cont->instance.instance) cont->instance.drop_fn(cont->instance.instance);
  if (cont->context.drop_fn && cont->context.instance) cont->context.drop_fn(cont->context.instance);
}

static void os_drop(void *instance) {
  TestOs *os = instance;
  connector_drop(&os->connector);
  free(os);
  live_os--;
}

static int32_t os_read(Container *cont, PhysicalReadMemOps ops) {
  TestOs *os = cont->instance.instance;
  return os->connector.vtbl_physicalmemory->phys_read_raw_iter(&os->connector.container, ops);
}

static int32_t os_write(Container *cont, PhysicalWriteMemOps ops) {
  TestOs *os = cont->instance.instance;
  return os->connector.vtbl_physicalmemory->phys_write_raw_iter(&os->connector.container, ops);
}

static PhysicalMemoryMetadata os_metadata(const Container *cont) {
  const TestOs *os = cont->instance.instance;
  return os->connector.vtbl_physicalmemory->metadata(&os->connector.container);
}

static void os_set_mem_map(Container *cont, CSliceRef mappings) { (void)cont; (void)mappings; }

static Container os_clone(const Container *cont) {
  Container none = { { NULL, NULL }, cont->context };
  return none;
}

static const CloneVtbl clone_vtbl = { os_clone };
static const PhysicalMemoryVtbl physical_memory_vtbl = { os_read, os_write, os_metadata, os_set_mem_map, NULL, NULL };
static const void *os_vtbl_placeholder[26];

static int32_t create(const OsArgs *args, COptionConnectorInstance input, CArc lib, const PluginLogger *logger, OsInstance *out) {
  (void)args;
  (void)logger;
  if (input.tag != 1) return MF_ERROR(MF_ORIGIN_ARGS_VALIDATOR, MF_KIND_ARG_NOT_EXISTS);
  TestOs *os = malloc(sizeof *os);
  os->connector = input.some;
  live_os++;
  memset(out, 0, sizeof *out);
  out->vtbl_clone = &clone_vtbl;
  out->vtbl_os = os_vtbl_placeholder;
  out->vtbl_physicalmemory = &physical_memory_vtbl;
  out->container.instance.instance = os;
  out->container.instance.drop_fn = os_drop;
  out->container.context = lib;
  return 0;
}

#define TEXT(literal) { (const uint8_t *)(literal), sizeof(literal) - 1 }

__attribute__((visibility("default"))) const PluginDescriptor MEMFLOW_OS_TESTOS = {
  1, true, NULL, NULL, TEXT("testos"), TEXT("0.9.0"), TEXT("OS plugin for core's tests"), NULL, NULL, (void *)create,
};
