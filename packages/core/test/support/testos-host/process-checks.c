/*
 * testos-host: a process's entries against test-os.md: state, info, modules and their contents,
 * mapped_mem_range with memflow's gap rules, and set_dtb. Part of host.c.
 */

static mf_process_instance open_process(mf_os_instance *os, uint32_t pid) {
  mf_process_instance process;
  memset(&process, 0, sizeof process);
  CHECK_EQ(os->vtbl_os->process_by_pid(&os->container, pid, &process), 0);
  return process;
}

static void check_process_info_and_state(mf_os_instance *os) {
  mf_process_instance shell = open_process(os, 20);
  mf_process_state state = shell.vtbl_process->state(&shell.container);
  CHECK(state.tag == MF_PROCESS_STATE_DEAD && state.exit_code == 3);
  const mf_process_info *info = shell.vtbl_process->info(&shell.container);
  CHECK_EQ(info->address, 0x2000);
  CHECK_STR(info->command_line, "sh -c \"exit 3\"");
  drop_container(&shell.container);

  mf_process_instance daemon = open_process(os, 4242);
  CHECK_EQ(daemon.vtbl_process->state(&daemon.container).tag, MF_PROCESS_STATE_UNKNOWN);
  CHECK_STR(daemon.vtbl_process->info(&daemon.container)->name, "d\xc3\xa6mon");
  drop_container(&daemon.container);
}

static void check_process_modules(mf_os_instance *os) {
  mf_process_instance legacy = open_process(os, 300);
  mf_container *cont = &legacy.container;
  const mf_process_vtbl *vt = legacy.vtbl_process;
  mf_architecture_ident x86_32 = arch_x86(32), x86_64 = arch_x86(64);

  Collected all = { 0 }, narrow = { 0 }, wide = { 0 };
  CHECK_EQ(vt->module_address_list_callback(cont, NULL, (mf_module_address_callback){ &all, on_module_address }), 0);
  CHECK_EQ(vt->module_address_list_callback(cont, &x86_32, (mf_module_address_callback){ &narrow, on_module_address }),
           0);
  CHECK_EQ(vt->module_address_list_callback(cont, &x86_64, (mf_module_address_callback){ &wide, on_module_address }),
           0);
  CHECK_EQ(all.count, 3);
  CHECK_EQ(narrow.count, 2);
  CHECK_EQ(wide.count, 1);
  CHECK_EQ(wide.module_addresses[0].address, 0x4300);
  CHECK(is_x86(wide.module_addresses[0].arch, 64));

  Collected modules = { 0 };
  CHECK_EQ(vt->module_list_callback(cont, &x86_32, (mf_module_info_callback){ &modules, on_module }), 0);
  CHECK_EQ(modules.count, 2);
  CHECK_MODULE(&modules.modules[0], 0x4100, 0x4000, 0x400000, 0x10000, "legacy32", "C:\\legacy\\legacy32.exe", x86_32);
  CHECK_MODULE(&modules.modules[1], 0x4200, 0x4000, 0x7f0000000000, 0x200000, "libc.so.6", "/lib/libc.so.6", x86_32);
  Collected first = { .stop_after = 1 };
  CHECK_EQ(vt->module_list_callback(cont, NULL, (mf_module_info_callback){ &first, on_module }), 0);
  CHECK_EQ(first.count, 1);

  mf_module_info info;
  CHECK_EQ(vt->module_by_address(cont, 0x4300, x86_64, &info), 0);
  HostModule found = keep_module(info);
  CHECK_MODULE(&found, 0x4300, 0x4000, 0x7ff000000000, 0x100000, "wow64.dll", "C:\\Windows\\System32\\wow64.dll",
               x86_64);
  CHECK_EQ(vt->module_by_address(cont, 0x4300, x86_32, &info), MODULE_NOT_FOUND);
  CHECK_EQ(vt->module_by_address(cont, 0x4400, x86_64, &info), MODULE_NOT_FOUND);
  CHECK_EQ(vt->module_by_name_arch(cont, text("wow64.dll"), &x86_32, &info), MODULE_NOT_FOUND);
  CHECK_EQ(vt->module_by_name_arch(cont, text("wow64.dll"), &x86_64, &info), 0);
  found = keep_module(info);
  CHECK_EQ(found.address, 0x4300);
  CHECK_EQ(vt->module_by_name_arch(cont, text("libc.so.6"), NULL, &info), 0);
  found = keep_module(info);
  CHECK_EQ(found.address, 0x4200);
  CHECK_EQ(vt->module_by_name(cont, text("wow64.dll"), &info), 0);
  found = keep_module(info);
  CHECK(is_x86(found.arch, 64));
  CHECK_EQ(vt->module_by_name(cont, text("WOW64.DLL"), &info), MODULE_NOT_FOUND);

  CHECK_PRIMARY(vt, cont, 0x4100, 0x4000, 0x400000, 0x10000, "legacy32", "C:\\legacy\\legacy32.exe", x86_32);

  /* The contents of libc.so.6, found among this process's modules by its base. */
  mf_module_info module = { 0x4200, 0x4000, 0x7f0000000000, 0x200000, NULL, NULL, x86_32 };
  Collected imports = { 0 }, exports = { 0 }, sections = { 0 }, one = { .stop_after = 1 };
  CHECK_EQ(vt->module_import_list_callback(cont, &module, (mf_import_callback){ &imports, on_import }), 0);
  CHECK_EQ(vt->module_export_list_callback(cont, &module, (mf_export_callback){ &exports, on_export }), 0);
  CHECK_EQ(vt->module_section_list_callback(cont, &module, (mf_section_callback){ &sections, on_section }), 0);
  CHECK_EQ(vt->module_export_list_callback(cont, &module, (mf_export_callback){ &one, on_export }), 0);
  CHECK(imports.count == 2 && exports.count == 2 && sections.count == 2 && one.count == 1);
  CHECK_STR(imports.contents[0].name, "malloc");
  CHECK_EQ(imports.contents[0].base, 0x2000);
  CHECK_STR(imports.contents[1].name, "free");
  CHECK_EQ(imports.contents[1].base, 0x2008);
  CHECK_STR(exports.contents[0].name, "start");
  CHECK_EQ(exports.contents[0].base, 0x1000);
  CHECK_STR(exports.contents[1].name, "helper");
  CHECK_EQ(exports.contents[1].base, 0x1800);
  CHECK_STR(sections.contents[0].name, ".text");
  CHECK_EQ(sections.contents[0].base, 0x7f0000001000);
  CHECK_EQ(sections.contents[0].size, 0x2000);
  CHECK_EQ(sections.contents[1].base, 0x7f0000003000);

  char name[16];
  mf_import_info import_info;
  mf_export_info export_info;
  mf_section_info section_info;
  CHECK_EQ(vt->module_import_by_name(cont, &module, text("free"), &import_info), 0);
  take(import_info.name, name, sizeof name);
  CHECK(strcmp(name, "free") == 0 && import_info.offset == 0x2008);
  CHECK_EQ(vt->module_export_by_name(cont, &module, text("start"), &export_info), 0);
  take(export_info.name, name, sizeof name);
  CHECK(strcmp(name, "start") == 0 && export_info.offset == 0x1000);
  CHECK_EQ(vt->module_section_by_name(cont, &module, text(".data"), &section_info), 0);
  take(section_info.name, name, sizeof name);
  CHECK(strcmp(name, ".data") == 0 && section_info.base == 0x7f0000003000 && section_info.size == 0x1000);
  CHECK_EQ(vt->module_import_by_name(cont, &module, text("realloc"), &import_info), IMPORT_NOT_FOUND);
  CHECK_EQ(vt->module_export_by_name(cont, &module, text("stop"), &export_info), EXPORT_NOT_FOUND);
  CHECK_EQ(vt->module_section_by_name(cont, &module, text(".bss"), &section_info), SECTION_NOT_FOUND);
  module.base = 0x7f0000001000;
  CHECK_EQ(vt->module_section_by_name(cont, &module, text(".data"), &section_info), INVALID_EXE_FILE);
  CHECK_EQ(vt->module_section_list_callback(cont, &module, (mf_section_callback){ &sections, on_section }),
           INVALID_EXE_FILE);
  CHECK_EQ(vt->module_section_list_callback(cont, NULL, (mf_section_callback){ &sections, on_section }),
           INVALID_EXE_FILE);
  drop_container(cont);
}

/* A generated process: no modules, no memory. */
static void check_generated_process(void) {
  mf_os_instance os;
  CHECK_EQ(create_os_with(&full, "processes=1", NULL, NULL, &os), 0);
  mf_process_instance process;
  CHECK_EQ(os.vtbl_os->process_by_name(&os.container, text("proc0"), &process), 0);
  Collected modules = { 0 }, ranges = { 0 };
  CHECK_EQ(process.vtbl_process->module_list_callback(&process.container, NULL,
                                                      (mf_module_info_callback){ &modules, on_module }),
           0);
  CHECK_EQ(modules.count, 0);
  uint64_t primary;
  CHECK_EQ(process.vtbl_process->primary_module_address(&process.container, &primary), MODULE_NOT_FOUND);
  process.vtbl_process->mapped_mem(&process.container, 0x1000, (mf_memory_range_callback){ &ranges, on_range });
  CHECK_EQ(ranges.count, 0);
  drop_container(&process.container);
  drop_container(&os.container);
}

static bool range_is(const Collected *collected, size_t index, uint64_t address, uint64_t size) {
  const mf_memory_range *range = &collected->ranges[index];
  return index < collected->count && range->address == address && range->size == size &&
         range->page_type == MF_PAGE_TYPE_WRITEABLE;
}

/* init's runs: 400000-405000, 406000-410000, 10000000-10100000. */
static void check_mapped_mem(const mf_process_vtbl *vt, mf_container *cont) {
  Collected none = { 0 }, page = { 0 }, almost = { 0 }, clipped = { 0 }, edges = { 0 }, first = { .stop_after = 1 };
  vt->mapped_mem(cont, -1, (mf_memory_range_callback){ &none, on_range });
  CHECK(none.count == 3 && range_is(&none, 0, 0x400000, 0x5000) && range_is(&none, 1, 0x406000, 0xa000) &&
        range_is(&none, 2, 0x10000000, 0x100000));
  vt->mapped_mem(cont, 0x1000, (mf_memory_range_callback){ &page, on_range });
  CHECK(page.count == 2 && range_is(&page, 0, 0x400000, 0x10000) && range_is(&page, 1, 0x10000000, 0x100000));
  vt->mapped_mem(cont, 0xfff, (mf_memory_range_callback){ &almost, on_range });
  CHECK_EQ(almost.count, 3);
  vt->mapped_mem_range(cont, -1, 0x402000, 0x407000, (mf_memory_range_callback){ &clipped, on_range });
  CHECK(clipped.count == 2 && range_is(&clipped, 0, 0x402000, 0x3000) && range_is(&clipped, 1, 0x406000, 0x1000));
  /* Gaps at either end of [start, end) have one neighbour: never filled, however large gap is. */
  vt->mapped_mem_range(cont, 0x100000, 0x3ff000, 0x404000, (mf_memory_range_callback){ &edges, on_range });
  CHECK(edges.count == 1 && range_is(&edges, 0, 0x400000, 0x4000));
  vt->mapped_mem(cont, -1, (mf_memory_range_callback){ &first, on_range });
  CHECK_EQ(first.count, 1);
}

static void check_set_dtb(mf_os_instance *os) {
  mf_process_instance init = open_process(os, 1);
  mf_container *cont = &init.container;
  const mf_process_vtbl *vt = init.vtbl_process;
  check_mapped_mem(vt, cont);
  uint8_t bytes[8];
  mf_slice_mut buffer = { bytes, sizeof bytes };
  CHECK_EQ(vt->set_dtb(cont, 0x20000, MF_ADDRESS_INVALID), 0); /* shell 20's table */
  CHECK_EQ(vt->info(cont)->dtb1, 0x20000);
  CHECK_EQ(init.vtbl_memoryview->read_raw_into(cont, 0x400010, buffer), 0);
  CHECK(patterned(bytes, 8, 0x110010));
  Collected ranges = { 0 };
  vt->mapped_mem(cont, -1, (mf_memory_range_callback){ &ranges, on_range });
  CHECK_EQ(ranges.count, 2); /* shell has no 1 MiB region */
  CHECK_EQ(vt->set_dtb(cont, 0x12345000, 0x777), 0); /* no process's: nothing is mapped */
  CHECK_EQ(vt->info(cont)->dtb2, 0x777);
  CHECK_EQ(init.vtbl_memoryview->read_raw_into(cont, 0x400010, buffer), MF_PARTIAL_VIRTUAL_READ);
  CHECK_EQ(vt->set_dtb(cont, 0x10000, MF_ADDRESS_INVALID), 0);
  CHECK_EQ(init.vtbl_memoryview->read_raw_into(cont, 0x400010, buffer), 0);
  CHECK(patterned(bytes, 8, 0x100010));
  drop_container(cont);
}

static void check_process_entries(void) {
  mf_os_instance os = create_os(&full);
  check_process_info_and_state(&os);
  check_process_modules(&os);
  check_set_dtb(&os);
  drop_container(&os.container);
  check_generated_process();
}
