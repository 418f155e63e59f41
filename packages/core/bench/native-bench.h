/*
 * What the native baselines of bench/ share (native-read.c, native-os.c, native-translate.c, each one
 * program): a monotonic clock, the median of timed samples, loading a plugin's descriptor, a batch
 * of physical reads with its iterator; and,
 * from test/support/testmem-host.h, the testmem connector as memflow's host creates it.
 */
#ifndef MEMFLOW_TS_NATIVE_BENCH_H
#define MEMFLOW_TS_NATIVE_BENCH_H

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "memflow-abi.h"
#include "testmem-host.h" /* test/support: built with -I there */

/* Samples per measurement, after WARMUP unmeasured ones; the median is reported. */
enum { SAMPLES = 15, WARMUP = 2 };

static double now_ns(void) {
  struct timespec time;
  clock_gettime(CLOCK_MONOTONIC, &time);
  return (double)time.tv_sec * 1e9 + (double)time.tv_nsec;
}

static int compare_doubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The median over SAMPLES of the time of `rounds` runs of `run`, in ns per item (`items` per run).
   Static, and called with constant arguments, so gcc -O2 inlines `run` into the loop. */
static double median_ns(void (*run)(void *), void *context, uint64_t rounds, uint64_t items) {
  double samples[SAMPLES];
  for (int sample = -WARMUP; sample < SAMPLES; sample++) {
    double started = now_ns();
    for (uint64_t round = 0; round < rounds; round++) run(context);
    double elapsed = now_ns() - started;
    if (sample >= 0) samples[sample] = elapsed / (double)(rounds * items);
  }
  qsort(samples, SAMPLES, sizeof samples[0], compare_doubles);
  return samples[SAMPLES / 2];
}

/* Where the baselines put what they compute from the bytes they read, so no compiler drops the reading. */
static volatile uint8_t bench_sink;

/* Reads every byte of `count` buffers of `length` bytes, as a caller that uses its results does
   (the benches in bench/ read every result's bytes the same way). */
static inline void consume(uint8_t *const *buffers, uint64_t count, uint64_t length) {
  uint8_t sum = 0;
  for (uint64_t index = 0; index < count; index++)
    for (uint64_t at = 0; at < length; at++) sum ^= buffers[index][at];
  bench_sink ^= sum;
}

static void fail(const char *what) {
  fprintf(stderr, "%s\n", what);
  exit(1);
}

/* The descriptor `name` of the plugin at `path`. */
static const mf_plugin_descriptor *load_descriptor(const char *path, const char *name) {
  void *library = dlopen(path, RTLD_NOW);
  if (!library) fail(dlerror());
  const mf_plugin_descriptor *descriptor = dlsym(library, name);
  if (!descriptor) fail(dlerror());
  return descriptor;
}

/* A batch of physical reads as memflow's read iterator hands them out: each request's address
   (also its meta address), its buffer, one length for all. */
typedef struct {
  const uint64_t *addresses;
  uint8_t **buffers;
  uint64_t length;
  uint64_t count;
  uint64_t next;
} Batch;

static inline int32_t next_item(void *iter, void *out) {
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

#endif
