/*
 * An OS plugin with memflow 0.2's exact ABI, for core's tests: it must be given a connector,
 * takes ownership of it, exposes the connector's memory through its optional PhysicalMemory
 * vtable, and drops the connector when dropped.
 */
#include <stdlib.h>
#include <string.h>
#include "memflow-abi.h"

typedef struct {
  mf_connector_instance connector;
} TestOs;

static int live_os;
int testos_live(void) { return live_os; }

static void connector_drop(mf_connector_instance *connector) {
  mf_container *cont = &connector->container;
  if (cont->instance.drop_fn && cont->instance.instance) cont->instance.drop_fn(cont->instance.instance);
  if (cont->context.drop_fn && cont->context.instance) cont->context.drop_fn(cont->context.instance);
}

static void os_drop(void *instance) {
  TestOs *os = instance;
  connector_drop(&os->connector);
  free(os);
  live_os--;
}

static int32_t os_read(mf_container *cont, mf_read_ops ops) {
  TestOs *os = cont->instance.instance;
  return os->connector.vtbl_physicalmemory->phys_read_raw_iter(&os->connector.container, ops);
}

static int32_t os_write(mf_container *cont, mf_write_ops ops) {
  TestOs *os = cont->instance.instance;
  return os->connector.vtbl_physicalmemory->phys_write_raw_iter(&os->connector.container, ops);
}

static mf_physical_memory_metadata os_metadata(const mf_container *cont) {
  const TestOs *os = cont->instance.instance;
  return os->connector.vtbl_physicalmemory->metadata(&os->connector.container);
}

static void os_set_mem_map(mf_container *cont, mf_mapping_slice mappings) { (void)cont; (void)mappings; }

static mf_container os_clone(const mf_container *cont) {
  mf_container none = { { NULL, NULL }, cont->context };
  return none;
}

static const mf_clone_vtbl clone_vtbl = { os_clone };
static const mf_physical_memory_vtbl physical_memory_vtbl = { os_read, os_write, os_metadata, os_set_mem_map, NULL, NULL };
/* vtbl_os is mandatory in memflow, so it points somewhere; nothing here calls its 26 functions. */
static const void *os_vtbl_placeholder[26];

static int32_t create(const mf_os_args *args, mf_option_connector_instance input, mf_carc lib, mf_plugin_logger *logger,
                      mf_os_instance *out) {
  (void)args;
  (void)logger;
  if (input.tag != MF_OPTION_SOME) return MF_ERROR(MF_ORIGIN_ARGS_VALIDATOR, MF_KIND_ARG_NOT_EXISTS);
  TestOs *os = malloc(sizeof *os);
  os->connector = input.value;
  live_os++;
  memset(out, 0, sizeof *out);
  out->vtbl_clone = &clone_vtbl;
  out->vtbl_os = (const struct mf_os_vtbl *)os_vtbl_placeholder;
  out->vtbl_physicalmemory = &physical_memory_vtbl;
  out->container.instance.instance = os;
  out->container.instance.drop_fn = os_drop;
  out->container.context = lib;
  return 0;
}

#define TEXT(literal) { (const uint8_t *)(literal), sizeof(literal) - 1 }

MF_EXPORT const mf_plugin_descriptor MEMFLOW_OS_TESTOS = {
  MF_PLUGIN_VERSION, true, NULL, NULL, TEXT("testos"), TEXT("0.9.0"), TEXT("OS plugin for core's tests"), NULL, NULL,
  { .os = create },
};
