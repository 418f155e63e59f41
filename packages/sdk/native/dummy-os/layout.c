/*
 * dummy OS: what a seed lays out in physical memory (dummy-os.md "Layout"): the kernel's and
 * each process's address space, their modules, page tables and contents, built in a fixed order
 * from one random stream. Part of dummy-os.c.
 */

#define MAX_MODULES 4
#define MODULE_STRIDE 0x100000ull    /* module j of an address space is at base + j MiB */
#define HEAP_OFFSET 0x20000000ull    /* the 2 MiB page, from a process's base */
#define HUGE_OFFSET 0x40000000ull    /* the 1 GiB page, from a process's base */
#define READ_ONLY_END 0x4000ull      /* module pages below this offset: leaf RW and NX clear (code) */
#define KERNEL_BASE 0xfffff80000000000ull
#define PROCESS_BASE 0x100000000ull
#define PROCESS_SLOTS 8190ull        /* 2 GiB-aligned bases in [4 GiB, 16 TiB) */

#define TOO_SMALL MF_ERROR(MF_ORIGIN_ARGS_VALIDATOR, MF_KIND_ARG_VALIDATION)
#define UNWRITABLE MF_ERROR(MF_ORIGIN_PHYSICAL_MEMORY, MF_KIND_OUT_OF_BOUNDS)

typedef struct {
  uint64_t base;
  uint64_t size;
  uint64_t hole; /* the one unmapped page: base + (size / 4 KiB / 2) pages */
  char name[32];
  char path[64];
  unsigned exports, imports;
} Module;

/* An address space: the kernel's (pid 0) or a process's. */
typedef struct {
  uint32_t pid;
  uint64_t dtb; /* the PML4's physical address */
  uint64_t base;
  Module modules[MAX_MODULES];
  size_t module_count;
  uint64_t heap; /* the 2 MiB page's virtual address, 0 when there is none */
  uint64_t huge; /* the 1 GiB page's virtual address, 0 when there is none */
  char name[32];
  char path[64];
  char command_line[96];
} Space;

typedef struct {
  mf_connector_instance *connector;
  Random random;
  uint64_t seed;
  uint64_t next_frame;  /* the 4 KiB frame pool grows up from 4 KiB ... */
  uint64_t frame_limit; /* ... to here */
  int32_t error;
} Builder;

/* A 4 KiB frame from the pool, after skipping 0 or 1 frames so that neighbours in virtual memory are not neighbours in physical memory. */
static bool frame_alloc(Builder *builder, uint64_t *frame) {
  uint64_t at = builder->next_frame + KIB4 * random_below(&builder->random, 2);
  if (at + KIB4 > builder->frame_limit) {
    builder->error = TOO_SMALL;
    return false;
  }
  builder->next_frame = at + KIB4;
  *frame = at;
  return true;
}

static bool builder_write(Builder *builder, uint64_t address, const void *bytes, uint64_t length) {
  if (physical_write(builder->connector, address, bytes, length)) return true;
  builder->error = UNWRITABLE;
  return false;
}

/* A zeroed frame for a page table (the connector's memory may hold anything). */
static bool table_alloc(Builder *builder, uint64_t *frame) {
  static const uint8_t zeroes[KIB4];
  return frame_alloc(builder, frame) && builder_write(builder, *frame, zeroes, KIB4);
}

/* Maps the page of `size` (4 KiB, 2 MiB or 1 GiB) at `address` to `frame`, creating the tables on the way. */
static bool map_page(Builder *builder, uint64_t dtb, uint64_t address, uint64_t frame, uint64_t size, uint64_t flags) {
  int leaf_level = size == GIB1 ? 3 : size == MIB2 ? 2 : 1;
  uint64_t table = dtb;
  for (int level = 4; level > leaf_level; level--) {
    uint64_t slot = table + 8ull * level_index(address, level);
    uint64_t entry;
    if (!physical_read(builder->connector, slot, &entry, 8)) {
      builder->error = UNWRITABLE;
      return false;
    }
    if (!(entry & PTE_PRESENT)) {
      uint64_t next;
      if (!table_alloc(builder, &next)) return false;
      entry = next | PTE_PRESENT | PTE_WRITABLE | PTE_USER;
      if (!builder_write(builder, slot, &entry, 8)) return false;
    }
    table = entry & PTE_ADDRESS;
  }
  uint64_t leaf = frame | flags | PTE_PRESENT | (leaf_level > 1 ? PTE_LARGE : 0);
  return builder_write(builder, table + 8ull * level_index(address, leaf_level), &leaf, 8);
}

/* Writes the content words of [address, address + length) of `pid` at physical `frame`, a page at a time. */
static bool fill_contents(Builder *builder, uint32_t pid, uint64_t address, uint64_t frame, uint64_t length) {
  uint64_t words[KIB4 / 8];
  for (uint64_t done = 0; done < length; done += KIB4) {
    for (uint64_t index = 0; index < KIB4 / 8; index++)
      words[index] = content_word(builder->seed, pid, address + done + index * 8);
    if (!builder_write(builder, frame + done, words, KIB4)) return false;
  }
  return true;
}

/* Draws module `index`'s shape (size, exports, imports) and maps its pages but the hole. */
static bool add_module(Builder *builder, Space *space, size_t index, const char *name, const char *path) {
  Module *module = &space->modules[index];
  uint64_t pages = 8 + random_below(&builder->random, 8);
  module->base = space->base + index * MODULE_STRIDE;
  module->size = pages * KIB4;
  module->hole = module->base + (pages / 2) * KIB4;
  module->exports = 2 + (unsigned)random_below(&builder->random, 4);
  module->imports = 1 + (unsigned)random_below(&builder->random, 3);
  snprintf(module->name, sizeof module->name, "%s", name);
  snprintf(module->path, sizeof module->path, "%s", path);
  uint64_t user = space->pid != 0 ? PTE_USER : 0;
  for (uint64_t page = 0; page < pages; page++) {
    uint64_t address = module->base + page * KIB4;
    if (address == module->hole) continue;
    uint64_t flags = user | (page * KIB4 < READ_ONLY_END ? 0 : PTE_WRITABLE | PTE_NO_EXECUTE);
    uint64_t frame;
    if (!frame_alloc(builder, &frame) || !map_page(builder, space->dtb, address, frame, KIB4, flags) ||
        !fill_contents(builder, space->pid, address, frame, KIB4))
      return false;
  }
  space->module_count = index + 1;
  return true;
}

static const char *const kernel_modules[][2] = {
  { "dummy-kernel", "/boot/dummy-kernel" },
  { "dummy-driver", "/lib/modules/dummy-driver.ko" },
};

static bool build_kernel(Builder *builder, Space *kernel) {
  memset(kernel, 0, sizeof *kernel);
  kernel->base = KERNEL_BASE + random_below(&builder->random, 256) * GIB1;
  if (!table_alloc(builder, &kernel->dtb)) return false;
  for (size_t index = 0; index < 2; index++)
    if (!add_module(builder, kernel, index, kernel_modules[index][0], kernel_modules[index][1])) return false;
  return true;
}

static const char *const libraries[] = { "libc.so.6", "libm.so.6", "libdummy.so" };

/* Process `index` (pid index + 1); `heap_frame` / `huge_frame` are its large frames, 0 for none. */
static bool build_process(Builder *builder, Space *spaces, size_t index, uint64_t heap_frame, uint64_t huge_frame) {
  Space *space = &spaces[index];
  memset(space, 0, sizeof *space);
  space->pid = (uint32_t)index + 1;
  for (bool taken = true; taken;) {
    space->base = PROCESS_BASE + random_below(&builder->random, PROCESS_SLOTS) * 2 * GIB1;
    taken = false;
    for (size_t other = 0; other < index; other++) taken = taken || spaces[other].base == space->base;
  }
  snprintf(space->name, sizeof space->name, "dummy%u", space->pid);
  snprintf(space->path, sizeof space->path, "/usr/bin/dummy%u", space->pid);
  snprintf(space->command_line, sizeof space->command_line, "/usr/bin/dummy%u --seed %llu", space->pid,
           (unsigned long long)builder->seed);
  if (!table_alloc(builder, &space->dtb)) return false;
  size_t modules = 2 + (size_t)random_below(&builder->random, 3);
  if (!add_module(builder, space, 0, space->name, space->path)) return false;
  for (size_t module = 1; module < modules; module++) {
    char path[64];
    snprintf(path, sizeof path, "/usr/lib/%s", libraries[module - 1]);
    if (!add_module(builder, space, module, libraries[module - 1], path)) return false;
  }
  uint64_t data = PTE_USER | PTE_WRITABLE | PTE_NO_EXECUTE;
  if (heap_frame) {
    space->heap = space->base + HEAP_OFFSET;
    if (!map_page(builder, space->dtb, space->heap, heap_frame, MIB2, data) ||
        !fill_contents(builder, space->pid, space->heap, heap_frame, MIB2))
      return false;
  }
  if (huge_frame) {
    space->huge = space->base + HUGE_OFFSET;
    if (!map_page(builder, space->dtb, space->huge, huge_frame, GIB1, data) ||
        !fill_contents(builder, space->pid, space->huge, huge_frame, KIB4) ||
        !fill_contents(builder, space->pid, space->huge + GIB1 - KIB4, huge_frame + GIB1 - KIB4, KIB4))
      return false;
  }
  return true;
}

/*
 * Lays out the kernel and `count` processes in physical memory [0, size). The low gigabyte (or
 * all of a smaller memory) is cut into 2 MiB blocks: process i < blocks / 2 gets block
 * (blocks - 1 - i) as its 2 MiB page, and the 4 KiB frame pool is what lies below the lowest
 * such block. Process i gets gigabyte i + 1 as its 1 GiB page when memory reaches 1 GiB past it.
 */
static int32_t build_layout(mf_connector_instance *connector, uint64_t size, uint64_t seed, Space *kernel,
                            Space *processes, size_t count) {
  uint64_t low = size < GIB1 ? size & ~(KIB4 - 1) : GIB1;
  uint64_t blocks = low / MIB2;
  uint64_t heaps = count < blocks / 2 ? count : blocks / 2;
  Builder builder = { connector, random_new(seed), seed, KIB4, heaps ? (blocks - heaps) * MIB2 : low, 0 };
  if (!build_kernel(&builder, kernel)) return builder.error;
  for (size_t index = 0; index < count; index++) {
    uint64_t heap_frame = index < heaps ? (blocks - 1 - index) * MIB2 : 0;
    uint64_t huge_frame = (index + 2) * GIB1 <= size ? (index + 1) * GIB1 : 0;
    if (!build_process(&builder, processes, index, heap_frame, huge_frame)) return builder.error;
  }
  return 0;
}
