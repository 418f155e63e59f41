/*
 * dummy OS: what a seed lays out in physical memory (dummy-os.md "Physical layout", "The seed"):
 * the kernel's and each process's address space, their modules, page tables and contents. Each
 * space draws from its own stream, seeded from (seed, pid), so it can be built alone: creating the
 * OS draws every space's shape and reserves its frames (no memory touched but the kernel's); a
 * process's tables and contents are written when it is first opened (space_build), the same bytes
 * whatever order processes are opened in. Part of dummy-os.c.
 */

#define MAX_MODULES 4
#define MAX_TABLES 5                 /* PML4, PDPT, PD and one PT per 2 MiB of modules */
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
  /*
   * Static text, or NULL for a process's own image, named as its process (module_name in modules.c):
   * no copies of the names in each of a thousand spaces, whose memory creating the OS touches.
   */
  const char *name;
  const char *path;
  unsigned exports, imports;
} Module;

/* An address space: the kernel's (pid 0) or a process's. */
typedef struct {
  uint32_t pid;
  uint64_t dtb; /* the PML4's physical address */
  uint64_t base;
  Module modules[MAX_MODULES];
  size_t module_count;
  uint64_t heap;       /* the 2 MiB page's virtual address, 0 when there is none */
  uint64_t heap_frame; /* ... and its physical frame */
  uint64_t huge;       /* the 1 GiB page's virtual address, 0 when there is none */
  uint64_t huge_frame;
  Random frame_draws;  /* the stream where the frame draws start */
  uint64_t first_frame; /* where the space's frames start in the 4 KiB pool */
  bool built;           /* tables and contents are in memory */
  char name[32];
  char path[64];
  char command_line[96];
} Space;

typedef struct {
  mf_connector_instance *connector; /* NULL while only reserving frames */
  Random random;
  uint64_t seed;
  uint64_t next_frame;  /* the 4 KiB frame pool grows up from 4 KiB ... */
  uint64_t frame_limit; /* ... to here */
  uint64_t tables[MAX_TABLES]; /* a space's tables, taken in order as its mappings need them */
  size_t tables_used;
  int32_t error;
  uint64_t taken_slots[(PROCESS_SLOTS + 63) / 64]; /* the process bases drawn so far, one bit per slot */
} Builder;

/* Each space's own stream: seeded from (seed, pid) by the content function, so no space's draws depend on another's. */
static Random space_random(uint64_t seed, uint32_t pid) { return random_new(content_word(seed, pid, 0)); }

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

/*
 * The tables of a space: its modules lie in [base, base + 4 MiB) with a 2 GiB-aligned process
 * base (a GiB-aligned kernel one), and its 2 MiB and 1 GiB pages sit in the same PD and PDPT, so
 * it needs a PML4, a PDPT, a PD and one PT per 2 MiB of modules.
 */
static size_t space_table_count(const Space *space) { return 3 + (space->module_count + 1) / 2; }

static size_t space_frame_count(const Space *space) {
  size_t frames = space_table_count(space);
  for (size_t index = 0; index < space->module_count; index++) frames += space->modules[index].size / KIB4 - 1;
  return frames;
}

/* The next of the space's tables, zeroed (the connector's memory may hold anything). */
static bool table_take(Builder *builder, uint64_t *frame) {
  static const uint8_t zeroes[KIB4];
  if (builder->tables_used == MAX_TABLES) {
    builder->error = MF_ERROR(MF_ORIGIN_OS_LAYER, MF_KIND_UNKNOWN);
    return false;
  }
  *frame = builder->tables[builder->tables_used++];
  return builder_write(builder, *frame, zeroes, KIB4);
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
      if (!table_take(builder, &next)) return false;
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

/*
 * `first`, `second` and `third` (NULL for none) joined into `to` of `size` bytes, cut to fit:
 * snprintf's "%s%s%s" without parsing a format, which was most of what creating 1,000 processes
 * cost (a few thousand names and paths).
 */
static void text_join(char *to, size_t size, const char *first, const char *second, const char *third) {
  const char *parts[] = { first, second, third };
  size_t at = 0;
  for (size_t index = 0; index < 3 && parts[index]; index++) {
    size_t length = strnlen(parts[index], size - 1 - at);
    memcpy(to + at, parts[index], length);
    at += length;
  }
  to[at] = 0;
}

/* `value` in decimal, written at the end of `digits`; returns where it starts. */
static const char *decimal(uint64_t value, char digits[21]) {
  char *at = digits + 20;
  *at = 0;
  do *--at = (char)('0' + value % 10);
  while (value /= 10);
  return at;
}

/* Draws module `index`'s shape: its size, exports and imports. */
static void draw_module(Random *random, Space *space, size_t index, const char *name, const char *path) {
  Module *module = &space->modules[index];
  uint64_t pages = 8 + random_below(random, 8);
  module->base = space->base + index * MODULE_STRIDE;
  module->size = pages * KIB4;
  module->hole = module->base + (pages / 2) * KIB4;
  module->exports = 2 + (unsigned)random_below(random, 4);
  module->imports = 1 + (unsigned)random_below(random, 3);
  module->name = name;
  module->path = path;
  space->module_count = index + 1;
}

/*
 * Reserves the space's frames at the pool's cursor: its tables first, then its module pages in
 * address order, each after its skip draw. Sets its dtb (the first table) and leaves the stream
 * where it was, for space_build to draw the same frames again.
 */
static bool reserve_frames(Builder *builder, Space *space, Random draws) {
  builder->random = draws;
  space->frame_draws = draws;
  space->first_frame = builder->next_frame;
  size_t frames = space_frame_count(space);
  for (size_t index = 0; index < frames; index++) {
    uint64_t frame;
    if (!frame_alloc(builder, &frame)) return false;
    if (index == 0) space->dtb = frame;
  }
  return true;
}

/* Writes the space's tables, module pages and large pages into memory, from its reserved frames. */
static bool space_build(Builder *builder, Space *space) {
  builder->random = space->frame_draws;
  builder->next_frame = space->first_frame;
  builder->tables_used = 0;
  size_t table_count = space_table_count(space);
  for (size_t index = 0; index < table_count; index++)
    if (!frame_alloc(builder, &builder->tables[index])) return false;
  uint64_t dtb;
  if (!table_take(builder, &dtb)) return false;
  uint64_t user = space->pid != 0 ? PTE_USER : 0;
  for (size_t index = 0; index < space->module_count; index++) {
    const Module *module = &space->modules[index];
    for (uint64_t page = 0; page < module->size / KIB4; page++) {
      uint64_t address = module->base + page * KIB4;
      if (address == module->hole) continue;
      uint64_t flags = user | (page * KIB4 < READ_ONLY_END ? 0 : PTE_WRITABLE | PTE_NO_EXECUTE);
      uint64_t frame;
      if (!frame_alloc(builder, &frame) || !map_page(builder, dtb, address, frame, KIB4, flags) ||
          !fill_contents(builder, space->pid, address, frame, KIB4))
        return false;
    }
  }
  uint64_t data = PTE_USER | PTE_WRITABLE | PTE_NO_EXECUTE;
  if (space->heap && (!map_page(builder, dtb, space->heap, space->heap_frame, MIB2, data) ||
                      !fill_contents(builder, space->pid, space->heap, space->heap_frame, MIB2)))
    return false;
  if (space->huge &&
      (!map_page(builder, dtb, space->huge, space->huge_frame, GIB1, data) ||
       !fill_contents(builder, space->pid, space->huge, space->huge_frame, KIB4) ||
       !fill_contents(builder, space->pid, space->huge + GIB1 - KIB4, space->huge_frame + GIB1 - KIB4, KIB4)))
    return false;
  space->built = true;
  return true;
}

/* Builds the space when it is not yet in memory: 0, or the error that stopped it. */
static int32_t space_ensure_built(mf_connector_instance *connector, uint64_t seed, Space *space) {
  if (space->built) return 0;
  Builder builder;
  memset(&builder, 0, sizeof builder);
  builder.connector = connector;
  builder.seed = seed;
  builder.frame_limit = UINT64_MAX;
  return space_build(&builder, space) ? 0 : builder.error;
}

static const char *const kernel_modules[][2] = {
  { "dummy-kernel", "/boot/dummy-kernel" },
  { "dummy-driver", "/lib/modules/dummy-driver.ko" },
};

static bool plan_kernel(Builder *builder, Space *kernel) {
  memset(kernel, 0, sizeof *kernel);
  Random random = space_random(builder->seed, 0);
  kernel->base = KERNEL_BASE + random_below(&random, 256) * GIB1;
  for (size_t index = 0; index < 2; index++)
    draw_module(&random, kernel, index, kernel_modules[index][0], kernel_modules[index][1]);
  return reserve_frames(builder, kernel, random);
}

static const char *const libraries[][2] = {
  { "libc.so.6", "/usr/lib/libc.so.6" },
  { "libm.so.6", "/usr/lib/libm.so.6" },
  { "libdummy.so", "/usr/lib/libdummy.so" },
};

/* Process `index` (pid index + 1): its info and shape; `heap_frame` / `huge_frame` are its large frames, 0 for none. */
static bool plan_process(Builder *builder, Space *spaces, size_t index, uint64_t heap_frame, uint64_t huge_frame) {
  Space *space = &spaces[index];
  memset(space, 0, sizeof *space);
  space->pid = (uint32_t)index + 1;
  Random random = space_random(builder->seed, space->pid);
  uint64_t slot; /* drawn again while a lower pid has it */
  do slot = random_below(&random, PROCESS_SLOTS);
  while (builder->taken_slots[slot / 64] >> (slot % 64) & 1);
  builder->taken_slots[slot / 64] |= 1ull << (slot % 64);
  space->base = PROCESS_BASE + slot * 2 * GIB1;
  char pid_digits[21], seed_digits[21];
  const char *pid = decimal(space->pid, pid_digits);
  text_join(space->name, sizeof space->name, "dummy", pid, NULL);
  text_join(space->path, sizeof space->path, "/usr/bin/", space->name, NULL);
  text_join(space->command_line, sizeof space->command_line, space->path, " --seed ",
            decimal(builder->seed, seed_digits));
  size_t modules = 2 + (size_t)random_below(&random, 3);
  draw_module(&random, space, 0, NULL, NULL);
  for (size_t module = 1; module < modules; module++)
    draw_module(&random, space, module, libraries[module - 1][0], libraries[module - 1][1]);
  if (heap_frame) {
    space->heap = space->base + HEAP_OFFSET;
    space->heap_frame = heap_frame;
  }
  if (huge_frame) {
    space->huge = space->base + HUGE_OFFSET;
    space->huge_frame = huge_frame;
  }
  return reserve_frames(builder, space, random);
}

/*
 * Lays out the kernel and `count` processes in physical memory [0, size). The low gigabyte (or
 * all of a smaller memory) is cut into 2 MiB blocks: process i < blocks / 2 gets block
 * (blocks - 1 - i) as its 2 MiB page, and the 4 KiB frame pool is what lies below the lowest
 * such block. Process i gets gigabyte i + 1 as its 1 GiB page when memory reaches 1 GiB past it.
 * Every space's frames are reserved here (so a memory too small fails now); only the kernel is
 * written.
 */
static int32_t build_layout(mf_connector_instance *connector, uint64_t size, uint64_t seed, Space *kernel,
                            Space *processes, size_t count) {
  uint64_t low = size < GIB1 ? size & ~(KIB4 - 1) : GIB1;
  uint64_t blocks = low / MIB2;
  uint64_t heaps = count < blocks / 2 ? count : blocks / 2;
  Builder builder;
  memset(&builder, 0, sizeof builder);
  builder.seed = seed;
  builder.next_frame = KIB4;
  builder.frame_limit = heaps ? (blocks - heaps) * MIB2 : low;
  if (!plan_kernel(&builder, kernel)) return builder.error;
  for (size_t index = 0; index < count; index++) {
    uint64_t heap_frame = index < heaps ? (blocks - 1 - index) * MIB2 : 0;
    uint64_t huge_frame = (index + 2) * GIB1 <= size ? (index + 1) * GIB1 : 0;
    if (!plan_process(&builder, processes, index, heap_frame, huge_frame)) return builder.error;
  }
  return space_ensure_built(connector, seed, kernel);
}
