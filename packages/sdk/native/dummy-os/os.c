/*
 * dummy OS: the Os vtable (memflow-os.md §4), the OS's clone, and its PhysicalMemory, which is
 * its connector's. Part of dummy-os.c.
 */

#define PROCESS_NOT_FOUND MF_ERROR(MF_ORIGIN_OS_LAYER, MF_KIND_PROCESS_NOT_FOUND)
#define INVALID_PROCESS_INFO MF_ERROR(MF_ORIGIN_OS_LAYER, MF_KIND_INVALID_PROCESS_INFO)

static DummyOs *os_of(const mf_container *cont) { return cont->instance.instance; }

static int32_t os_process_addresses(mf_container *cont, mf_address_callback callback) {
  DummyOs *os = os_of(cont);
  for (size_t index = 0; index < os->process_count; index++)
    if (!callback.func(callback.context, os->processes[index].base)) break;
  return 0;
}

static int32_t os_process_infos(mf_container *cont, mf_process_info_callback callback) {
  DummyOs *os = os_of(cont);
  for (size_t index = 0; index < os->process_count; index++)
    if (!callback.func(callback.context, space_process_info(&os->processes[index]))) break;
  return 0;
}

static int32_t info_of(const Space *space, mf_process_info *ok_out) {
  if (!space) return PROCESS_NOT_FOUND;
  *ok_out = space_process_info(space);
  return 0;
}

static int32_t os_info_by_address(mf_container *cont, uint64_t address, mf_process_info *ok_out) {
  return info_of(process_find_address(os_of(cont), address), ok_out);
}

static int32_t os_info_by_name(mf_container *cont, mf_slice_ref name, mf_process_info *ok_out) {
  return info_of(process_find_name(os_of(cont), name), ok_out);
}

static int32_t os_info_by_pid(mf_container *cont, uint32_t pid, mf_process_info *ok_out) {
  return info_of(process_find_pid(os_of(cont), pid), ok_out);
}

/* A process borrowing the OS: it carries a clone of the OS's library reference. */
/* A process is built (its tables and contents written) when it is first opened: 0, or why it cannot be. */
static int32_t opened(DummyOs *os, const Space *space) {
  Space *own = &os->processes[space - os->processes];
  return space_ensure_built(&os->connector, os->seed, own);
}

static int32_t borrowed(mf_container *cont, const Space *space, int32_t missing, mf_process_instance *ok_out) {
  if (!space) return missing;
  int32_t error = opened(os_of(cont), space);
  if (error != 0) return error;
  DummyProcess *process = process_new(os_of(cont), space, false);
  if (!process) return MF_ERROR(MF_ORIGIN_OS_LAYER, MF_KIND_UNKNOWN);
  mf_process_instance instance = { &view_vtbl, &process_vtbl, &translate_vtbl,
                                   { { process, process_drop }, mf_lib_clone(cont->context) } };
  *ok_out = instance;
  return 0;
}

/* A process owning the OS, which moves into it with its library reference; on failure the OS is dropped. */
static int32_t owning(mf_container cont, const Space *space, int32_t missing, mf_into_process_instance *ok_out) {
  int32_t error = space ? opened(os_of(&cont), space) : missing;
  DummyProcess *process = error == 0 ? process_new(os_of(&cont), space, true) : NULL;
  if (!process) {
    os_free(cont.instance.instance);
    mf_lib_drop(cont.context);
    return error != 0 ? error : MF_ERROR(MF_ORIGIN_OS_LAYER, MF_KIND_UNKNOWN);
  }
  mf_into_process_instance instance = { &owning_process_clone_vtbl, &view_vtbl, &process_vtbl, &translate_vtbl,
                                        { { process, process_drop }, cont.context } };
  *ok_out = instance;
  return 0;
}

/* by_info takes the info by value: its strings are the plugin's to free, whatever happens. */
static uint64_t info_address_taken(mf_process_info info) {
  mf_process_info_free(&info);
  return info.address;
}

static int32_t os_by_info(mf_container *cont, mf_process_info info, mf_process_instance *ok_out) {
  uint64_t address = info_address_taken(info);
  return borrowed(cont, process_find_address(os_of(cont), address), INVALID_PROCESS_INFO, ok_out);
}

static int32_t os_into_by_info(mf_container cont, mf_process_info info, mf_into_process_instance *ok_out) {
  uint64_t address = info_address_taken(info);
  return owning(cont, process_find_address(os_of(&cont), address), INVALID_PROCESS_INFO, ok_out);
}

static int32_t os_by_address(mf_container *cont, uint64_t address, mf_process_instance *ok_out) {
  return borrowed(cont, process_find_address(os_of(cont), address), PROCESS_NOT_FOUND, ok_out);
}

static int32_t os_by_name(mf_container *cont, mf_slice_ref name, mf_process_instance *ok_out) {
  return borrowed(cont, process_find_name(os_of(cont), name), PROCESS_NOT_FOUND, ok_out);
}

static int32_t os_by_pid(mf_container *cont, uint32_t pid, mf_process_instance *ok_out) {
  return borrowed(cont, process_find_pid(os_of(cont), pid), PROCESS_NOT_FOUND, ok_out);
}

static int32_t os_into_by_address(mf_container cont, uint64_t address, mf_into_process_instance *ok_out) {
  return owning(cont, process_find_address(os_of(&cont), address), PROCESS_NOT_FOUND, ok_out);
}

static int32_t os_into_by_name(mf_container cont, mf_slice_ref name, mf_into_process_instance *ok_out) {
  return owning(cont, process_find_name(os_of(&cont), name), PROCESS_NOT_FOUND, ok_out);
}

static int32_t os_into_by_pid(mf_container cont, uint32_t pid, mf_into_process_instance *ok_out) {
  return owning(cont, process_find_pid(os_of(&cont), pid), PROCESS_NOT_FOUND, ok_out);
}

/* ---- the kernel's modules ---- */

static int32_t os_module_addresses(mf_container *cont, mf_address_callback callback) {
  const Space *kernel = &os_of(cont)->kernel;
  for (size_t index = 0; index < kernel->module_count; index++)
    if (!callback.func(callback.context, kernel->modules[index].base)) break;
  return 0;
}

static int32_t os_module_list(mf_container *cont, mf_module_info_callback callback) {
  return space_module_list(&os_of(cont)->kernel, NULL, callback);
}

static int32_t os_module_by_address(mf_container *cont, uint64_t address, mf_module_info *ok_out) {
  return space_module_by_address(&os_of(cont)->kernel, address, NULL, ok_out);
}

static int32_t os_module_by_name(mf_container *cont, mf_slice_ref name, mf_module_info *ok_out) {
  return space_module_by_name(&os_of(cont)->kernel, name, NULL, ok_out);
}

static int32_t os_primary_module_address(mf_container *cont, uint64_t *ok_out) {
  return process_primary_module_address(cont, ok_out);
}

static int32_t os_primary_module(mf_container *cont, mf_module_info *ok_out) {
  return process_primary_module(cont, ok_out);
}

static const mf_os_info *os_info(const mf_container *cont) { return &os_of(cont)->info; }

static const mf_os_vtbl os_vtbl = {
  os_process_addresses, os_process_infos,   os_info_by_address,  os_info_by_name,
  os_info_by_pid,       os_by_info,         os_into_by_info,     os_by_address,
  os_by_name,           os_by_pid,          os_into_by_address,  os_into_by_name,
  os_into_by_pid,       os_module_addresses, os_module_list,     os_module_by_address,
  os_module_by_name,    os_primary_module_address, os_primary_module, image_imports,
  image_exports,        image_sections,     image_import,        image_export,
  image_section,        os_info,
};

/* ---- clone: memflow's DummyOs clone copies its memory; this one clones its connector ---- */

static mf_container os_clone(const mf_container *cont) {
  mf_container result;
  memset(&result, 0, sizeof result);
  DummyOs *copy = os_copy(os_of(cont));
  if (!copy) return result;
  result.instance.instance = copy;
  result.instance.drop_fn = os_free;
  result.context = mf_lib_clone(cont->context);
  return result;
}

static const mf_clone_vtbl os_clone_vtbl = { os_clone };

/* ---- PhysicalMemory: the connector's, each entry called on the connector's own container ---- */

#define CONNECTOR_OF(cont) (&os_of(cont)->connector)
#define CONNECTOR_CALL(cont, entry, ...) \
  CONNECTOR_OF(cont)->vtbl_physicalmemory->entry(&CONNECTOR_OF(cont)->container, __VA_ARGS__)

static int32_t os_phys_read(mf_container *cont, mf_read_ops ops) { return CONNECTOR_CALL(cont, phys_read_raw_iter, ops); }
static int32_t os_phys_write(mf_container *cont, mf_write_ops ops) { return CONNECTOR_CALL(cont, phys_write_raw_iter, ops); }
static void os_phys_set_mem_map(mf_container *cont, mf_mapping_slice map) { CONNECTOR_CALL(cont, set_mem_map, map); }
static mf_physical_memory_metadata os_phys_metadata(const mf_container *cont) {
  return physical_metadata(CONNECTOR_OF(cont));
}

static const mf_physical_memory_vtbl os_physical_vtbl = {
  os_phys_read, os_phys_write, os_phys_metadata, os_phys_set_mem_map, NULL, NULL,
};
