/*
 * Part of script-os.h: the VirtualTranslate of a TypeScript process that offers one (memflow's
 * optional trait; the vtable pointer is NULL otherwise). Its entries reach JavaScript on the
 * process's handle as SCRIPT_TRANSLATE_ENTRIES plus their offset. The void entries report
 * through the plugin's callbacks only: a TypeScript error reports nothing (virt_to_phys_list:
 * every range it was given as failed).
 */

#define TRANSLATE_ENTRY(name) (SCRIPT_TRANSLATE_ENTRIES + offsetof(mf_virtual_translate_vtbl, name))

static Arguments spanning(int64_t gap, uint64_t start, uint64_t end) {
  Arguments in = no_arguments();
  in.number[0] = (uint64_t)gap;
  in.number[1] = start;
  in.number[2] = end;
  return in;
}

static void script_vt_to_phys_list(mf_container *cont, mf_vtop_range_slice ranges, mf_virtual_translation_callback out,
                                   mf_virtual_translation_fail_callback out_fail) {
  Arguments in = no_arguments();
  in.items = ranges.data;
  in.item_count = ranges.len;
  ScriptResult result;
  if (script_call(cont, TRANSLATE_ENTRY(virt_to_phys_list), &in, &result) != 0) {
    for (size_t index = 0; index < ranges.len; index++) {
      mf_virtual_translation_fail failed = { ranges.data[index].address, ranges.data[index].size };
      if (!out_fail.func(out_fail.context, failed)) return;
    }
    return;
  }
  ScriptResult failures = result;
  failures.records = result.failures;
  failures.count = result.failure_count;
  walk_translations(&result, out);
  walk_translation_fails(&failures, out_fail);
}

/* The entries that answer translations, by range or all (start and end then unused). */
static void script_vt_translations(mf_container *cont, size_t entry, uint64_t start, uint64_t end,
                                   mf_virtual_translation_callback out) {
  Arguments in = spanning(0, start, end);
  ScriptResult result;
  if (script_call(cont, entry, &in, &result) == 0) walk_translations(&result, out);
}

static void script_vt_to_phys_range(mf_container *cont, uint64_t start, uint64_t end,
                                    mf_virtual_translation_callback out) {
  script_vt_translations(cont, TRANSLATE_ENTRY(virt_to_phys_range), start, end, out);
}

static void script_vt_translation_map_range(mf_container *cont, uint64_t start, uint64_t end,
                                            mf_virtual_translation_callback out) {
  script_vt_translations(cont, TRANSLATE_ENTRY(virt_translation_map_range), start, end, out);
}

static void script_vt_translation_map(mf_container *cont, mf_virtual_translation_callback out) {
  script_vt_translations(cont, TRANSLATE_ENTRY(virt_translation_map), 0, 0, out);
}

static void script_vt_page_maps(mf_container *cont, size_t entry, int64_t gap, uint64_t start, uint64_t end,
                                mf_memory_range_callback out) {
  Arguments in = spanning(gap, start, end);
  ScriptResult result;
  if (script_call(cont, entry, &in, &result) == 0) walk_memory_ranges(&result, out);
}

static void script_vt_page_map_range(mf_container *cont, int64_t gap, uint64_t start, uint64_t end,
                                     mf_memory_range_callback out) {
  script_vt_page_maps(cont, TRANSLATE_ENTRY(virt_page_map_range), gap, start, end, out);
}

static void script_vt_page_map(mf_container *cont, int64_t gap, mf_memory_range_callback out) {
  script_vt_page_maps(cont, TRANSLATE_ENTRY(virt_page_map), gap, 0, 0, out);
}

static int32_t script_vt_to_phys(mf_container *cont, uint64_t address, mf_physical_address *ok_out) {
  Arguments in = numbered(address);
  SCRIPT_ONE_CALL(cont, TRANSLATE_ENTRY(virt_to_phys), &in, mf_physical_address, SCRIPT_AS_IS, ok_out);
}

static int32_t script_vt_page_info(mf_container *cont, uint64_t address, mf_page *ok_out) {
  Arguments in = numbered(address);
  SCRIPT_ONE_CALL(cont, TRANSLATE_ENTRY(virt_page_info), &in, mf_page, SCRIPT_AS_IS, ok_out);
}

/* None when the TypeScript side knows no virtual address, or failed. */
static mf_option_address script_vt_phys_to_virt(mf_container *cont, uint64_t physical) {
  Arguments in = numbered(physical);
  ScriptResult result;
  mf_option_address found = { MF_OPTION_NONE, 0 };
  if (script_call(cont, TRANSLATE_ENTRY(phys_to_virt), &in, &result) == 0 && result.count == 1) {
    found.tag = MF_OPTION_SOME;
    memcpy(&found.value, result.records, sizeof found.value);
  }
  return found;
}

static const mf_virtual_translate_vtbl script_translate_vtbl = {
  script_vt_to_phys_list, script_vt_to_phys_range, script_vt_translation_map_range,
  script_vt_page_map_range, script_vt_to_phys,     script_vt_page_info,
  script_vt_translation_map, script_vt_phys_to_virt, script_vt_page_map,
};
