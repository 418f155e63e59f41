/*
 * testos: process objects and the Process vtable (memflow-os.md §5). A borrowed process
 * (ProcessInstance) borrows its OS; an owning one (IntoProcessInstance) owns it and drops it with
 * itself. Both read memory through the OS's connector. Part of test-os.c.
 */

typedef struct {
  AddressSpace space; /* first: the MemoryView and VirtualTranslate vtables take the process as a space */
  bool owning;
  mf_process_info info; /* what info() reports; the strings are the process's own */
} TestProcess;

static TestProcess *process_new(TestOs *os, const ProcessEntry *entry, bool owning) {
  TestProcess *process = calloc(1, sizeof *process);
  process->space.os = owning ? os : os_borrow(os);
  process->space.process_index = entry->index;
  process->space.table = process_table(entry->index);
  process->space.arch_bits = entry->row.proc_bits;
  process->owning = owning;
  process->info = process_info(entry, own_string);
  if (owning) live_owning_processes++;
  else live_processes++;
  return process;
}

static void process_drop(void *instance) {
  TestProcess *process = instance;
  TestOs *os = process->space.os;
  bool owning = process->owning;
  process_info_free(&process->info);
  free(process->space.scratch);
  free(process);
  if (owning) {
    live_owning_processes--;
    os_drop(os);
  } else {
    live_processes--;
    os_unborrow(os);
  }
}

static TestProcess *process_of(const mf_container *cont) { return cont->instance.instance; }

static mf_process_state process_state(mf_container *cont) { return process_of(cont)->info.state; }

/* From now on the process is translated through the table of the fixed process whose dtb1 this is (none: nothing). */
static int32_t process_set_dtb(mf_container *cont, uint64_t dtb1, uint64_t dtb2) {
  TestProcess *process = process_of(cont);
  Table none = { NULL, 0 };
  process->space.table = none;
  for (uint64_t index = 0; index < FIXED_PROCESSES; index++) {
    ProcessEntry entry;
    process_entry(index, &entry);
    if (entry.dtb1 == dtb1) process->space.table = process_table(index);
  }
  process->info.dtb1 = dtb1;
  process->info.dtb2 = dtb2;
  return 0;
}

static int32_t process_module_address_list(mf_container *cont, const mf_architecture_ident *target_arch,
                                           mf_module_address_callback callback) {
  ModuleList list = space_modules(cont);
  return modules_address_list(&list, target_arch, callback);
}

static int32_t process_module_list(mf_container *cont, const mf_architecture_ident *target_arch,
                                   mf_module_info_callback callback) {
  ModuleList list = space_modules(cont);
  return modules_list(&list, target_arch, callback);
}

static int32_t process_module_by_address(mf_container *cont, uint64_t address, mf_architecture_ident architecture,
                                         mf_module_info *ok_out) {
  ModuleList list = space_modules(cont);
  return modules_by_address(&list, address, &architecture, ok_out);
}

static int32_t process_module_by_name_arch(mf_container *cont, mf_slice_ref name,
                                           const mf_architecture_ident *architecture, mf_module_info *ok_out) {
  ModuleList list = space_modules(cont);
  return modules_by_name(&list, name, architecture, ok_out);
}

/* The first module of the process's own architecture. */
static const ModuleEntry *primary_of(const ModuleList *list, const mf_architecture_ident *proc_arch) {
  for (size_t index = 0; index < list->count; index++)
    if (arch_equal(&list->entries[index].arch, proc_arch)) return &list->entries[index];
  return NULL;
}

static int32_t process_primary_module_address(mf_container *cont, uint64_t *ok_out) {
  ModuleList list = space_modules(cont);
  const ModuleEntry *primary = primary_of(&list, &process_of(cont)->info.proc_arch);
  if (!primary) return MODULE_NOT_FOUND;
  *ok_out = primary->address;
  return 0;
}

static int32_t process_primary_module(mf_container *cont, mf_module_info *ok_out) {
  ModuleList list = space_modules(cont);
  const ModuleEntry *primary = primary_of(&list, &process_of(cont)->info.proc_arch);
  if (!primary) return MODULE_NOT_FOUND;
  *ok_out = module_info(primary);
  return 0;
}

static const mf_process_info *process_info_of(const mf_container *cont) { return &process_of(cont)->info; }

static void process_mapped_mem_range(mf_container *cont, int64_t gap_size, uint64_t start, uint64_t end,
                                     mf_memory_range_callback out) {
  if (end > start) page_map(process_of(cont)->space.table, gap_size, start, end, out);
}

static void process_mapped_mem(mf_container *cont, int64_t gap_size, mf_memory_range_callback out) {
  process_mapped_mem_range(cont, gap_size, 0, MF_ADDRESS_INVALID, out);
}

static const mf_process_vtbl process_vtbl = {
  process_state,
  process_set_dtb,
  process_module_address_list,
  process_module_list,
  process_module_by_address,
  process_module_by_name_arch,
  space_module_by_name,
  process_primary_module_address,
  process_primary_module,
  CONTENT_VTBL_ENTRIES,
  process_info_of,
  process_mapped_mem_range,
  process_mapped_mem,
};

/* The optional vtables: NULL in the minimal build (test-os.md "Builds"). */
#ifdef TESTOS_MINIMAL
#define OPTIONAL_VTBL(vtbl) (false ? (vtbl) : NULL)
#else
#define OPTIONAL_VTBL(vtbl) (vtbl)
#endif

/* A process that borrows the OS; its container holds a clone of the OS's library reference. */
static void borrowed_process(TestOs *os, const mf_container *os_cont, const ProcessEntry *entry,
                             mf_process_instance *ok_out) {
  ok_out->vtbl_memoryview = &memory_view_vtbl;
  ok_out->vtbl_process = &process_vtbl;
  ok_out->vtbl_virtualtranslate = OPTIONAL_VTBL(&virtual_translate_vtbl);
  ok_out->container.instance.instance = process_new(os, entry, false);
  ok_out->container.instance.drop_fn = process_drop;
  ok_out->container.context = carc_clone(os_cont->context);
}

/* A process that owns the OS of `os_cont`, whose library reference moves into it. */
static void owning_process(mf_container os_cont, const ProcessEntry *entry, mf_into_process_instance *ok_out) {
  ok_out->vtbl_clone = &clone_vtbl;
  ok_out->vtbl_memoryview = &memory_view_vtbl;
  ok_out->vtbl_process = &process_vtbl;
  ok_out->vtbl_virtualtranslate = OPTIONAL_VTBL(&virtual_translate_vtbl);
  ok_out->container.instance.instance = process_new(os_cont.instance.instance, entry, true);
  ok_out->container.instance.drop_fn = process_drop;
  ok_out->container.context = os_cont.context;
}
