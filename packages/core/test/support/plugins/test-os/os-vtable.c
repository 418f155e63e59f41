/*
 * testos: the Os vtable's 26 entries (memflow-os.md §4) and the OS's PhysicalMemory, which is
 * its connector's. Every entry goes through os_entry (the borrow check). Part of test-os.c.
 */

static int32_t os_process_address_list(mf_container *cont, mf_address_callback callback) {
  TestOs *os = os_entry(cont);
  ProcessEntry entry;
  for (uint64_t index = 0; index < process_count(os); index++) {
    process_entry(index, &entry);
    if (!callback.func(callback.context, entry.address)) break;
  }
  return 0;
}

static int32_t os_process_info_list(mf_container *cont, mf_process_info_callback callback) {
  TestOs *os = os_entry(cont);
  ProcessEntry entry;
  for (uint64_t index = 0; index < process_count(os); index++) {
    process_entry(index, &entry);
    if (!callback.func(callback.context, process_info(&entry, handed_string))) break;
  }
  return 0;
}

static int32_t os_info_of(mf_container *cont, ProcessMatch match, const void *key, mf_process_info *ok_out) {
  ProcessEntry entry;
  if (!process_find(os_entry(cont), match, key, &entry)) return PROCESS_NOT_FOUND;
  *ok_out = process_info(&entry, handed_string);
  return 0;
}

static int32_t os_process_info_by_address(mf_container *cont, uint64_t address, mf_process_info *ok_out) {
  return os_info_of(cont, match_address, &address, ok_out);
}

static int32_t os_process_info_by_name(mf_container *cont, mf_slice_ref name, mf_process_info *ok_out) {
  return os_info_of(cont, match_name, &name, ok_out);
}

static int32_t os_process_info_by_pid(mf_container *cont, uint32_t pid, mf_process_info *ok_out) {
  return os_info_of(cont, match_pid, &pid, ok_out);
}

/* process_by_*: a process borrowing the OS; `missing` is the error when no row matches. */
static int32_t os_open(mf_container *cont, ProcessMatch match, const void *key, int32_t missing,
                       mf_process_instance *ok_out) {
  TestOs *os = os_entry(cont);
  ProcessEntry entry;
  if (!process_find(os, match, key, &entry)) return missing;
  borrowed_process(os, cont, &entry, ok_out);
  return 0;
}

/* into_process_by_*: a process owning the OS, which is dropped when no row matches. */
static int32_t os_into(mf_container cont, ProcessMatch match, const void *key, int32_t missing,
                       mf_into_process_instance *ok_out) {
  ProcessEntry entry;
  if (!process_find(os_entry(&cont), match, key, &entry)) return os_consumed_on_failure(cont, missing);
  owning_process(cont, &entry, ok_out);
  return 0;
}

#define INVALID_PROCESS_INFO MF_ERROR(MF_ORIGIN_OS_LAYER, MF_KIND_INVALID_PROCESS_INFO)

static int32_t os_process_by_info(mf_container *cont, mf_process_info info, mf_process_instance *ok_out) {
  uint64_t address = process_info_taken(info);
  return os_open(cont, match_address, &address, INVALID_PROCESS_INFO, ok_out);
}

static int32_t os_into_process_by_info(mf_container cont, mf_process_info info, mf_into_process_instance *ok_out) {
  uint64_t address = process_info_taken(info);
  return os_into(cont, match_address, &address, INVALID_PROCESS_INFO, ok_out);
}

static int32_t os_process_by_address(mf_container *cont, uint64_t address, mf_process_instance *ok_out) {
  return os_open(cont, match_address, &address, PROCESS_NOT_FOUND, ok_out);
}

static int32_t os_process_by_name(mf_container *cont, mf_slice_ref name, mf_process_instance *ok_out) {
  return os_open(cont, match_name, &name, PROCESS_NOT_FOUND, ok_out);
}

static int32_t os_process_by_pid(mf_container *cont, uint32_t pid, mf_process_instance *ok_out) {
  return os_open(cont, match_pid, &pid, PROCESS_NOT_FOUND, ok_out);
}

static int32_t os_into_process_by_address(mf_container cont, uint64_t address, mf_into_process_instance *ok_out) {
  return os_into(cont, match_address, &address, PROCESS_NOT_FOUND, ok_out);
}

static int32_t os_into_process_by_name(mf_container cont, mf_slice_ref name, mf_into_process_instance *ok_out) {
  return os_into(cont, match_name, &name, PROCESS_NOT_FOUND, ok_out);
}

static int32_t os_into_process_by_pid(mf_container cont, uint32_t pid, mf_into_process_instance *ok_out) {
  return os_into(cont, match_pid, &pid, PROCESS_NOT_FOUND, ok_out);
}

/* ---- the kernel's modules ---- */

static int32_t os_module_address_list(mf_container *cont, mf_address_callback callback) {
  ModuleList list = space_modules(cont);
  for (size_t index = 0; index < list.count; index++)
    if (!callback.func(callback.context, list.entries[index].address)) break;
  return 0;
}

static int32_t os_module_list(mf_container *cont, mf_module_info_callback callback) {
  ModuleList list = space_modules(cont);
  return modules_list(&list, NULL, callback);
}

static int32_t os_module_by_address(mf_container *cont, uint64_t address, mf_module_info *ok_out) {
  ModuleList list = space_modules(cont);
  return modules_by_address(&list, address, NULL, ok_out);
}

/* The kernel image, ntoskrnl.exe, is the first. */
static int32_t os_primary_module_address(mf_container *cont, uint64_t *ok_out) {
  *ok_out = space_modules(cont).entries[0].address;
  return 0;
}

static int32_t os_primary_module(mf_container *cont, mf_module_info *ok_out) {
  ModuleList list = space_modules(cont);
  *ok_out = module_info(&list.entries[0]);
  return 0;
}

static const mf_os_info *os_info(const mf_container *cont) { return &os_entry(cont)->info; }

static const mf_os_vtbl os_vtbl = {
  os_process_address_list,
  os_process_info_list,
  os_process_info_by_address,
  os_process_info_by_name,
  os_process_info_by_pid,
  os_process_by_info,
  os_into_process_by_info,
  os_process_by_address,
  os_process_by_name,
  os_process_by_pid,
  os_into_process_by_address,
  os_into_process_by_name,
  os_into_process_by_pid,
  os_module_address_list,
  os_module_list,
  os_module_by_address,
  space_module_by_name,
  os_primary_module_address,
  os_primary_module,
  CONTENT_VTBL_ENTRIES,
  os_info,
};

/* ---- PhysicalMemory: the connector's, through the OS ---- */

static mf_connector_instance *connector_entry(const mf_container *cont) { return &os_entry(cont)->connector; }

static int32_t os_phys_read(mf_container *cont, mf_read_ops ops) {
  mf_connector_instance *connector = connector_entry(cont);
  return connector->vtbl_physicalmemory->phys_read_raw_iter(&connector->container, ops);
}

static int32_t os_phys_write(mf_container *cont, mf_write_ops ops) {
  mf_connector_instance *connector = connector_entry(cont);
  return connector->vtbl_physicalmemory->phys_write_raw_iter(&connector->container, ops);
}

static mf_physical_memory_metadata os_phys_metadata(const mf_container *cont) {
  mf_connector_instance *connector = connector_entry(cont);
  return connector->vtbl_physicalmemory->metadata(&connector->container);
}

static void os_phys_set_mem_map(mf_container *cont, mf_mapping_slice mappings) {
  mf_connector_instance *connector = connector_entry(cont);
  connector->vtbl_physicalmemory->set_mem_map(&connector->container, mappings);
}

/* No phys_view entries: hosts fall back to the raw iterators, as with the connectors. */
static const mf_physical_memory_vtbl physical_memory_vtbl = {
  os_phys_read, os_phys_write, os_phys_metadata, os_phys_set_mem_map, NULL, NULL,
};
