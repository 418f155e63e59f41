/*
 * The native baseline for bench/translate.ts: the same batched x86-64 4-level walk as the
 * TypeScript one (src/os/translate/page-walk.ts), in C, over the same connector plugin called
 * through its PhysicalMemory vtable: per level one phys_read_raw_iter of the 8-byte entries of the
 * pending addresses, an entry shared by neighbours read once. Loads the tables the TypeScript side wrote into a file, writes them into its
 * own connector instance, walks the batch again and again, and prints the median nanoseconds per
 * address and a checksum of the physical addresses found (so the two sides are seen to agree).
 *
 *   gcc -O2 -I../native -I../test/support -o native-translate native-translate.c -ldl
 *   ./native-translate libmemflow_testmem.so <size arg> <input file>
 *
 * Input file: u64 tables_base, u64 tables_length, u64 dtb, u64 count, u64 addresses[count], the
 * table bytes.
 */
#include "native-bench.h"

#define MAX_BATCH 1024

#define ADDRESS_MASK 0x000ffffffffff000ull

static uint8_t failed[MAX_BATCH];
static bool on_ok(void *context, mf_read_data data) { (void)context; (void)data; return true; }
static uint8_t entries[MAX_BATCH * 8];
/* A failed piece is found by where its bytes lie: entry `slot` is at entries + slot * 8. */
static bool on_fail(void *context, mf_read_data data) {
  (void)context;
  failed[(data.data.data - entries) / 8] = 1;
  return true;
}

typedef struct { const uint8_t *bytes; uint64_t address; uint64_t length; bool done; } WriteOne;

static int32_t next_write(void *iter, void *out) {
  WriteOne *one = iter;
  if (one->done) return 1;
  mf_physical_write_data *item = out;
  item->addr.address = one->address;
  item->addr.page_type = MF_PAGE_TYPE_UNKNOWN;
  item->addr.page_size_log2 = 0;
  item->meta_addr = one->address;
  item->data.data = one->bytes;
  item->data.len = one->length;
  one->done = true;
  return 0;
}

/* One batched walk: physical[i] = the address, or ~0 when it does not translate. */
static void walk(mf_connector_instance *instance, uint64_t dtb, const uint64_t *addresses, uint64_t count,
                 uint64_t *physical) {
  static uint64_t table[MAX_BATCH], entry_addresses[MAX_BATCH];
  static uint8_t *buffers[MAX_BATCH];
  static uint32_t pending[MAX_BATCH], next[MAX_BATCH], request_of[MAX_BATCH];
  mf_read_callback ok = { NULL, on_ok }, fail = { NULL, on_fail };
  uint64_t pending_count = count;
  for (uint64_t index = 0; index < count; index++) {
    buffers[index] = entries + index * 8;
    table[index] = dtb & ADDRESS_MASK;
    pending[index] = (uint32_t)index;
    physical[index] = ~0ull;
  }
  for (int level = 0; level < 4 && pending_count > 0; level++) {
    int shift = 39 - 9 * level;
    /* Neighbours sharing an entry read it once, as the TypeScript walk does. */
    uint64_t requests = 0;
    for (uint64_t slot = 0; slot < pending_count; slot++) {
      uint32_t index = pending[slot];
      uint64_t at = table[index] + ((addresses[index] >> shift) & 511) * 8;
      if (requests > 0 && entry_addresses[requests - 1] == at) {
        request_of[slot] = (uint32_t)(requests - 1);
      } else {
        entry_addresses[requests] = at;
        failed[requests] = 0;
        request_of[slot] = (uint32_t)requests++;
      }
    }
    Batch batch = { entry_addresses, buffers, 8, requests, 0 };
    mf_read_ops ops = { { &batch, next_item }, &ok, &fail };
    instance->vtbl_physicalmemory->phys_read_raw_iter(&instance->container, ops);
    uint64_t next_count = 0;
    for (uint64_t slot = 0; slot < pending_count; slot++) {
      uint32_t index = pending[slot], request = request_of[slot];
      uint64_t entry;
      memcpy(&entry, entries + request * 8, 8);
      if (failed[request] || !(entry & 1)) continue;
      if (level == 3 || (level > 0 && (entry & 0x80))) {
        uint64_t size = 1ull << shift;
        physical[index] = ((entry & ADDRESS_MASK) & ~(size - 1)) + (addresses[index] & (size - 1));
        continue;
      }
      table[index] = entry & ADDRESS_MASK;
      next[next_count++] = index;
    }
    memcpy(pending, next, next_count * sizeof next[0]);
    pending_count = next_count;
  }
}

/* What median_ns runs: one walk of the whole batch. */
typedef struct {
  mf_connector_instance *instance;
  uint64_t dtb;
  const uint64_t *addresses;
  uint64_t count;
  uint64_t *physical;
} Walk;

static void walk_once(void *context) {
  Walk *run = context;
  walk(run->instance, run->dtb, run->addresses, run->count, run->physical);
}

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: native-translate <plugin> <size> <input>\n"); return 2; }
  FILE *input = fopen(argv[3], "rb");
  if (!input) { perror(argv[3]); return 1; }
  uint64_t header[4];
  if (fread(header, 8, 4, input) != 4 || header[3] > MAX_BATCH) { fprintf(stderr, "bad input\n"); return 1; }
  uint64_t tables_base = header[0], tables_length = header[1], dtb = header[2], count = header[3];
  uint64_t *addresses = malloc(count * 8);
  uint8_t *tables = malloc(tables_length);
  if (fread(addresses, 8, count, input) != count || fread(tables, 1, tables_length, input) != tables_length) {
    fprintf(stderr, "short input\n");
    return 1;
  }
  fclose(input);

  mf_connector_instance instance = testmem_create(load_descriptor(argv[1], "MEMFLOW_CONNECTOR_TESTMEM"), argv[2]);

  WriteOne one = { tables, tables_base, tables_length, false };
  mf_write_ops write = { { &one, next_write }, NULL, NULL };
  if (instance.vtbl_physicalmemory->phys_write_raw_iter(&instance.container, write) != 0) {
    fprintf(stderr, "writing the tables failed\n");
    return 1;
  }

  uint64_t physical[MAX_BATCH];
  Walk run = { &instance, dtb, addresses, count, physical };
  double ns = median_ns(walk_once, &run, 20000, count);
  uint64_t checksum = 0;
  for (uint64_t index = 0; index < count; index++) checksum = checksum * 31 + physical[index];
  printf("{\"ns\": %.3f, \"checksum\": \"%llx\"}\n", ns, (unsigned long long)checksum);
  return 0;
}
