/*
 * The native baseline for bench/read.ts: a C program that loads the same connector plugin and
 * calls its PhysicalMemory vtable directly, with memflow's batch shapes (64 x 8 B also with every
 * byte read afterwards, as bench/read.ts's readBatch and readMany rows do; and 64 x 8 B written from
 * one buffer, request i's bytes its i-th 8, as its writeBatch rows do), and prints the median nanoseconds per item of each shape as JSON.
 *
 *   gcc -O2 -I../native -I../test/support -o native-read native-read.c -ldl && ./native-read libmemflow_testmem.so
 */
#include "native-bench.h"

static uint64_t done_bytes;
static bool on_ok(void *context, mf_read_data data) { (void)context; done_bytes += data.data.len; return true; }
static bool on_fail(void *context, mf_read_data data) { (void)context; (void)data; return true; }
static bool on_written(void *context, mf_write_data data) { (void)context; done_bytes += data.data.len; return true; }
static bool on_write_fail(void *context, mf_write_data data) { (void)context; (void)data; return true; }

/* One round of a shape: its batch through the connector's PhysicalMemory vtable. */
typedef struct {
  mf_connector_instance *instance;
  uint64_t *addresses;
  uint8_t **buffers;
  uint64_t length;
  uint64_t count;
  /* Whether the round reads every byte it received (bench/read.ts's readBatch/readMany rows). */
  bool consume;
  /* Whether the round writes its buffers instead (bench/read.ts's writeBatch rows). */
  bool write;
} Round;

static void run_round(void *context) {
  Round *round = context;
  Batch batch = { round->addresses, round->buffers, round->length, round->count, 0 };
  if (round->write) {
    /* A write's item is laid out as a read's (next_item fills both): address, meta address, buffer. */
    mf_write_callback written = { NULL, on_written }, not_written = { NULL, on_write_fail };
    mf_write_ops ops = { { &batch, next_item }, &written, &not_written };
    round->instance->vtbl_physicalmemory->phys_write_raw_iter(&round->instance->container, ops);
    return;
  }
  mf_read_callback ok = { NULL, on_ok }, failed = { NULL, on_fail };
  mf_read_ops ops = { { &batch, next_item }, &ok, &failed };
  round->instance->vtbl_physicalmemory->phys_read_raw_iter(&round->instance->container, ops);
  if (round->consume) consume(round->buffers, round->count, round->length);
}

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: native-read <plugin>\n"); return 2; }
  const mf_plugin_descriptor *descriptor = load_descriptor(argv[1], "MEMFLOW_CONNECTOR_TESTMEM");
  /* 64 MiB of memory, through ConnectorArgs `size=4000k`. */
  mf_connector_instance instance = testmem_create(descriptor, "4000k");

  const struct { const char *name; uint64_t count; uint64_t length; uint64_t rounds; bool consume; bool write; } shapes[] = {
    { "1 x 8 B", 1, 8, 200000, false, false },
    { "64 x 8 B", 64, 8, 20000, false, false },
    { "64 x 8 B, bytes read", 64, 8, 20000, true, false },
    { "64 x 8 B written", 64, 8, 20000, false, true },
    { "1 x 4 KiB", 1, 4096, 100000, false, false },
    { "64 x 4 KiB", 64, 4096, 2000, false, false },
    { "1 x 1 MiB", 1, 1 << 20, 500, false, false },
  };
  uint64_t addresses[64];
  uint8_t *buffers[64];
  /* The writes' bytes: one buffer, request i's 8 bytes all i (bench/read.ts writes the same). */
  static uint8_t write_bytes[64 * 8];
  uint8_t *write_buffers[64];
  for (int index = 0; index < 64; index++) {
    addresses[index] = (uint64_t)index * 0x10000 + 0x1000;
    buffers[index] = malloc(1 << 20);
    memset(write_bytes + index * 8, index, 8);
    write_buffers[index] = write_bytes + index * 8;
  }
  printf("{");
  for (size_t shape = 0; shape < sizeof shapes / sizeof shapes[0]; shape++) {
    Round round = { &instance, addresses, shapes[shape].write ? write_buffers : buffers, shapes[shape].length,
                    shapes[shape].count, shapes[shape].consume, shapes[shape].write };
    double ns = median_ns(run_round, &round, shapes[shape].rounds, shapes[shape].count);
    printf("%s\"%s\": %.3f", shape ? ", " : "", shapes[shape].name, ns);
  }
  printf("}\n");
  return done_bytes == 0;
}
