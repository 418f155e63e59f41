/*
 * The testmem connector (plugins/test-connector.c) from a C host, as memflow's host makes it:
 * created through its descriptor with ConnectorArgs `size=<hex>`, and its whole memory written
 * in one phys_write_raw_iter. Shared by the C programs that drive the test plugins: the testos
 * checker (testos-host/) and core's native benchmarks (bench/). Include memflow-abi.h first. The
 * functions are inline so a program that uses only some of them builds clean under -Werror.
 */
#ifndef MEMFLOW_TS_TESTMEM_HOST_H
#define MEMFLOW_TS_TESTMEM_HOST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A testmem connector of `size` bytes (hex, as testmem parses it); exits when create fails. */
static inline mf_connector_instance testmem_create(const mf_plugin_descriptor *testmem, const char *size) {
  char key[] = "size", value[32];
  snprintf(value, sizeof value, "%s", size);
  mf_arg_entry entry = { key, value };
  mf_connector_args args;
  memset(&args, 0, sizeof args);
  args.extra_args.data = &entry;
  args.extra_args.len = args.extra_args.capacity = 1;
  mf_option_os_instance none;
  memset(&none, 0, sizeof none);
  mf_carc no_lib = { NULL, NULL, NULL };
  mf_connector_instance connector;
  if (testmem->create.connector(&args, none, no_lib, NULL, &connector) != 0) {
    fprintf(stderr, "testmem create failed\n");
    exit(2);
  }
  return connector;
}

static inline int32_t testmem_next_one(void *iter, void *out) {
  mf_physical_write_data **item = iter;
  if (!*item) return 1;
  memcpy(out, *item, sizeof **item);
  *item = NULL;
  return 0;
}

/* Writes `byte(address)` to every byte of the connector's memory. */
static inline void testmem_fill(mf_connector_instance *connector, uint8_t (*byte)(uint64_t address)) {
  const mf_physical_memory_vtbl *memory = connector->vtbl_physicalmemory;
  uint64_t size = memory->metadata(&connector->container).real_size;
  uint8_t *bytes = malloc(size);
  for (uint64_t address = 0; address < size; address++) bytes[address] = byte(address);
  mf_physical_write_data item = { { 0, MF_PAGE_TYPE_UNKNOWN, 0 }, 0, { bytes, size } }, *next = &item;
  mf_write_ops ops = { { &next, testmem_next_one }, NULL, NULL };
  int32_t result = memory->phys_write_raw_iter(&connector->container, ops);
  free(bytes);
  if (result != 0) {
    fprintf(stderr, "testmem fill failed\n");
    exit(2);
  }
}

#endif
