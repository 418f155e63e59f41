/*
 * testos-host: the OS's own entries against test-os.md: creation, info(), the process list and
 * its lookups, the kernel's modules and their image contents. Part of host.c.
 */

static void check_creation(void) {
  int connectors = testmem_live();
  mf_os_instance os;
  mf_option_connector_instance none;
  memset(&none, 0, sizeof none);
  CHECK_EQ(full.descriptor->create.os(NULL, none, new_lib(), NULL, &os), ARG_NOT_EXISTS);
  CHECK_EQ(lib_refs, 0);
  CHECK_EQ(full.live(), 0);

  /* A bad argument fails create, which drops the connector and the library reference it was given. */
  CHECK_EQ(create_os_with(&full, "processes=12x", NULL, NULL, &os), ARG_VALIDATION);
  CHECK_EQ(create_os_with(&full, "processes=-1", NULL, NULL, &os), ARG_VALIDATION);
  CHECK_EQ(create_os_with(&full, "log=stderr", NULL, NULL, &os), ARG_VALIDATION);
  CHECK_EQ(testmem_live(), connectors);
  CHECK_EQ(lib_refs, 0);
  CHECK_EQ(full.live(), 0);

  /* Unknown arguments are not the plugin's: ignored. */
  CHECK_EQ(create_os_with(&full, "unrelated=1", NULL, NULL, &os), 0);
  CHECK_EQ(full.live(), 1);
  CHECK_EQ(testmem_live(), connectors + 1);
  CHECK(os.vtbl_clone && os.vtbl_os && os.vtbl_memoryview && os.vtbl_oskeyboard && os.vtbl_physicalmemory &&
        os.vtbl_virtualtranslate);
  /* The clone entry gives an empty container, whose drop does nothing. */
  mf_container clone = os.vtbl_clone->clone(&os.container);
  CHECK(clone.instance.instance == NULL && clone.context.instance == NULL);
  drop_container(&clone);

  const mf_os_info *info = os.vtbl_os->info(&os.container);
  CHECK_EQ(info->base, 0xfffff80000000000);
  CHECK_EQ(info->size, 0x800000);
  CHECK(is_x86(info->arch, 64));

  /* The OS's PhysicalMemory is the connector's. */
  uint8_t bytes[4];
  mf_physical_read_data item = { { 0x123456, MF_PAGE_TYPE_UNKNOWN, 0 }, 0x123456, { bytes, 4 } };
  ArrayIter items = ARRAY_ITER(&item, 1);
  mf_read_ops ops = { ITERATOR(items), NULL, NULL };
  CHECK_EQ(os.vtbl_physicalmemory->phys_read_raw_iter(&os.container, ops), 0);
  CHECK(patterned(bytes, 4, 0x123456));
  CHECK_EQ(os.vtbl_physicalmemory->metadata(&os.container).real_size, 0x300000);

  drop_container(&os.container);
  CHECK_EQ(full.live(), 0);
  CHECK_EQ(testmem_live(), connectors);
  CHECK_EQ(lib_refs, 0);
}

static const struct {
  uint64_t address;
  uint32_t pid;
  const char *name, *path, *command_line;
  uint32_t state;
  int32_t exit_code;
  uint8_t bits;
  uint64_t dtb1;
} expected_processes[] = {
  { 0x1000, 1, "init", "/sbin/init", "/sbin/init splash", MF_PROCESS_STATE_ALIVE, 0, 64, 0x10000 },
  { 0x2000, 20, "shell", "/bin/sh", "sh -c \"exit 3\"", MF_PROCESS_STATE_DEAD, 3, 64, 0x20000 },
  { 0x3000, 36, "shell", "/bin/sh", "/bin/sh -l", MF_PROCESS_STATE_ALIVE, 0, 64, 0x30000 },
  { 0x4000, 300, "legacy32", "C:\\legacy\\legacy32.exe", "legacy32.exe /quiet", MF_PROCESS_STATE_ALIVE, 0, 32, 0x40000 },
  { 0x5000, 4242, "d\xc3\xa6mon", "/usr/sbin/d\xc3\xa6mon", "d\xc3\xa6mon --foreground", MF_PROCESS_STATE_UNKNOWN, 0, 64,
    0x50000 },
};

static void check_process_row(const HostProcess *got, size_t row) {
  CHECK_EQ(got->address, expected_processes[row].address);
  CHECK_EQ(got->pid, expected_processes[row].pid);
  CHECK_STR(got->name, expected_processes[row].name);
  CHECK_STR(got->path, expected_processes[row].path);
  CHECK_STR(got->command_line, expected_processes[row].command_line);
  CHECK_EQ(got->state.tag, expected_processes[row].state);
  if (got->state.tag == MF_PROCESS_STATE_DEAD) CHECK_EQ(got->state.exit_code, expected_processes[row].exit_code);
  CHECK(is_x86(got->sys_arch, 64));
  CHECK(is_x86(got->proc_arch, expected_processes[row].bits));
  CHECK_EQ(got->dtb1, expected_processes[row].dtb1);
  CHECK_EQ(got->dtb2, MF_ADDRESS_INVALID);
}

static void check_generated_row(const HostProcess *got, uint64_t i) {
  char name[32], path[48], command_line[64];
  snprintf(name, sizeof name, "proc%llu", (unsigned long long)i);
  snprintf(path, sizeof path, "/usr/bin/proc%llu", (unsigned long long)i);
  snprintf(command_line, sizeof command_line, "/usr/bin/proc%llu --index %llu", (unsigned long long)i,
           (unsigned long long)i);
  CHECK_EQ(got->address, 0x100000000 + i * 0x1000);
  CHECK_EQ(got->pid, 10000 + i);
  CHECK_STR(got->name, name);
  CHECK_STR(got->path, path);
  CHECK_STR(got->command_line, command_line);
  CHECK_EQ(got->state.tag, MF_PROCESS_STATE_ALIVE);
  CHECK(is_x86(got->proc_arch, 64) && is_x86(got->sys_arch, 64));
  CHECK_EQ(got->dtb1, 0x60000 + i * 0x1000);
}

/* A lookup's result, or the error with its ok_out untouched. */
static void check_lookup(int32_t result, int32_t want, const mf_process_info *info, size_t row) {
  CHECK_EQ(result, want);
  if (want != 0) {
    CHECK_EQ(info->address, 0xdddddddddddddddd); /* the sentinel the caller wrote */
    return;
  }
  HostProcess got = keep_process(*info);
  check_process_row(&got, row);
}

static void check_processes(void) {
  mf_os_instance os;
  CHECK_EQ(create_os_with(&full, "processes=3", NULL, NULL, &os), 0);
  mf_container *cont = &os.container;
  const mf_os_vtbl *vt = os.vtbl_os;
  int strings_before = full.strings_out();

  Collected addresses = { 0 };
  CHECK_EQ(vt->process_address_list_callback(cont, (mf_address_callback){ &addresses, on_address }), 0);
  CHECK_EQ(addresses.count, 8);
  for (size_t row = 0; row < 5; row++) CHECK_EQ(addresses.addresses[row], expected_processes[row].address);
  CHECK_EQ(addresses.addresses[7], 0x100002000);

  Collected infos = { 0 };
  CHECK_EQ(vt->process_info_list_callback(cont, (mf_process_info_callback){ &infos, on_process }), 0);
  CHECK_EQ(infos.count, 8);
  for (size_t row = 0; row < 5; row++) check_process_row(&infos.processes[row], row);
  for (uint64_t i = 0; i < 3; i++) check_generated_row(&infos.processes[5 + i], i);
  CHECK_EQ(full.strings_out() - strings_before, 8 * 3);

  /* A callback returning false stops the list; the call still succeeds, and nothing more is allocated. */
  Collected two = { .stop_after = 2 };
  strings_before = full.strings_out();
  CHECK_EQ(vt->process_info_list_callback(cont, (mf_process_info_callback){ &two, on_process }), 0);
  CHECK_EQ(two.count, 2);
  CHECK_EQ(full.strings_out() - strings_before, 2 * 3);
  Collected one = { .stop_after = 1 };
  CHECK_EQ(vt->process_address_list_callback(cont, (mf_address_callback){ &one, on_address }), 0);
  CHECK_EQ(one.count, 1);

  mf_process_info info;
#define SENTINEL() memset(&info, 0xdd, sizeof info)
  SENTINEL();
  check_lookup(vt->process_info_by_name(cont, text("shell"), &info), 0, &info, 2); /* shell 20 is dead */
  SENTINEL();
  check_lookup(vt->process_info_by_name(cont, text("d\xc3\xa6mon"), &info), 0, &info, 4);
  SENTINEL();
  check_lookup(vt->process_info_by_name(cont, text("shel"), &info), PROCESS_NOT_FOUND, &info, 0);
  SENTINEL();
  check_lookup(vt->process_info_by_pid(cont, 20, &info), 0, &info, 1); /* by pid: dead or not */
  SENTINEL();
  check_lookup(vt->process_info_by_pid(cont, 21, &info), PROCESS_NOT_FOUND, &info, 0);
  SENTINEL();
  check_lookup(vt->process_info_by_address(cont, 0x4000, &info), 0, &info, 3);
  SENTINEL();
  check_lookup(vt->process_info_by_address(cont, 0x4001, &info), PROCESS_NOT_FOUND, &info, 0);
  CHECK_EQ(vt->process_info_by_pid(cont, 10002, &info), 0);
  HostProcess generated = keep_process(info);
  check_generated_row(&generated, 2);
  CHECK_EQ(vt->process_info_by_name(cont, text("proc1"), &info), 0);
  generated = keep_process(info);
  check_generated_row(&generated, 1);
  CHECK_EQ(vt->process_info_by_address(cont, 0x100003000, &info), PROCESS_NOT_FOUND); /* only 3 generated */
  CHECK_EQ(vt->process_info_by_name(cont, text("proc3"), &info), PROCESS_NOT_FOUND);
  CHECK_EQ(MF_ERROR(MF_ORIGIN_OS_LAYER, MF_KIND_PROCESS_NOT_FOUND), PROCESS_NOT_FOUND);
  drop_container(cont);
}

static void check_kernel_modules(void) {
  mf_os_instance os = create_os(&full);
  mf_container *cont = &os.container;
  const mf_os_vtbl *vt = os.vtbl_os;

  Collected addresses = { 0 };
  CHECK_EQ(vt->module_address_list_callback(cont, (mf_address_callback){ &addresses, on_address }), 0);
  CHECK_EQ(addresses.count, 2);
  CHECK_EQ(addresses.addresses[0], 0xfffff78000001000);
  CHECK_EQ(addresses.addresses[1], 0xfffff78000002000);

  Collected modules = { 0 };
  CHECK_EQ(vt->module_list_callback(cont, (mf_module_info_callback){ &modules, on_module }), 0);
  CHECK_EQ(modules.count, 2);
  CHECK_MODULE(&modules.modules[0], 0xfffff78000001000, 0, 0xfffff80000000000, 0x800000, "ntoskrnl.exe",
               "\\SystemRoot\\system32\\ntoskrnl.exe", arch_x86(64));
  CHECK_MODULE(&modules.modules[1], 0xfffff78000002000, 0, 0xfffff80000800000, 0x100000, "hal.dll",
               "\\SystemRoot\\system32\\hal.dll", arch_x86(64));

  mf_module_info info;
  CHECK_EQ(vt->module_by_address(cont, 0xfffff78000002000, &info), 0);
  HostModule found = keep_module(info);
  CHECK_STR(found.name, "hal.dll");
  CHECK_EQ(vt->module_by_address(cont, 0xfffff78000003000, &info), MODULE_NOT_FOUND);
  CHECK_EQ(vt->module_by_name(cont, text("ntoskrnl.exe"), &info), 0);
  found = keep_module(info);
  CHECK_EQ(found.base, 0xfffff80000000000);
  CHECK_EQ(found.size, 0x800000);
  CHECK_EQ(vt->module_by_name(cont, text("ntoskrnl"), &info), MODULE_NOT_FOUND);
  CHECK_PRIMARY(vt, cont, 0xfffff78000001000, 0, 0xfffff80000000000, 0x800000, "ntoskrnl.exe",
                "\\SystemRoot\\system32\\ntoskrnl.exe", arch_x86(64));

  /* The image contents of hal.dll, found by its base. */
  mf_module_info module = { 0, 0, 0xfffff80000800000, 0x100000, NULL, NULL, arch_x86(64) };
  Collected sections = { 0 };
  CHECK_EQ(vt->module_section_list_callback(cont, &module, (mf_section_callback){ &sections, on_section }), 0);
  CHECK_EQ(sections.count, 2);
  CHECK_STR(sections.contents[1].name, ".data");
  CHECK_EQ(sections.contents[1].base, 0xfffff80000803000);
  CHECK_EQ(sections.contents[1].size, 0x1000);
  mf_export_info export_info;
  CHECK_EQ(vt->module_export_by_name(cont, &module, text("helper"), &export_info), 0);
  CHECK_EQ(export_info.offset, 0x1800);
  char name[16];
  take(export_info.name, name, sizeof name);
  CHECK_STR(name, "helper");
  mf_import_info import_info;
  CHECK_EQ(vt->module_import_by_name(cont, &module, text("calloc"), &import_info), IMPORT_NOT_FOUND);
  module.base = 0x400000; /* a process module's base is not the kernel's */
  CHECK_EQ(vt->module_import_by_name(cont, &module, text("malloc"), &import_info), INVALID_EXE_FILE);
  Collected imports = { 0 };
  CHECK_EQ(vt->module_import_list_callback(cont, &module, (mf_import_callback){ &imports, on_import }),
           INVALID_EXE_FILE);
  CHECK_EQ(imports.count, 0);
  drop_container(cont);
}
