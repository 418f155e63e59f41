/*
 * The native baseline for bench/os.ts: a C program that loads the testmem connector and the
 * testos OS plugin (test/support/plugins, test-os.md), creates `testmem:size=300000` and testos
 * over it with `processes=1000`, and calls the same vtables memflow-ts calls, timing:
 *
 *   - "64 x 8 B": 64 reads of 8 bytes in one read_raw_iter of init's MemoryView, then every byte
 *     read (XORed together), as bench/os.ts's calls do (ns per item);
 *   - "process list": one process_info_list_callback, copying each entry it receives (the
 *     record, and its three strings into one buffer, freeing the plugin's as the receiver must);
 *   - "1 MiB": one 1 MiB read_raw_iter of init's region at 10000000 (ns per read).
 *
 * Physical memory holds pattern(its address) first, and every result is checked (bytes against
 * the contract's translation, the list against its processes), so nothing here times a no-op.
 * Prints the medians as JSON.
 *
 *   ./native-os libmemflow_testmem.so libmemflow_testos.so
 */
#include "native-bench.h"

/* What every physical byte holds: the same function as bench/os.ts's. */
static uint8_t pattern(uint64_t pa) { return (uint8_t)(pa ^ (pa >> 8) ^ (pa >> 16)); }

/* init's 1 MiB region (test-os.md, "Virtual memory"): 10000000 + x is physical 200000 + x. */
enum { REGION = 0x10000000, REGION_PHYSICAL = 0x200000, MIB = 1 << 20, ITEMS = 64, ITEM_SIZE = 8, PROCESSES = 1005 };

static bool patterned(const uint8_t *bytes, uint64_t length, uint64_t va) {
  for (uint64_t index = 0; index < length; index++)
    if (bytes[index] != pattern(REGION_PHYSICAL + va - REGION + index)) return false;
  return true;
}

/* ---- reads: requests handed out by an iterator, counted by the callbacks ---- */

typedef struct {
  const uint64_t *addresses;
  uint8_t *const *buffers;
  uint64_t length;
  uint64_t count;
  uint64_t next;
  uint64_t done;
  uint64_t failed;
} Reads;

static int32_t read_next(void *iter, void *out) {
  Reads *reads = iter;
  if (reads->next >= reads->count) return 1;
  mf_read_data_raw *item = out;
  item->addr = item->meta_addr = reads->addresses[reads->next];
  item->data.data = reads->buffers[reads->next];
  item->data.len = reads->length;
  reads->next++;
  return 0;
}

static bool read_ok(void *context, mf_read_data data) {
  ((Reads *)context)->done += data.data.len;
  return true;
}

static bool read_fail(void *context, mf_read_data data) {
  ((Reads *)context)->failed += data.data.len;
  return true;
}

typedef struct {
  mf_process_instance *process;
  Reads reads;
  /* Whether each run reads every byte it received, as bench/os.ts's 64 x 8 B calls do. */
  bool consume;
} ReadRun;

static void run_reads(void *context) {
  ReadRun *run = context;
  run->reads.next = 0;
  mf_read_callback ok = { &run->reads, read_ok }, failed = { &run->reads, read_fail };
  mf_read_raw_ops ops = { { &run->reads, read_next }, &ok, &failed };
  if (run->process->vtbl_memoryview->read_raw_iter(&run->process->container, ops) != 0) fail("read_raw_iter failed");
  if (run->consume) consume(run->reads.buffers, run->reads.count, run->reads.length);
}

/* Runs once more after timing, and checks that every byte came, and came from the right place. */
static void check_reads(ReadRun *run) {
  for (uint64_t index = 0; index < run->reads.count; index++) memset(run->reads.buffers[index], 0, run->reads.length);
  run->reads.done = run->reads.failed = 0;
  run_reads(run);
  if (run->reads.done != run->reads.count * run->reads.length || run->reads.failed != 0) fail("reads incomplete");
  for (uint64_t index = 0; index < run->reads.count; index++)
    if (!patterned(run->reads.buffers[index], run->reads.length, run->reads.addresses[index])) fail("wrong bytes");
}

/* ---- the process list: each entry copied as it is received ---- */

typedef struct {
  mf_process_info entries[PROCESSES + 8];
  char text[PROCESSES * 96];
  uint64_t count;
  uint64_t text_length;
} ProcessList;

static void copy_string(ProcessList *list, char **field) {
  char *owned = *field;
  size_t length = strlen(owned) + 1;
  if (list->text_length + length > sizeof list->text) fail("process list text overflow");
  memcpy(list->text + list->text_length, owned, length);
  *field = list->text + list->text_length;
  list->text_length += length;
  free(owned);
}

static bool on_process(void *context, mf_process_info info) {
  ProcessList *list = context;
  if (list->count >= PROCESSES + 8) fail("process list overflow");
  mf_process_info *entry = &list->entries[list->count++];
  *entry = info;
  copy_string(list, &entry->name);
  copy_string(list, &entry->path);
  copy_string(list, &entry->command_line);
  return true;
}

typedef struct {
  mf_os_instance *os;
  ProcessList *list;
} ListRun;

static void run_list(void *context) {
  ListRun *run = context;
  run->list->count = run->list->text_length = 0;
  mf_process_info_callback callback = { run->list, on_process };
  if (run->os->vtbl_os->process_info_list_callback(&run->os->container, callback) != 0) fail("list failed");
}

/* test-os.md: the five fixed processes, then generated process i with pid 10000 + i, `proc<i>`. */
static void check_list(const ProcessList *list) {
  if (list->count != PROCESSES) fail("wrong process count");
  const mf_process_info *init = &list->entries[0], *last = &list->entries[PROCESSES - 1];
  if (init->pid != 1 || strcmp(init->name, "init") != 0 || strcmp(init->command_line, "/sbin/init splash") != 0)
    fail("wrong first process");
  if (last->pid != 10999 || last->address != 0x100000000ull + 999 * 0x1000 || strcmp(last->name, "proc999") != 0 ||
      strcmp(last->command_line, "/usr/bin/proc999 --index 999") != 0)
    fail("wrong last process");
}

static void drop_container(mf_container *container) {
  if (container->instance.drop_fn && container->instance.instance) container->instance.drop_fn(container->instance.instance);
  if (container->context.drop_fn && container->context.instance) container->context.drop_fn(container->context.instance);
}

int main(int argc, char **argv) {
  if (argc < 3) fail("usage: native-os <libmemflow_testmem.so> <libmemflow_testos.so>");
  const mf_plugin_descriptor *testmem = load_descriptor(argv[1], "MEMFLOW_CONNECTOR_TESTMEM");
  const mf_plugin_descriptor *testos = load_descriptor(argv[2], "MEMFLOW_OS_TESTOS");

  mf_option_connector_instance input;
  memset(&input, 0, sizeof input);
  input.tag = MF_OPTION_SOME;
  input.value = testmem_create(testmem, "300000");
  testmem_fill(&input.value, pattern);
  char key[] = "processes", value[] = "1000";
  mf_arg_entry entry = { key, value };
  mf_os_args args;
  memset(&args, 0, sizeof args);
  args.extra_args.data = &entry;
  args.extra_args.len = args.extra_args.capacity = 1;
  mf_carc lib = { 0, 0, 0 };
  mf_os_instance os;
  if (testos->create.os(&args, input, lib, NULL, &os) != 0) fail("testos create failed");

  /* The list first: a process borrows the OS, whose own entries may not be called while it lives. */
  ProcessList *list = calloc(1, sizeof *list);
  ListRun listing = { &os, list };
  double list_ns = median_ns(run_list, &listing, 200, 1);
  check_list(list);

  mf_process_instance init;
  if (os.vtbl_os->process_by_pid(&os.container, 1, &init) != 0) fail("no init");

  /* 64 x 8 B: one read in each 16 KiB of the region, at an odd offset. */
  uint64_t addresses[ITEMS];
  uint8_t *small[ITEMS], *small_bytes = malloc(ITEMS * ITEM_SIZE);
  for (uint64_t index = 0; index < ITEMS; index++) {
    addresses[index] = REGION + index * 0x4000 + 0x123;
    small[index] = small_bytes + index * ITEM_SIZE;
  }
  ReadRun many = { &init, { addresses, small, ITEM_SIZE, ITEMS, 0, 0, 0 }, true };
  double many_ns = median_ns(run_reads, &many, 20000, ITEMS);
  check_reads(&many);

  uint64_t region = REGION;
  uint8_t *large = malloc(MIB);
  ReadRun whole = { &init, { &region, &large, MIB, 1, 0, 0, 0 }, false };
  double mib_ns = median_ns(run_reads, &whole, 500, 1);
  check_reads(&whole);

  printf("{\"64 x 8 B\": %.3f, \"process list\": %.3f, \"1 MiB\": %.3f}\n", many_ns, list_ns, mib_ns);
  drop_container(&init.container);
  drop_container(&os.container);
  free(small_bytes);
  free(large);
  free(list);
  return 0;
}
