/*
 * testos-host: VirtualTranslate (memflow-os.md §7) of a process and of the kernel: pieces of
 * 4 KiB, the merged translation map, the page map's gap rules, phys_to_virt's quirk. Part of
 * host.c.
 */

static bool translation_is(const Collected *collected, size_t index, uint64_t va, uint64_t size, uint64_t pa) {
  const mf_virtual_translation *translation = &collected->translations[index];
  return index < collected->count && translation->in_virtual == va && translation->size == size &&
         translation->out_physical.address == pa && translation->out_physical.page_type == MF_PAGE_TYPE_WRITEABLE &&
         translation->out_physical.page_size_log2 == 11;
}

static mf_virtual_translation_callback translations_into(Collected *collected) {
  mf_virtual_translation_callback callback = { collected, on_translation };
  return callback;
}

static void check_process_translation(const mf_virtual_translate_vtbl *vt, mf_container *cont) {
  mf_physical_address physical;
  CHECK_EQ(vt->virt_to_phys(cont, 0x400123, &physical), 0);
  CHECK(physical.address == 0x100123 && physical.page_type == MF_PAGE_TYPE_WRITEABLE && physical.page_size_log2 == 11);
  CHECK_EQ(vt->virt_to_phys(cont, 0x100fffff, &physical), 0);
  CHECK_EQ(physical.address, 0x2fffff);
  CHECK_EQ(vt->virt_to_phys(cont, 0x405000, &physical), OUT_OF_BOUNDS);
  CHECK_EQ(MF_ERROR(MF_ORIGIN_VIRTUAL_TRANSLATE, MF_KIND_OUT_OF_BOUNDS), OUT_OF_BOUNDS);
  mf_page page;
  CHECK_EQ(vt->virt_page_info(cont, 0x406abc, &page), 0);
  CHECK(page.page_type == MF_PAGE_TYPE_WRITEABLE && page.page_base == 0x106000 && page.page_size == 0x1000);
  CHECK_EQ(vt->virt_page_info(cont, 0x3fffff, &page), OUT_OF_BOUNDS);

  /* A list: pieces per page, failures in between, in order. */
  mf_vtop_range ranges[] = { { 0x404800, 0x2000 }, { 0x10000ffe, 4 } };
  mf_vtop_range_slice slice = { ranges, 2 };
  Collected pieces = { 0 }, fails = { 0 };
  vt->virt_to_phys_list(cont, slice, translations_into(&pieces), (mf_virtual_translation_fail_callback){ &fails, on_fail });
  CHECK_EQ(pieces.count, 4);
  CHECK(translation_is(&pieces, 0, 0x404800, 0x800, 0x104800));
  CHECK(translation_is(&pieces, 1, 0x406000, 0x800, 0x106000));
  CHECK(translation_is(&pieces, 2, 0x10000ffe, 2, 0x200ffe));
  CHECK(translation_is(&pieces, 3, 0x10001000, 2, 0x201000));
  CHECK(fails.count == 1 && fails.fails[0].from == 0x405000 && fails.fails[0].size == 0x1000);
  Collected one = { .stop_after = 1 }, no_fails = { 0 };
  vt->virt_to_phys_list(cont, slice, translations_into(&one),
                        (mf_virtual_translation_fail_callback){ &no_fails, on_fail });
  CHECK(one.count == 1 && no_fails.count == 0); /* stopped before the hole */

  Collected range = { 0 };
  vt->virt_to_phys_range(cont, 0x3ff000, 0x402000, translations_into(&range));
  CHECK(range.count == 2 && translation_is(&range, 0, 0x400000, 0x1000, 0x100000) &&
        translation_is(&range, 1, 0x401000, 0x1000, 0x101000));
  Collected reversed = { 0 };
  vt->virt_to_phys_range(cont, 0x402000, 0x400000, translations_into(&reversed));
  CHECK_EQ(reversed.count, 0);

  /* The translation map merges what is contiguous in both spaces. */
  Collected map = { 0 }, part = { 0 }, first = { .stop_after = 1 };
  vt->virt_translation_map(cont, translations_into(&map));
  CHECK(map.count == 3 && translation_is(&map, 0, 0x400000, 0x5000, 0x100000) &&
        translation_is(&map, 1, 0x406000, 0xa000, 0x106000) && translation_is(&map, 2, 0x10000000, 0x100000, 0x200000));
  vt->virt_translation_map_range(cont, 0x402800, 0x407000, translations_into(&part));
  CHECK(part.count == 2 && translation_is(&part, 0, 0x402800, 0x2800, 0x102800) &&
        translation_is(&part, 1, 0x406000, 0x1000, 0x106000));
  vt->virt_translation_map(cont, translations_into(&first));
  CHECK_EQ(first.count, 1);

  Collected page_map = { 0 }, page_range = { 0 };
  vt->virt_page_map(cont, 0x1000, (mf_memory_range_callback){ &page_map, on_range });
  CHECK(page_map.count == 2 && range_is(&page_map, 0, 0x400000, 0x10000));
  vt->virt_page_map_range(cont, -1, 0x404000, 0x10000800, (mf_memory_range_callback){ &page_range, on_range });
  CHECK(page_range.count == 3 && range_is(&page_range, 0, 0x404000, 0x1000) &&
        range_is(&page_range, 2, 0x10000000, 0x800));

  /* phys_to_virt finds the start of a merged run only (memflow's default body). */
  mf_option_address found = vt->phys_to_virt(cont, 0x106000);
  CHECK(found.tag == MF_OPTION_SOME && found.value == 0x406000);
  found = vt->phys_to_virt(cont, 0x200000);
  CHECK(found.tag == MF_OPTION_SOME && found.value == 0x10000000);
  CHECK_EQ(vt->phys_to_virt(cont, 0x107000).tag, MF_OPTION_NONE); /* inside a run */
  CHECK_EQ(vt->phys_to_virt(cont, 0x106010).tag, MF_OPTION_NONE);
  CHECK_EQ(vt->phys_to_virt(cont, 0x105000).tag, MF_OPTION_NONE); /* the hole's page */
}

static void check_kernel_translation(mf_os_instance *os) {
  const mf_virtual_translate_vtbl *vt = os->vtbl_virtualtranslate;
  mf_physical_address physical;
  CHECK_EQ(vt->virt_to_phys(&os->container, 0xfffff80000001234, &physical), 0);
  CHECK_EQ(physical.address, 0x1234);
  CHECK_EQ(vt->virt_to_phys(&os->container, 0xfffff80000002000, &physical), OUT_OF_BOUNDS);
  CHECK_EQ(vt->virt_to_phys(&os->container, 0xfffff80000010000, &physical), OUT_OF_BOUNDS);
  Collected map = { 0 };
  vt->virt_translation_map(&os->container, translations_into(&map));
  CHECK(map.count == 2 && translation_is(&map, 0, 0xfffff80000000000, 0x2000, 0) &&
        translation_is(&map, 1, 0xfffff80000003000, 0xd000, 0x3000));
  Collected ranges = { 0 };
  vt->virt_page_map(&os->container, 0x1000, (mf_memory_range_callback){ &ranges, on_range });
  CHECK(ranges.count == 1 && range_is(&ranges, 0, 0xfffff80000000000, 0x10000));
  mf_option_address found = vt->phys_to_virt(&os->container, 0x3000);
  CHECK(found.tag == MF_OPTION_SOME && found.value == 0xfffff80000003000);
}

static void check_virtual_translate(void) {
  mf_os_instance os = create_os(&full);
  mf_process_instance init = open_process(&os, 1);
  CHECK(init.vtbl_virtualtranslate != NULL);
  check_process_translation(init.vtbl_virtualtranslate, &init.container);
  drop_container(&init.container);
  check_kernel_translation(&os);
  drop_container(&os.container);
}
