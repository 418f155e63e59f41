/*
 * The native baseline for bench/read.ts: a C program that loads the same connector plugin and
 * calls its PhysicalMemory vtable directly, with memflow's batch shapes, and prints the median
 * nanoseconds per item of each shape as JSON.
 *
 *   gcc -O2 -I../native -o native-read native-read.c -ldl && ./native-read libmemflow_testmem.so
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "memflow-abi.h"

typedef struct { uint64_t *addresses; uint8_t **buffers; uint64_t length; uint64_t count; uint64_t next; } Batch;

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

static uint64_t done_bytes;
static bool on_ok(void *context, mf_read_data data) { (void)context; done_bytes += data.data.len; return true; }
static bool on_fail(void *context, mf_read_data data) { (void)context; (void)data; return true; }

static double now_ns(void) {
  struct timespec time;
  clock_gettime(CLOCK_MONOTONIC, &time);
  return (double)time.tv_sec * 1e9 + (double)time.tv_nsec;
}

static int compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: native-read <plugin>\n"); return 2; }
  void *library = dlopen(argv[1], RTLD_NOW);
  if (!library) { fprintf(stderr, "%s\n", dlerror()); return 1; }
  const mf_plugin_descriptor *descriptor = dlsym(library, "MEMFLOW_CONNECTOR_TESTMEM");
  if (!descriptor) { fprintf(stderr, "no descriptor\n"); return 1; }

  /* 64 MiB of memory, through ConnectorArgs `size=4000k`. */
  char key[] = "size", value[] = "4000k";
  mf_arg_entry entry = { key, value };
  mf_connector_args args;
  memset(&args, 0, sizeof args);
  args.extra_args.data = &entry;
  args.extra_args.len = 1;
  args.extra_args.capacity = 1;
  mf_option_os_instance none;
  memset(&none, 0, sizeof none);
  mf_carc lib = { 0, 0, 0 };
  mf_connector_instance instance;
  if (descriptor->create.connector(&args, none, lib, NULL, &instance) != 0) { fprintf(stderr, "create failed\n"); return 1; }

  const struct { const char *name; uint64_t count; uint64_t length; uint64_t rounds; } shapes[] = {
    { "1 x 8 B", 1, 8, 200000 },
    { "64 x 8 B", 64, 8, 20000 },
    { "1 x 4 KiB", 1, 4096, 100000 },
    { "64 x 4 KiB", 64, 4096, 2000 },
    { "1 x 1 MiB", 1, 1 << 20, 500 },
  };
  uint64_t addresses[64];
  uint8_t *buffers[64];
  for (int index = 0; index < 64; index++) {
    addresses[index] = (uint64_t)index * 0x10000 + 0x1000;
    buffers[index] = malloc(1 << 20);
  }
  mf_read_callback ok = { NULL, on_ok }, failed = { NULL, on_fail };
  printf("{");
  for (size_t shape = 0; shape < sizeof shapes / sizeof shapes[0]; shape++) {
    double samples[15];
    for (int sample = -2; sample < 15; sample++) {
      double started = now_ns();
      for (uint64_t round = 0; round < shapes[shape].rounds; round++) {
        Batch batch = { addresses, buffers, shapes[shape].length, shapes[shape].count, 0 };
        mf_read_ops ops = { { &batch, next_item }, &ok, &failed };
        instance.vtbl_physicalmemory->phys_read_raw_iter(&instance.container, ops);
      }
      double elapsed = now_ns() - started;
      if (sample >= 0) samples[sample] = elapsed / (double)(shapes[shape].rounds * shapes[shape].count);
    }
    qsort(samples, 15, sizeof samples[0], compare);
    printf("%s\"%s\": %.3f", shape ? ", " : "", shapes[shape].name, samples[7]);
  }
  printf("}\n");
  return done_bytes == 0;
}
