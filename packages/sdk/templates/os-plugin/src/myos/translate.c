/*
 * myos: VirtualTranslate (memflow-os.md §7) of a view, from view_translate alone. Translations
 * are reported a 4 KiB page at a time, as memflow's page walks report them. Part of myos.c.
 */

#define MYOS_NOT_MAPPED MF_ERROR(MF_ORIGIN_VIRTUAL_TRANSLATE, MF_KIND_OUT_OF_BOUNDS)

static mf_physical_address page_address(uint64_t physical) {
  mf_physical_address address = { physical, MF_PAGE_TYPE_WRITEABLE, 11 /* 2 << 11: a 4 KiB page */ };
  return address;
}

/* Translates [address, address + size): mapped pages to `out`, unmapped stretches to `out_fail`. */
static bool translate_range(const View *view, uint64_t address, uint64_t size, mf_virtual_translation_callback *out,
                            mf_virtual_translation_fail_callback *out_fail) {
  uint64_t offset = 0;
  while (offset < size) {
    uint64_t at = address + offset, rest = size - offset, physical, contiguous;
    if (view_translate(view, at, &physical, &contiguous)) {
      uint64_t to_page = MYOS_PAGE - (at & (MYOS_PAGE - 1));
      uint64_t piece = to_page < rest ? to_page : rest;
      mf_virtual_translation translation = { at, piece, page_address(physical) };
      if (out && !out->func(out->context, translation)) return false;
      offset += piece;
    } else {
      uint64_t piece = view_unmapped(view, at, rest);
      mf_virtual_translation_fail fail = { at, piece };
      if (out_fail && !out_fail->func(out_fail->context, fail)) return false;
      offset += piece;
    }
  }
  return true;
}

static void translate_list(mf_container *cont, mf_vtop_range_slice addrs, mf_virtual_translation_callback out,
                           mf_virtual_translation_fail_callback out_fail) {
  for (size_t index = 0; index < addrs.len; index++)
    if (!translate_range(view_of(cont), addrs.data[index].address, addrs.data[index].size, &out, &out_fail)) return;
}

static void translate_to_phys_range(mf_container *cont, uint64_t start, uint64_t end,
                                    mf_virtual_translation_callback out) {
  translate_range(view_of(cont), start, end - start, &out, NULL);
}

/* The merged map: the view's mapped part of [start, end) is one run, contiguous in both spaces. */
static void translate_map_range(mf_container *cont, uint64_t start, uint64_t end, mf_virtual_translation_callback out) {
  const View *view = view_of(cont);
  uint64_t from = start > view->virt_base ? start : view->virt_base;
  uint64_t to = end < view->virt_base + view->size ? end : view->virt_base + view->size;
  if (from >= to) return;
  mf_virtual_translation run = { from, to - from, page_address(view->phys_base + (from - view->virt_base)) };
  out.func(out.context, run);
}

/* Pages as memory ranges; one run, so gap_size (which fills gaps between runs) changes nothing. */
static void translate_page_map_range(mf_container *cont, int64_t gap_size, uint64_t start, uint64_t end,
                                     mf_memory_range_callback out) {
  (void)gap_size;
  const View *view = view_of(cont);
  uint64_t from = start > view->virt_base ? start : view->virt_base;
  uint64_t to = end < view->virt_base + view->size ? end : view->virt_base + view->size;
  if (from >= to) return;
  mf_memory_range range = { from, to - from, MF_PAGE_TYPE_WRITEABLE };
  out.func(out.context, range);
}

static int32_t translate_virt_to_phys(mf_container *cont, uint64_t address, mf_physical_address *ok_out) {
  uint64_t physical, contiguous;
  if (!view_translate(view_of(cont), address, &physical, &contiguous)) return MYOS_NOT_MAPPED;
  *ok_out = page_address(physical);
  return 0;
}

static int32_t translate_page_info(mf_container *cont, uint64_t address, mf_page *ok_out) {
  mf_physical_address physical;
  int32_t error = translate_virt_to_phys(cont, address, &physical);
  if (error != 0) return error;
  mf_page page = { physical.page_type, physical.address & ~(MYOS_PAGE - 1), MYOS_PAGE };
  *ok_out = page;
  return 0;
}

static void translate_map(mf_container *cont, mf_virtual_translation_callback out) {
  translate_map_range(cont, 0, MF_ADDRESS_INVALID, out);
}

/* memflow's rule: the virtual address whose merged run starts at `phys`. */
static mf_option_address translate_phys_to_virt(mf_container *cont, uint64_t phys) {
  const View *view = view_of(cont);
  mf_option_address result = { MF_OPTION_NONE, 0 };
  if (view->size > 0 && phys == view->phys_base) {
    result.tag = MF_OPTION_SOME;
    result.value = view->virt_base;
  }
  return result;
}

static void translate_page_map(mf_container *cont, int64_t gap_size, mf_memory_range_callback out) {
  translate_page_map_range(cont, gap_size, 0, MF_ADDRESS_INVALID, out);
}

static const mf_virtual_translate_vtbl translate_vtbl = {
  .virt_to_phys_list = translate_list,
  .virt_to_phys_range = translate_to_phys_range,
  .virt_translation_map_range = translate_map_range,
  .virt_page_map_range = translate_page_map_range,
  .virt_to_phys = translate_virt_to_phys,
  .virt_page_info = translate_page_info,
  .virt_translation_map = translate_map,
  .phys_to_virt = translate_phys_to_virt,
  .virt_page_map = translate_page_map,
};
