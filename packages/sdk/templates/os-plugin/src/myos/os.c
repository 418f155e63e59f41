/*
 * myos: the Os vtable (memflow-os.md §4) and the OS's clone. The kernel has no modules of its
 * own here; its virtual memory (the OS's MemoryView) is all of physical memory at 0. Part of
 * myos.c.
 */

#define MYOS_NO_PROCESS MF_ERROR(MF_ORIGIN_OS_LAYER, MF_KIND_PROCESS_NOT_FOUND)

static int32_t os_process_addresses(mf_container *cont, mf_address_callback callback) {
  const OsObject *os = os_of(cont);
  for (size_t index = 0; index < os->count; index++)
    if (!callback.func(callback.context, os->rows[index].address)) break; /* false: the host has enough */
  return 0;
}

static int32_t os_process_infos(mf_container *cont, mf_process_info_callback callback) {
  const OsObject *os = os_of(cont);
  for (size_t index = 0; index < os->count; index++)
    if (!callback.func(callback.context, row_info(&os->rows[index]))) break;
  return 0;
}

#define INVALID_INFO MF_ERROR(MF_ORIGIN_OS_LAYER, MF_KIND_INVALID_PROCESS_INFO)

static int32_t info_of(const OsObject *os, Key key, mf_process_info *ok_out) {
  const Row *row = find(os, key);
  if (!row) return MYOS_NO_PROCESS;
  *ok_out = row_info(row);
  return 0;
}

/* A process borrowing the OS; it holds a reference of its own on the library. */
static int32_t borrow(mf_container *cont, Key key, int32_t missing, mf_process_instance *ok_out) {
  const Row *row = find(os_of(cont), key);
  if (!row) return missing;
  ProcessObject *process = process_new(os_of(cont), row, false);
  if (!process) return MYOS_FAILED;
  mf_process_instance instance = { &view_vtbl, &process_vtbl, &translate_vtbl,
                                   { { process, process_drop }, mf_lib_clone(cont->context) } };
  *ok_out = instance;
  return 0;
}

/* A process owning the OS: the OS moves into it, or is dropped when that fails (`cont` is ours either way). */
static int32_t own(mf_container cont, Key key, int32_t missing, mf_into_process_instance *ok_out) {
  const Row *row = find(os_of(&cont), key);
  ProcessObject *process = row ? process_new(os_of(&cont), row, true) : NULL;
  if (!process) {
    mf_container_drop(cont);
    return row ? MYOS_FAILED : missing;
  }
  mf_into_process_instance instance = { &owning_process_clone_vtbl, &view_vtbl, &process_vtbl, &translate_vtbl,
                                        { { process, process_drop }, cont.context } };
  *ok_out = instance;
  return 0;
}

/* The three lookups (info, borrowed process, owning process) for one kind of key. */
#define MYOS_LOOKUPS(KIND, Type)                                                                           \
  static int32_t os_info_by_##KIND(mf_container *cont, Type value, mf_process_info *ok_out) {              \
    return info_of(os_of(cont), by_##KIND(value), ok_out);                                                 \
  }                                                                                                        \
  static int32_t os_by_##KIND(mf_container *cont, Type value, mf_process_instance *ok_out) {               \
    return borrow(cont, by_##KIND(value), MYOS_NO_PROCESS, ok_out);                                        \
  }                                                                                                        \
  static int32_t os_into_by_##KIND(mf_container cont, Type value, mf_into_process_instance *ok_out) {      \
    return own(cont, by_##KIND(value), MYOS_NO_PROCESS, ok_out);                                           \
  }
MYOS_LOOKUPS(address, uint64_t)
MYOS_LOOKUPS(pid, uint32_t)
MYOS_LOOKUPS(name, mf_slice_ref)

/* by_info receives the info by value: its strings are ours to free, found or not. */
static Key by_info(mf_process_info info) {
  mf_process_info_free(&info);
  return by_address(info.address);
}

static int32_t os_by_info(mf_container *cont, mf_process_info info, mf_process_instance *ok_out) {
  return borrow(cont, by_info(info), INVALID_INFO, ok_out);
}

static int32_t os_into_by_info(mf_container cont, mf_process_info info, mf_into_process_instance *ok_out) {
  return own(cont, by_info(info), INVALID_INFO, ok_out);
}

/* ---- the kernel's modules: none ---- */

static int32_t os_module_addresses(mf_container *cont, mf_address_callback callback) {
  (void)cont, (void)callback;
  return 0;
}

static int32_t os_module_list(mf_container *cont, mf_module_info_callback callback) {
  (void)cont, (void)callback;
  return 0;
}

static int32_t os_module_by_address(mf_container *cont, uint64_t address, mf_module_info *ok_out) {
  (void)cont, (void)address, (void)ok_out;
  return MYOS_NO_MODULE;
}

static int32_t os_module_by_name(mf_container *cont, mf_slice_ref name, mf_module_info *ok_out) {
  (void)cont, (void)name, (void)ok_out;
  return MYOS_NO_MODULE;
}

static int32_t os_primary_module_address(mf_container *cont, uint64_t *ok_out) {
  (void)cont, (void)ok_out;
  return MYOS_NO_MODULE;
}

static int32_t os_primary_module(mf_container *cont, mf_module_info *ok_out) {
  (void)cont, (void)ok_out;
  return MYOS_NO_MODULE;
}

static const mf_os_info *os_info(const mf_container *cont) { return &os_of(cont)->info; }

/* The Os vtable, entry by entry as memflow-abi-os.h declares them; memflow needs every one. */
static const mf_os_vtbl os_vtbl = {
  .process_address_list_callback = os_process_addresses,
  .process_info_list_callback = os_process_infos,
  .process_info_by_address = os_info_by_address,
  .process_info_by_name = os_info_by_name,
  .process_info_by_pid = os_info_by_pid,
  .process_by_info = os_by_info,
  .into_process_by_info = os_into_by_info,
  .process_by_address = os_by_address,
  .process_by_name = os_by_name,
  .process_by_pid = os_by_pid,
  .into_process_by_address = os_into_by_address,
  .into_process_by_name = os_into_by_name,
  .into_process_by_pid = os_into_by_pid,
  .module_address_list_callback = os_module_addresses,
  .module_list_callback = os_module_list,
  .module_by_address = os_module_by_address,
  .module_by_name = os_module_by_name,
  .primary_module_address = os_primary_module_address,
  .primary_module = os_primary_module,
  MYOS_IMAGE_ENTRIES,
  .info = os_info,
};

static mf_container os_clone(const mf_container *cont) {
  return mf_container_new(os_copy(os_of(cont)), os_free, cont->context);
}

static const mf_clone_vtbl os_clone_vtbl = { os_clone };

/* ---- PhysicalMemory: the input connector's, so the OS can end a chain that reads physical memory ---- */

static mf_connector_instance *input_of(const mf_container *cont) { return &os_of(cont)->connector; }

MF_FORWARD_PHYSICAL_MEMORY(os_physical_vtbl, input_of);
