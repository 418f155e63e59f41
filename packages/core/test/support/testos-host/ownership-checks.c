/*
 * testos-host: ownership against memflow-os.md §8 and test-os.md: ProcessInfo moved in, owning
 * processes and keyboards that consume the OS, the borrow-violation counter, the keyboard, the
 * minimal build, and a record logged from the plugin's own thread. Part of host.c.
 */

static void check_process_by_info(void) {
  mf_os_instance os = create_os(&full);
  int infos = full.infos_in();
  mf_process_info info;
  CHECK_EQ(os.vtbl_os->process_info_by_pid(&os.container, 36, &info), 0);
  strings_freed += 3; /* moved back into the plugin, which frees them */
  mf_process_instance shell;
  CHECK_EQ(os.vtbl_os->process_by_info(&os.container, info, &shell), 0);
  CHECK_EQ(full.infos_in() - infos, 1);
  CHECK_EQ(full.live_processes(), 1);
  CHECK_EQ(lib_refs, 2); /* the process holds a clone of the OS's library reference */
  CHECK_EQ(shell.vtbl_process->info(&shell.container)->pid, 36);
  drop_container(&shell.container);
  CHECK_EQ(full.live_processes(), 0);
  CHECK_EQ(lib_refs, 1);

  /* A ProcessInfo the host made (malloc'd strings) of no process: InvalidProcessInfo, and freed all the same. */
  mf_process_info made;
  memset(&made, 0, sizeof made);
  made.address = 0x9000;
  made.name = strdup("ghost");
  made.path = strdup("/ghost");
  made.command_line = strdup("ghost --boo");
  CHECK_EQ(os.vtbl_os->process_by_info(&os.container, made, &shell), INVALID_PROCESS_INFO);
  CHECK_EQ(full.infos_in() - infos, 2);
  drop_container(&os.container);
  CHECK_EQ(lib_refs, 0);
}

static void check_owning_processes(void) {
  int connectors = testmem_live();
  mf_os_instance os = create_os(&full);
  mf_into_process_instance owner;
  CHECK_EQ(os.vtbl_os->into_process_by_pid(os.container, 1, &owner), 0);
  CHECK_EQ(full.live(), 1); /* moved into the process, alive */
  CHECK_EQ(full.live_owning_processes(), 1);
  CHECK_EQ(lib_refs, 1); /* moved, not cloned */
  CHECK(owner.vtbl_clone && owner.vtbl_memoryview && owner.vtbl_process && owner.vtbl_virtualtranslate);
  mf_container clone = owner.vtbl_clone->clone(&owner.container);
  CHECK(clone.instance.instance == NULL);
  uint8_t bytes[8];
  mf_slice_mut buffer = { bytes, 8 };
  CHECK_EQ(owner.vtbl_memoryview->read_raw_into(&owner.container, 0x10000008, buffer), 0);
  CHECK(patterned(bytes, 8, 0x200008));
  CHECK_STR(owner.vtbl_process->info(&owner.container)->name, "init");
  drop_container(&owner.container);
  CHECK_EQ(full.live(), 0);
  CHECK_EQ(full.live_owning_processes(), 0);
  CHECK_EQ(testmem_live(), connectors);
  CHECK_EQ(lib_refs, 0);

  /* Each into_process_by_* that fails drops the OS before returning. */
  os = create_os(&full);
  CHECK_EQ(os.vtbl_os->into_process_by_name(os.container, text("nobody"), &owner), PROCESS_NOT_FOUND);
  CHECK(full.live() == 0 && testmem_live() == connectors && lib_refs == 0);
  os = create_os(&full);
  CHECK_EQ(os.vtbl_os->into_process_by_address(os.container, 0x1234, &owner), PROCESS_NOT_FOUND);
  CHECK(full.live() == 0 && testmem_live() == connectors && lib_refs == 0);
  os = create_os(&full);
  CHECK_EQ(os.vtbl_os->into_process_by_pid(os.container, 2, &owner), PROCESS_NOT_FOUND);
  CHECK(full.live() == 0 && testmem_live() == connectors && lib_refs == 0);
  os = create_os(&full);
  mf_process_info info;
  CHECK_EQ(os.vtbl_os->process_info_by_address(&os.container, 0x5000, &info), 0);
  strings_freed += 3;
  info.address = 0x5001;
  CHECK_EQ(os.vtbl_os->into_process_by_info(os.container, info, &owner), INVALID_PROCESS_INFO);
  CHECK(full.live() == 0 && testmem_live() == connectors && lib_refs == 0);

  os = create_os(&full);
  CHECK_EQ(os.vtbl_os->into_process_by_name(os.container, text("legacy32"), &owner), 0);
  CHECK_EQ(owner.vtbl_memoryview->metadata(&owner.container).arch_bits, 32);
  drop_container(&owner.container);
  CHECK(full.live() == 0 && testmem_live() == connectors && lib_refs == 0);
}

/* Zeroes the plugin's event counts and the host's count of freed strings, which is compared with them. */
static void reset_counts(void) {
  full.reset_counters();
  strings_freed = 0;
}

static void check_borrow_violations(void) {
  reset_counts();
  CHECK(full.borrow_violations() == 0 && full.strings_out() == 0 && full.infos_in() == 0);
  mf_os_instance os = create_os(&full);
  mf_process_instance init = open_process(&os, 1);
  CHECK_EQ(full.borrow_violations(), 0);
  uint8_t bytes[8];
  mf_slice_mut buffer = { bytes, 8 };
  init.vtbl_memoryview->read_raw_into(&init.container, 0x400000, buffer); /* the process's own: allowed */
  CHECK_EQ(full.borrow_violations(), 0);
  os.vtbl_os->info(&os.container);
  CHECK_EQ(full.borrow_violations(), 1);
  mf_process_instance second;
  CHECK_EQ(os.vtbl_os->process_by_pid(&os.container, 36, &second), 0);
  CHECK_EQ(full.borrow_violations(), 2);
  drop_container(&second.container);
  os.vtbl_memoryview->read_raw_into(&os.container, 0xfffff80000000000, buffer);
  os.vtbl_physicalmemory->metadata(&os.container);
  mf_physical_address physical;
  os.vtbl_virtualtranslate->virt_to_phys(&os.container, 0xfffff80000000000, &physical);
  CHECK_EQ(full.borrow_violations(), 5);
  drop_container(&init.container);
  os.vtbl_os->info(&os.container);
  CHECK_EQ(full.borrow_violations(), 5);

  /* The OS dropped under a borrowed process: counted; the process stays safe to drop, its memory gone. */
  int connectors = testmem_live();
  init = open_process(&os, 1);
  drop_container(&os.container);
  CHECK_EQ(full.borrow_violations(), 6);
  CHECK_EQ(full.live(), 0);
  CHECK_EQ(testmem_live(), connectors - 1);
  CHECK_EQ(init.vtbl_memoryview->read_raw_into(&init.container, 0x400000, buffer), OS_GONE);
  CHECK_EQ(init.vtbl_process->info(&init.container)->pid, 1);
  drop_container(&init.container);
  CHECK_EQ(full.live_processes(), 0);
  CHECK_EQ(lib_refs, 0);
  reset_counts();
  CHECK(full.borrow_violations() == 0 && full.live() == 0);
}

static void check_keyboard(void) {
  mf_os_instance os = create_os(&full);
  mf_keyboard keyboard;
  CHECK_EQ(os.vtbl_oskeyboard->keyboard(&os.container, &keyboard), 0);
  CHECK_EQ(full.live_keyboards(), 1);
  mf_container *cont = &keyboard.container;
  CHECK(!keyboard.vtbl->is_down(cont, 0x41));
  keyboard.vtbl->set_down(cont, 0x41, true);
  keyboard.vtbl->set_down(cont, 256, true);
  CHECK(keyboard.vtbl->is_down(cont, 0x41) && !keyboard.vtbl->is_down(cont, 0x42));
  CHECK(!keyboard.vtbl->is_down(cont, 256) && !keyboard.vtbl->is_down(cont, -1));
  mf_keyboard_state state;
  CHECK_EQ(keyboard.vtbl->state(cont, &state), 0);
  CHECK_EQ(full.live_keyboard_states(), 1);
  keyboard.vtbl->set_down(cont, 0x41, false);
  CHECK(state.vtbl->is_down(&state.container, 0x41)); /* a snapshot */
  CHECK(!keyboard.vtbl->is_down(cont, 0x41));
  CHECK_EQ(full.borrow_violations(), 0);
  os.vtbl_os->process_address_list_callback(&os.container, (mf_address_callback){ &(Collected){ 0 }, on_address });
  CHECK_EQ(full.borrow_violations(), 1); /* the keyboard borrows the OS */
  drop_container(&state.container);
  drop_container(cont);
  CHECK(full.live_keyboards() == 0 && full.live_keyboard_states() == 0);
  CHECK_EQ(lib_refs, 1);

  mf_into_keyboard owner;
  CHECK_EQ(os.vtbl_oskeyboard->into_keyboard(os.container, &owner), 0);
  CHECK(owner.vtbl_clone && owner.vtbl_keyboard);
  CHECK_EQ(full.live(), 1);
  owner.vtbl_keyboard->set_down(&owner.container, 0x10, true);
  CHECK(owner.vtbl_keyboard->is_down(&owner.container, 0x10));
  drop_container(&owner.container);
  CHECK(full.live() == 0 && full.live_keyboards() == 0 && lib_refs == 0);
  reset_counts();
}

static void check_minimal_build(void) {
  mf_os_instance os = create_os(&minimal);
  CHECK_STR((const char *)minimal.descriptor->name.data, "testosmin");
  CHECK(os.vtbl_os && !os.vtbl_memoryview && !os.vtbl_oskeyboard && !os.vtbl_physicalmemory &&
        !os.vtbl_virtualtranslate);
  mf_process_instance init = open_process(&os, 1);
  CHECK(init.vtbl_memoryview && init.vtbl_process && !init.vtbl_virtualtranslate);
  uint8_t bytes[8];
  mf_slice_mut buffer = { bytes, 8 };
  CHECK_EQ(init.vtbl_memoryview->read_raw_into(&init.container, 0x406000, buffer), 0);
  CHECK(patterned(bytes, 8, 0x106000));
  drop_container(&init.container);
  mf_into_process_instance owner;
  CHECK_EQ(os.vtbl_os->into_process_by_pid(os.container, 4242, &owner), 0);
  CHECK(owner.vtbl_clone && !owner.vtbl_virtualtranslate);
  CHECK_EQ(minimal.live(), 1);
  drop_container(&owner.container);
  CHECK(minimal.live() == 0 && minimal.live_owning_processes() == 0 && minimal.live_processes() == 0);
  CHECK_EQ(minimal.strings_out(), 0);
  CHECK_EQ(lib_refs, 0);
}

/* ---- log=thread ---- */

static struct {
  int records;
  size_t level;
  char target[32], message[96];
  pthread_t thread;
} logged;

static int32_t append(void **cont, mf_slice_ref piece) {
  char *message = *cont;
  size_t used = strlen(message);
  snprintf(message + used, sizeof logged.message - used, "%.*s", (int)piece.len, (const char *)piece.data);
  return 0;
}

static const mf_write_vtbl append_vtbl = { append };
static bool log_enabled(const mf_log_metadata *metadata) { return metadata->level <= MF_LEVEL_INFO; }
static void log_record(const mf_log_record *record) {
  logged.records++;
  logged.level = record->metadata.level;
  logged.thread = pthread_self();
  snprintf(logged.target, sizeof logged.target, "%.*s", (int)record->metadata.target.len,
           (const char *)record->metadata.target.data);
  logged.message[0] = 0;
  mf_write_mut writer = { &append_vtbl, logged.message };
  record->message.vtbl->fmt(&record->message.instance, &writer);
}
static void log_flush(void) {}

static void check_log_thread(void) {
  mf_plugin_logger logger = { MF_LEVEL_INFO, log_enabled, log_record, log_flush, NULL };
  mf_os_instance os;
  CHECK_EQ(create_os_with(&full, "log=thread", "processes=0", &logger, &os), 0);
  CHECK_EQ(logged.records, 1); /* joined before create returned */
  CHECK_EQ(logged.level, MF_LEVEL_INFO);
  CHECK_STR(logged.target, "testos");
  CHECK_STR(logged.message, "testos started on its own thread");
  CHECK(!pthread_equal(logged.thread, pthread_self()));
  drop_container(&os.container);
  CHECK_EQ(create_os_with(&full, NULL, NULL, &logger, &os), 0);
  CHECK_EQ(logged.records, 1); /* only when asked */
  drop_container(&os.container);
}
