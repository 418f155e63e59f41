/*
 * dummy OS: VirtualTranslate of a View (memflow-os.md §7) over the page-table walk, with
 * memflow's default bodies: pieces end at page ends; the maps merge them (below). Part of
 * dummy-os.c.
 */

#define NOT_MAPPED MF_ERROR(MF_ORIGIN_VIRTUAL_TRANSLATE, MF_KIND_OUT_OF_BOUNDS)

/* The pieces of [start, end) in address order: each mapped page's part of it, and each gap between. */
typedef struct {
  uint64_t start, end;
  uint64_t at; /* where the next piece or gap starts */
  bool (*piece)(void *context, uint64_t address, uint64_t size, mf_physical_address physical);
  bool (*gap)(void *context, uint64_t address, uint64_t size); /* NULL: gaps are not reported */
  void *context;
} Piecewise;

static bool piecewise_leaf(void *context, const Leaf *leaf) {
  Piecewise *walk = context;
  uint64_t first = leaf->virtual_base > walk->start ? leaf->virtual_base : walk->start;
  uint64_t leaf_last = leaf->virtual_base + (leaf->size - 1);
  uint64_t last = leaf_last < walk->end - 1 ? leaf_last : walk->end - 1;
  if (first > walk->at && walk->gap && !walk->gap(walk->context, walk->at, first - walk->at)) return false;
  walk->at = last + 1;
  return walk->piece(walk->context, first, last - first + 1, leaf_physical(leaf, first));
}

/* False when a receiver stopped the walk. */
static bool pieces_of(const View *view, uint64_t start, uint64_t end, Piecewise *walk) {
  walk->start = start;
  walk->end = end;
  walk->at = start;
  if (!walk_range(&view->os->connector, view->dtb, start, end, piecewise_leaf, walk)) return false;
  bool ends_in_gap = walk->at < end && walk->at != 0; /* at wraps to 0 after a page at the very top */
  return !(ends_in_gap && walk->gap && !walk->gap(walk->context, walk->at, end - walk->at));
}

/* ---- virt_to_phys_list / _range ---- */

typedef struct {
  mf_virtual_translation_callback out;
  mf_virtual_translation_fail_callback out_fail;
} Translations;

static bool translation_out(void *context, uint64_t address, uint64_t size, mf_physical_address physical) {
  Translations *translations = context;
  mf_virtual_translation translation = { address, size, physical };
  return translations->out.func(translations->out.context, translation);
}

static bool translation_fail(void *context, uint64_t address, uint64_t size) {
  Translations *translations = context;
  mf_virtual_translation_fail fail = { address, size };
  return translations->out_fail.func(translations->out_fail.context, fail);
}

/* [address, address + size) clipped at the top of the address space. */
static uint64_t range_end(uint64_t address, uint64_t size) {
  return size > UINT64_MAX - address ? UINT64_MAX : address + size;
}

static void translate_list(mf_container *cont, mf_vtop_range_slice addrs, mf_virtual_translation_callback out,
                           mf_virtual_translation_fail_callback out_fail) {
  Translations translations = { out, out_fail };
  Piecewise walk = { .piece = translation_out, .gap = translation_fail, .context = &translations };
  for (size_t index = 0; index < addrs.len; index++) {
    uint64_t start = addrs.data[index].address;
    if (!pieces_of(view_of(cont), start, range_end(start, addrs.data[index].size), &walk)) return;
  }
}

/* memflow asserts end >= start (a panic that aborts across the ABI); a reversed range translates nothing here. */
static void translate_range(mf_container *cont, uint64_t start, uint64_t end, mf_virtual_translation_callback out) {
  Translations translations = { .out = out };
  Piecewise walk = { .piece = translation_out, .context = &translations };
  pieces_of(view_of(cont), start, end, &walk);
}

/*
 * ---- the translation map and the page map: runs merged in address order ----
 *
 * The translation map (memflow's coalesce) joins a piece to the run before it when both are
 * contiguous in virtual and physical memory with one page type, and keeps the run's first
 * physical address and page size. The page map (memflow's GapRemover) joins ranges of one page
 * type that touch, or whose gap is at most gap_size bytes (never when gap_size < 0).
 */

typedef struct {
  uint64_t address, size;
  mf_physical_address physical;
} Run;

typedef struct {
  bool by_physical; /* the translation map's rule, else the page map's */
  int64_t gap_size;
  Run run;
  bool open; /* run holds something not yet emitted */
  bool (*emit)(void *out, const Run *run);
  void *out;
} Merger;

static bool merger_joins(const Merger *merger, uint64_t address, mf_physical_address physical) {
  const Run *run = &merger->run;
  if (!merger->open || run->physical.page_type != physical.page_type) return false;
  uint64_t gap = address - (run->address + run->size);
  if (merger->by_physical) return gap == 0 && run->physical.address + run->size == physical.address;
  return gap == 0 || (merger->gap_size >= 0 && gap <= (uint64_t)merger->gap_size);
}

static bool merger_piece(void *context, uint64_t address, uint64_t size, mf_physical_address physical) {
  Merger *merger = context;
  if (merger_joins(merger, address, physical)) {
    merger->run.size = address + size - merger->run.address;
    return true;
  }
  if (merger->open && !merger->emit(merger->out, &merger->run)) return false;
  Run next = { address, size, physical };
  merger->run = next;
  merger->open = true;
  return true;
}

/* Walks [start, end) through the merger, then emits the last run unless a receiver stopped. */
static void merge_pieces(const View *view, uint64_t start, uint64_t end, Merger *merger) {
  Piecewise walk = { .piece = merger_piece, .context = merger };
  if (pieces_of(view, start, end, &walk) && merger->open) merger->emit(merger->out, &merger->run);
}

static bool emit_translation(void *out, const Run *run) {
  mf_virtual_translation_callback *callback = out;
  mf_virtual_translation translation = { run->address, run->size, run->physical };
  return callback->func(callback->context, translation);
}

static bool emit_range(void *out, const Run *run) {
  mf_memory_range_callback *callback = out;
  mf_memory_range range = { run->address, run->size, run->physical.page_type };
  return callback->func(callback->context, range);
}

static void translation_map(const View *view, uint64_t start, uint64_t end, mf_virtual_translation_callback out) {
  Merger merger = { .by_physical = true, .emit = emit_translation, .out = &out };
  merge_pieces(view, start, end, &merger);
}

static void page_map(const View *view, int64_t gap_size, uint64_t start, uint64_t end, mf_memory_range_callback out) {
  Merger merger = { .gap_size = gap_size, .emit = emit_range, .out = &out };
  merge_pieces(view, start, end, &merger);
}

static void translate_map_range(mf_container *cont, uint64_t start, uint64_t end, mf_virtual_translation_callback out) {
  translation_map(view_of(cont), start, end, out);
}

static void translate_map(mf_container *cont, mf_virtual_translation_callback out) {
  translation_map(view_of(cont), 0, MF_ADDRESS_INVALID, out);
}

static void translate_page_map_range(mf_container *cont, int64_t gap_size, uint64_t start, uint64_t end,
                                     mf_memory_range_callback out) {
  page_map(view_of(cont), gap_size, start, end, out);
}

static void translate_page_map(mf_container *cont, int64_t gap_size, mf_memory_range_callback out) {
  page_map(view_of(cont), gap_size, 0, MF_ADDRESS_INVALID, out);
}

/*
 * memflow's default phys_to_virt: the virtual start of the first merged run of the whole map
 * that starts at `phys` (an address inside a run is not found). The search keeps the wanted
 * physical address in `value` until it is found.
 */
static bool find_run_start(void *context, mf_virtual_translation run) {
  mf_option_address *search = context;
  if (run.out_physical.address != search->value) return true;
  search->tag = MF_OPTION_SOME;
  search->value = run.in_virtual;
  return false;
}

static mf_option_address translate_phys_to_virt(mf_container *cont, uint64_t phys) {
  mf_option_address search = { MF_OPTION_NONE, phys };
  mf_virtual_translation_callback callback = { &search, find_run_start };
  translation_map(view_of(cont), 0, MF_ADDRESS_INVALID, callback);
  if (search.tag != MF_OPTION_SOME) search.value = 0;
  return search;
}

/* ---- single addresses ---- */

static int32_t translate_virt_to_phys(mf_container *cont, uint64_t address, mf_physical_address *ok_out) {
  const View *view = view_of(cont);
  Leaf leaf;
  if (!translate_address(&view->os->connector, view->dtb, address, &leaf)) return NOT_MAPPED;
  *ok_out = leaf_physical(&leaf, address);
  return 0;
}

/* memflow's containing_page() of the physical address. */
static int32_t translate_page_info(mf_container *cont, uint64_t address, mf_page *ok_out) {
  mf_physical_address physical;
  int32_t result = translate_virt_to_phys(cont, address, &physical);
  if (result != 0) return result;
  uint64_t size = 2ull << physical.page_size_log2;
  mf_page page = { physical.page_type, physical.address & ~(size - 1), size };
  *ok_out = page;
  return 0;
}

static const mf_virtual_translate_vtbl translate_vtbl = {
  translate_list,         translate_range,         translate_map_range,
  translate_page_map_range, translate_virt_to_phys, translate_page_info,
  translate_map,          translate_phys_to_virt,  translate_page_map,
};
