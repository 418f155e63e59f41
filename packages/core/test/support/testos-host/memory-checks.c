/*
 * testos-host: virtual memory (MemoryView) against memflow's VirtualDma (memflow-os.md §6) and
 * test-os.md: failures reported during translation, then one physical request split at 4 KiB
 * pages (seen by the spy), meta_addr + offset, the partial-result codes, writes, metadata. Part
 * of host.c.
 */

static bool physical_item_is(size_t index, uint64_t pa, uint64_t meta, const void *data, uint64_t length) {
  const mf_physical_read_data *item = &seen[index];
  return index < seen_count && item->addr.address == pa && item->addr.page_type == MF_PAGE_TYPE_WRITEABLE &&
         item->addr.page_size_log2 == 11 && item->meta_addr == meta && item->data.data == data &&
         item->data.len == length;
}

/* init's memory: 400000-405000 at 100000, hole 405000-406000, 406000-410000 at 106000. */
static void check_read_raw_iter(const mf_memory_view_vtbl *vt, mf_container *cont) {
  uint8_t a[16], b[16], c[8];
  mf_read_data_raw items[] = {
    { 0x404ff8, 0xa000, { a, 16 } }, /* its second half is in the hole */
    { 0x400ff8, 0xb000, { b, 16 } }, /* crosses a page inside a run */
    { 0x405100, 0xc000, { c, 8 } },  /* all in the hole */
  };
  ArrayIter iter = ARRAY_ITER(items, 3);
  Reports reports = { 0 };
  mf_read_callback out = { &reports, on_read }, out_fail = { &reports, on_read_fail };
  int reads = physical_reads;
  mf_read_raw_ops ops = { ITERATOR(iter), &out, &out_fail };
  CHECK_EQ(vt->read_raw_iter(cont, ops), 0);
  CHECK_EQ(physical_reads - reads, 1);
  /* Failures first, during translation; then the physical pieces, each page its own. */
  CHECK_EQ(reports.count, 5);
  CHECK(report_is(&reports, 0, false, 0xa008, a + 8, 8));
  CHECK(report_is(&reports, 1, false, 0xc000, c, 8));
  CHECK(report_is(&reports, 2, true, 0xa000, a, 8));
  CHECK(report_is(&reports, 3, true, 0xb000, b, 8));
  CHECK(report_is(&reports, 4, true, 0xb008, b + 8, 8));
  CHECK_EQ(seen_count, 3);
  CHECK(physical_item_is(0, 0x104ff8, 0xa000, a, 8));
  CHECK(physical_item_is(1, 0x100ff8, 0xb000, b, 8));
  CHECK(physical_item_is(2, 0x101000, 0xb008, b + 8, 8));
  CHECK(patterned(a, 8, 0x104ff8) && patterned(b, 16, 0x100ff8));

  /* out_fail returning false stops the call during translation: no physical request, still 0. */
  Reports stop = { .stop_after = 1 };
  mf_read_callback stop_fail = { &stop, on_read_fail };
  iter = ARRAY_ITER(items, 3);
  mf_read_raw_ops stopping = { ITERATOR(iter), &out, &stop_fail };
  reads = physical_reads;
  CHECK_EQ(vt->read_raw_iter(cont, stopping), 0);
  CHECK_EQ(stop.count, 1);
  CHECK_EQ(physical_reads, reads);

  /* An out that returns false stops the connector's walk of the pieces. */
  Reports first = { .stop_after = 1 };
  mf_read_callback first_out = { &first, on_read };
  iter = ARRAY_ITER(items + 1, 1);
  mf_read_raw_ops one = { ITERATOR(iter), &first_out, NULL };
  CHECK_EQ(vt->read_raw_iter(cont, one), 0);
  CHECK_EQ(first.count, 1);
}

static void check_read_forms(const mf_memory_view_vtbl *vt, mf_container *cont) {
  uint8_t buffer[32];
  memset(buffer, 0xaa, sizeof buffer);
  mf_slice_mut whole = { buffer, 32 };
  CHECK_EQ(vt->read_raw_into(cont, 0x404ff0, whole), MF_PARTIAL_VIRTUAL_READ);
  CHECK(patterned(buffer, 16, 0x104ff0));
  uint8_t zeros[16] = { 0 };
  CHECK(memcmp(buffer + 16, zeros, 16) == 0); /* the failed bytes are zeroed */
  CHECK_EQ(vt->read_raw_into(cont, 0x406000, whole), 0);
  CHECK(patterned(buffer, 32, 0x106000));

  uint8_t a[8], b[8];
  memset(b, 0xaa, sizeof b);
  mf_read_data list[] = { { 0x10000010, { a, 8 } }, { 0x405ff8, { b, 8 } } };
  mf_read_data_slice slice = { list, 2 };
  CHECK_EQ(vt->read_raw_list(cont, slice), MF_PARTIAL_VIRTUAL_READ);
  CHECK(patterned(a, 8, 0x200010) && memcmp(b, zeros, 8) == 0);
  list[1].meta_addr = 0x406ff8;
  CHECK_EQ(vt->read_raw_list(cont, slice), 0);
  CHECK(patterned(b, 8, 0x106ff8));

  /* read_iter: meta is the address; failures are reported, not returned. */
  mf_read_data iter_items[] = { { 0x404ffc, { a, 8 } } };
  ArrayIter iter = ARRAY_ITER(iter_items, 1);
  Reports reports = { 0 };
  mf_read_callback out = { &reports, on_read }, out_fail = { &reports, on_read_fail };
  CHECK_EQ(vt->read_iter(cont, ITERATOR(iter), &out, &out_fail), 0);
  CHECK(reports.count == 2 && report_is(&reports, 0, false, 0x405000, a + 4, 4) &&
        report_is(&reports, 1, true, 0x404ffc, a, 4));

  /* 1 MiB of init's region: one physical request of 256 pages. */
  uint8_t *big = malloc(0x100000);
  mf_slice_mut mib = { big, 0x100000 };
  int reads = physical_reads;
  CHECK_EQ(vt->read_raw_into(cont, 0x10000000, mib), 0);
  CHECK_EQ(physical_reads - reads, 1);
  CHECK_EQ(seen_count, 256);
  CHECK(physical_item_is(255, 0x2ff000, 0x100ff000, big + 0xff000, 0x1000));
  CHECK(patterned(big, 0x100000, 0x200000));
  free(big);

  mf_memory_view_metadata metadata = vt->metadata(cont);
  CHECK(metadata.max_address == 0x2fffff && metadata.real_size == 0x300000 && !metadata.readonly &&
        metadata.little_endian && metadata.arch_bits == 64);
}

/* A physical byte, read through the OS's PhysicalMemory. */
static uint8_t physical_byte(mf_os_instance *os, uint64_t pa) {
  uint8_t byte = 0;
  mf_physical_read_data item = { { pa, MF_PAGE_TYPE_UNKNOWN, 0 }, pa, { &byte, 1 } };
  ArrayIter iter = ARRAY_ITER(&item, 1);
  mf_read_ops ops = { ITERATOR(iter), NULL, NULL };
  os->vtbl_physicalmemory->phys_read_raw_iter(&os->container, ops);
  return byte;
}

static void check_writes(mf_os_instance *os, const mf_memory_view_vtbl *vt, mf_container *cont) {
  uint8_t bytes[16];
  memset(bytes, 0x5a, sizeof bytes);
  mf_slice_ref data = { bytes, 16 };
  int writes = physical_writes;
  CHECK_EQ(vt->write_raw(cont, 0x404ff8, data), MF_PARTIAL_VIRTUAL_WRITE);
  CHECK_EQ(physical_writes - writes, 1);
  CHECK(physical_byte(os, 0x104fff) == 0x5a && physical_byte(os, 0x105000) == pattern(0x105000));
  CHECK_EQ(vt->write_raw(cont, 0x10000ff8, data), 0);
  CHECK_EQ(seen_count, 2); /* split at the page */
  CHECK(physical_byte(os, 0x201000) == 0x5a && physical_byte(os, 0x201008) == pattern(0x201008));

  mf_write_data list[] = { { 0x400100, { bytes, 4 } }, { 0x406100, { bytes, 4 } } };
  mf_write_data_slice slice = { list, 2 };
  CHECK_EQ(vt->write_raw_list(cont, slice), 0);
  CHECK(physical_byte(os, 0x100100) == 0x5a && physical_byte(os, 0x106103) == 0x5a);
  list[1].meta_addr = 0x405100;
  CHECK_EQ(vt->write_raw_list(cont, slice), MF_PARTIAL_VIRTUAL_WRITE);

  Reports reports = { 0 };
  mf_write_callback out = { &reports, on_write }, out_fail = { &reports, on_write_fail };
  ArrayIter iter = ARRAY_ITER(list, 2);
  CHECK_EQ(vt->write_iter(cont, ITERATOR(iter), &out, &out_fail), 0);
  CHECK(reports.count == 2 && report_is(&reports, 0, false, 0x405100, bytes, 4) &&
        report_is(&reports, 1, true, 0x400100, bytes, 4));

  mf_write_data_raw raw[] = { { 0x40fffe, 0x77000, { bytes, 4 } } }; /* runs off the end of the table */
  iter = ARRAY_ITER(raw, 1);
  reports.count = 0;
  mf_write_raw_ops ops = { ITERATOR(iter), &out, &out_fail };
  CHECK_EQ(vt->write_raw_iter(cont, ops), 0);
  CHECK(reports.count == 2 && report_is(&reports, 0, false, 0x77002, bytes + 2, 2) &&
        report_is(&reports, 1, true, 0x77000, bytes, 2));
  CHECK_EQ(physical_byte(os, 0x10ffff), 0x5a);
}

static void check_memory_view(void) {
  mf_os_instance os = create_os(&full);
  mf_process_instance init = open_process(&os, 1);
  check_read_raw_iter(init.vtbl_memoryview, &init.container);
  check_read_forms(init.vtbl_memoryview, &init.container);
  check_writes(&os, init.vtbl_memoryview, &init.container);
  drop_container(&init.container);

  mf_process_instance legacy = open_process(&os, 300);
  CHECK_EQ(legacy.vtbl_memoryview->metadata(&legacy.container).arch_bits, 32);
  uint8_t bytes[8];
  mf_slice_mut buffer = { bytes, 8 };
  CHECK_EQ(legacy.vtbl_memoryview->read_raw_into(&legacy.container, 0x400000, buffer), 0);
  CHECK(patterned(bytes, 8, 0x130000)); /* process 3's table */
  drop_container(&legacy.container);

  /* The kernel's memory is the OS's MemoryView: fffff80000000000 at 0, hole fffff80000002000-3000. */
  const mf_memory_view_vtbl *kernel = os.vtbl_memoryview;
  uint8_t across[16];
  mf_slice_mut kernel_buffer = { across, 16 };
  CHECK_EQ(kernel->read_raw_into(&os.container, 0xfffff80000001ff8, kernel_buffer), MF_PARTIAL_VIRTUAL_READ);
  CHECK(patterned(across, 8, 0x1ff8));
  CHECK_EQ(kernel->read_raw_into(&os.container, 0xfffff8000000fff8, buffer), 0);
  CHECK(patterned(bytes, 8, 0xfff8));
  CHECK_EQ(kernel->metadata(&os.container).arch_bits, 64);
  drop_container(&os.container);

  /* A connector smaller than the tables: the physical failure reaches out_fail too. */
  mf_os_instance small;
  mf_option_connector_instance input;
  memset(&input, 0, sizeof input);
  input.tag = MF_OPTION_SOME;
  input.value = make_connector("150000");
  CHECK_EQ(full.descriptor->create.os(NULL, input, new_lib(), NULL, &small), 0);
  init = open_process(&small, 1);
  CHECK_EQ(init.vtbl_memoryview->read_raw_into(&init.container, 0x10000000, buffer), MF_PARTIAL_VIRTUAL_READ);
  CHECK_EQ(init.vtbl_memoryview->read_raw_into(&init.container, 0x400000, buffer), 0);
  drop_container(&init.container);
  drop_container(&small.container);
}
