/*
 * testos: VirtualTranslate of an address space (the OS's for the kernel, a process's for its
 * own; memflow-os.md §7), with memflow's default bodies over the 4 KiB-split walk of
 * translation.c: the translation map, the GapRemover page map, and phys_to_virt's quirk (only the
 * start of a merged run is found). Part of test-os.c.
 */

#define NOT_MAPPED MF_ERROR(MF_ORIGIN_VIRTUAL_TRANSLATE, MF_KIND_OUT_OF_BOUNDS)

/* The kernel's translation is the OS's: its entries are OS entries (borrow-checked). */
static const AddressSpace *translate_entry(const mf_container *cont) {
  const AddressSpace *space = cont->instance.instance;
  if (space->kernel) os_entry(cont);
  return space;
}

/* The callbacks of virt_to_phys_list; stopped once either returns false. */
typedef struct {
  mf_virtual_translation_callback out;
  mf_virtual_translation_fail_callback out_fail; /* func NULL: failures ignored (virt_to_phys_range) */
} Translations;

static bool translated(void *context, uint64_t va, uint64_t size, uint64_t pa) {
  Translations *translations = context;
  mf_virtual_translation translation = { va, size, mapped_physical(pa) };
  return translations->out.func(translations->out.context, translation);
}

static bool untranslated(void *context, uint64_t va, uint64_t size) {
  Translations *translations = context;
  mf_virtual_translation_fail fail = { va, size };
  return !translations->out_fail.func || translations->out_fail.func(translations->out_fail.context, fail);
}

static void translate_virt_to_phys_list(mf_container *cont, mf_vtop_range_slice addrs,
                                        mf_virtual_translation_callback out,
                                        mf_virtual_translation_fail_callback out_fail) {
  const AddressSpace *space = translate_entry(cont);
  Translations translations = { out, out_fail };
  for (size_t index = 0; index < addrs.len; index++) {
    uint64_t start = addrs.data[index].address;
    if (!table_walk(space->table, start, range_end(start, addrs.data[index].size), translated, untranslated,
                    &translations))
      return;
  }
}

/* memflow asserts end >= start (a panic that aborts across the ABI); here a reversed range translates nothing. */
static void translate_virt_to_phys_range(mf_container *cont, uint64_t start, uint64_t end,
                                         mf_virtual_translation_callback out) {
  const AddressSpace *space = translate_entry(cont);
  Translations translations = { .out = out };
  if (end > start) table_walk(space->table, start, end, translated, untranslated, &translations);
}

static void translate_translation_map_range(mf_container *cont, uint64_t start, uint64_t end,
                                            mf_virtual_translation_callback out) {
  const AddressSpace *space = translate_entry(cont);
  if (end > start) translation_map(space->table, start, end, out);
}

static void translate_page_map_range(mf_container *cont, int64_t gap_size, uint64_t start, uint64_t end,
                                     mf_memory_range_callback out) {
  const AddressSpace *space = translate_entry(cont);
  if (end > start) page_map(space->table, gap_size, start, end, out);
}

static bool first_translation(void *context, uint64_t va, uint64_t size, uint64_t pa) {
  (void)va;
  (void)size;
  *(mf_physical_address *)context = mapped_physical(pa);
  return false;
}

static int32_t space_virt_to_phys(const AddressSpace *space, uint64_t address, mf_physical_address *ok_out) {
  mf_physical_address found = { 0, 0, 0 };
  if (table_walk(space->table, address, range_end(address, 1), first_translation, NULL, &found)) return NOT_MAPPED;
  *ok_out = found;
  return 0;
}

static int32_t translate_virt_to_phys(mf_container *cont, uint64_t address, mf_physical_address *ok_out) {
  return space_virt_to_phys(translate_entry(cont), address, ok_out);
}

/* memflow's containing_page() of the physical address: its page, not the virtual one. */
static int32_t translate_virt_page_info(mf_container *cont, uint64_t address, mf_page *ok_out) {
  mf_physical_address physical;
  int32_t result = space_virt_to_phys(translate_entry(cont), address, &physical);
  if (result != 0) return result;
  uint64_t page_size = 2ull << physical.page_size_log2;
  mf_page page = { physical.page_type, physical.address & ~(page_size - 1), page_size };
  *ok_out = page;
  return 0;
}

static void translate_translation_map(mf_container *cont, mf_virtual_translation_callback out) {
  translation_map(translate_entry(cont)->table, 0, MF_ADDRESS_INVALID, out);
}

/* phys_to_virt's default: the first merged run of the whole map that starts at phys. */
typedef struct { uint64_t phys; mf_option_address found; } PhysToVirt;

static bool run_starts_at(void *context, mf_virtual_translation translation) {
  PhysToVirt *search = context;
  if (translation.out_physical.address != search->phys) return true;
  search->found.tag = MF_OPTION_SOME;
  search->found.value = translation.in_virtual;
  return false;
}

static mf_option_address translate_phys_to_virt(mf_container *cont, uint64_t phys) {
  PhysToVirt search;
  memset(&search, 0, sizeof search);
  search.phys = phys;
  mf_virtual_translation_callback callback = { &search, run_starts_at };
  translation_map(translate_entry(cont)->table, 0, MF_ADDRESS_INVALID, callback);
  return search.found;
}

static void translate_page_map(mf_container *cont, int64_t gap_size, mf_memory_range_callback out) {
  page_map(translate_entry(cont)->table, gap_size, 0, MF_ADDRESS_INVALID, out);
}

static const mf_virtual_translate_vtbl virtual_translate_vtbl = {
  translate_virt_to_phys_list, translate_virt_to_phys_range, translate_translation_map_range,
  translate_page_map_range,    translate_virt_to_phys,       translate_virt_page_info,
  translate_translation_map,   translate_phys_to_virt,       translate_page_map,
};
