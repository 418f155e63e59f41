/*
 * testos: the translation tables of test-os.md ("Virtual memory") and the walks memflow's
 * VirtualTranslate defaults are built from: pieces split at 4 KiB pages, the translation map
 * (neighbours contiguous in both spaces merged) and the GapRemover of mapped_mem / virt_page_map.
 * Pure functions over a table; the vtables that use them are in virtual-translate.c and
 * memory-view.c. Part of test-os.c (one translation unit, see there).
 */

#define PAGE_SIZE 0x1000ull
/* memflow stores bit_length(size) - 2 for a page size: 11 for 4 KiB (memflow-os.md §2). */
#define PAGE_SIZE_LOG2 11
#define MAPPED_PAGE_TYPE MF_PAGE_TYPE_WRITEABLE

/* A run of pages mapped linearly: [va, va + size) to [pa, pa + size). Runs are page-aligned and sorted by va. */
typedef struct { uint64_t va; uint64_t size; uint64_t pa; } Run;
typedef struct { const Run *runs; size_t count; } Table;

#define RUNS(k) \
  { 0x400000, 0x5000, 0x100000 + (k) * 0x10000 }, { 0x406000, 0xa000, 0x106000 + (k) * 0x10000 }
/* Process k of the five fixed ones; init (k = 0) also maps 1 MiB at 10000000. */
static const Run process_runs[5][3] = {
  { RUNS(0), { 0x10000000, 0x100000, 0x200000 } }, { RUNS(1) }, { RUNS(2) }, { RUNS(3) }, { RUNS(4) },
};
static const size_t process_run_counts[5] = { 3, 2, 2, 2, 2 };
static const Run kernel_runs[] = {
  { 0xfffff80000000000, 0x2000, 0x0 },
  { 0xfffff80000003000, 0xd000, 0x3000 },
};

static Table process_table(size_t fixed_index) {
  Table table = { NULL, 0 };
  if (fixed_index < 5) {
    table.runs = process_runs[fixed_index];
    table.count = process_run_counts[fixed_index];
  }
  return table;
}

static Table kernel_table(void) {
  Table table = { kernel_runs, sizeof kernel_runs / sizeof kernel_runs[0] };
  return table;
}

/* [address, address + size) clipped at the top of the address space. */
static uint64_t range_end(uint64_t address, uint64_t size) {
  return size > UINT64_MAX - address ? UINT64_MAX : address + size;
}

/* A walk's receivers: a mapped piece (never crossing a 4 KiB page) or an unmapped stretch. False stops the walk. */
typedef bool (*PieceFn)(void *context, uint64_t va, uint64_t size, uint64_t pa);
typedef bool (*HoleFn)(void *context, uint64_t va, uint64_t size);

/*
 * Walks [start, end) in address order: each mapped part as 4 KiB-split pieces, each unmapped
 * stretch as one hole (a whole address space can be walked: holes are not split into pages).
 * Returns false when a receiver stopped it. hole may be NULL.
 */
static bool table_walk(Table table, uint64_t start, uint64_t end, PieceFn piece, HoleFn hole, void *context) {
  uint64_t at = start;
  for (size_t index = 0; index < table.count && at < end; index++) {
    const Run *run = &table.runs[index];
    uint64_t run_end = run->va + run->size;
    if (run_end <= at) continue;
    if (run->va >= end) break;
    if (run->va > at) {
      if (hole && !hole(context, at, run->va - at)) return false;
      at = run->va;
    }
    uint64_t stop = run_end < end ? run_end : end;
    while (at < stop) {
      uint64_t page_end = (at & ~(PAGE_SIZE - 1)) + PAGE_SIZE;
      uint64_t piece_end = page_end < stop ? page_end : stop;
      if (!piece(context, at, piece_end - at, run->pa + (at - run->va))) return false;
      at = piece_end;
    }
  }
  if (at < end && hole && !hole(context, at, end - at)) return false;
  return true;
}

static mf_physical_address mapped_physical(uint64_t pa) {
  mf_physical_address physical = { pa, MAPPED_PAGE_TYPE, PAGE_SIZE_LOG2 };
  return physical;
}

/*
 * The translation map: pieces in address order, merged while contiguous in both spaces with one
 * page type; a merged entry keeps its first piece's out_physical (memflow's coalesce).
 */
typedef struct {
  mf_virtual_translation pending;
  bool has_pending;
  bool stopped;
  mf_virtual_translation_callback out;
} TranslationMap;

static bool translation_map_push(void *context, uint64_t va, uint64_t size, uint64_t pa) {
  TranslationMap *map = context;
  mf_virtual_translation *pending = &map->pending;
  if (map->has_pending && pending->in_virtual + pending->size == va &&
      pending->out_physical.address + pending->size == pa && pending->out_physical.page_type == MAPPED_PAGE_TYPE) {
    pending->size += size;
    return true;
  }
  if (map->has_pending && !map->out.func(map->out.context, *pending)) {
    map->stopped = true;
    return false;
  }
  mf_virtual_translation next = { va, size, mapped_physical(pa) };
  map->pending = next;
  map->has_pending = true;
  return true;
}

static void translation_map(Table table, uint64_t start, uint64_t end, mf_virtual_translation_callback out) {
  TranslationMap map = { .out = out };
  table_walk(table, start, end, translation_map_push, NULL, &map);
  if (map.has_pending && !map.stopped) out.func(out.context, map.pending);
}

/*
 * memflow's GapRemover (types/gap_remover.rs): ranges merge when adjacent with one page type (a
 * RangeMap); an interior gap of at most gap_size bytes between two ranges of one type is filled,
 * unless gap_size is negative. Gaps at either end of [start, end) have one neighbour and stay.
 */
typedef struct {
  int64_t gap_size;
  mf_memory_range pending;
  bool has_pending;
  bool stopped;
  mf_memory_range_callback out;
} GapRemover;

static bool gap_remover_push(void *context, uint64_t va, uint64_t size, uint64_t pa) {
  (void)pa;
  GapRemover *remover = context;
  mf_memory_range *pending = &remover->pending;
  if (remover->has_pending && pending->page_type == MAPPED_PAGE_TYPE) {
    uint64_t pending_end = pending->address + pending->size;
    uint64_t gap = va - pending_end;
    if (gap == 0 || (remover->gap_size >= 0 && gap <= (uint64_t)remover->gap_size)) {
      pending->size = va + size - pending->address;
      return true;
    }
  }
  if (remover->has_pending && !remover->out.func(remover->out.context, *pending)) {
    remover->stopped = true;
    return false;
  }
  mf_memory_range next = { va, size, MAPPED_PAGE_TYPE };
  remover->pending = next;
  remover->has_pending = true;
  return true;
}

static void page_map(Table table, int64_t gap_size, uint64_t start, uint64_t end, mf_memory_range_callback out) {
  GapRemover remover = { .gap_size = gap_size, .out = out };
  table_walk(table, start, end, gap_remover_push, NULL, &remover);
  if (remover.has_pending && !remover.stopped) out.func(out.context, remover.pending);
}
