/*
 * What the native baselines of the benchmarks share (native-read.c, native-translate.c): a
 * monotonic clock, the median of samples, a batch of physical reads with its iterator, and core's
 * test connector (testmem) created through its descriptor with a `size` argument, as a memflow
 * host would.
 */
#ifndef MEMFLOW_TS_NATIVE_BENCH_H
#define MEMFLOW_TS_NATIVE_BENCH_H

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "memflow-abi.h"

static double now_ns(void) {
  struct timespec time;
  clock_gettime(CLOCK_MONOTONIC, &time);
  return (double)time.tv_sec * 1e9 + (double)time.tv_nsec;
}

static int compare_samples(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Sorts the samples and returns the middle one. */
static double median_of(double *samples, size_t count) {
  qsort(samples, count, sizeof samples[0], compare_samples);
  return samples[count / 2];
}

/* A batch of physical reads as memflow's read iterator hands them out: each request's address
   (also its meta address), its buffer, one length for all. */
typedef struct { const uint64_t *addresses; uint8_t **buffers; uint64_t length; uint64_t count; uint64_t next; } Batch;

static int32_t next_item(void *iter, void *out) {
  Batch *batch = iter;
  if (batch->next >= batch->count) return 1;
  mf_physical_read_data *item = out;
  item->addr.address = batch->addresses[batch->next];
  item->addr.page_type = MF_PAGE_TYPE_UNKNOWN;
  item->addr.page_size_log2 = 0;
  item->meta_addr = batch->addresses[batch->next];
  item->data.data = batch->buffers[batch->next];
  item->data.len = batch->length;
  batch->next++;
  return 0;
}

/* Loads `plugin` and creates its testmem connector with `size=<size>`; returns false (after saying why) on failure. */
static bool create_testmem(const char *plugin, const char *size, mf_connector_instance *instance) {
  void *library = dlopen(plugin, RTLD_NOW);
  if (!library) { fprintf(stderr, "%s\n", dlerror()); return false; }
  const mf_plugin_descriptor *descriptor = dlsym(library, "MEMFLOW_CONNECTOR_TESTMEM");
  if (!descriptor) { fprintf(stderr, "no descriptor\n"); return false; }
  static char key[] = "size";
  static char value[64];
  snprintf(value, sizeof value, "%s", size);
  static mf_arg_entry entry;
  entry.key = key;
  entry.value = value;
  mf_connector_args args;
  memset(&args, 0, sizeof args);
  args.extra_args.data = &entry;
  args.extra_args.len = 1;
  args.extra_args.capacity = 1;
  mf_option_os_instance none;
  memset(&none, 0, sizeof none);
  mf_carc lib = { 0, 0, 0 };
  if (descriptor->create.connector(&args, none, lib, NULL, instance) != 0) { fprintf(stderr, "create failed\n"); return false; }
  return true;
}

#endif
