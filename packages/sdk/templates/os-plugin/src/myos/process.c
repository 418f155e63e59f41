/*
 * myos: a process's modules and its Process vtable (memflow-os.md §5). Each process has one
 * module, its program image, which exports `main` at its first byte. Part of myos.c.
 */

#define MYOS_NO_MODULE MF_ERROR(MF_ORIGIN_OS_LAYER, MF_KIND_MODULE_NOT_FOUND)

static ProcessObject *process_of(const mf_container *cont) { return cont->instance.instance; }

/* A NULL architecture means any; this OS has one. */
static bool arch_matches(const mf_architecture_ident *arch) {
  return !arch || (arch->tag == MF_ARCH_X86 && arch->value.x86.bits == 64 && !arch->value.x86.address_extensions);
}

/* The image's ModuleInfo; its strings are malloc'd, the receiver's to free. */
static mf_module_info image_info(const ProcessObject *process) {
  mf_module_info info = { MYOS_IMAGE_BASE, process->row->address, MYOS_IMAGE_BASE, process->row->size,
                          strdup(process->info.name), strdup(process->info.path), myos_arch };
  return info;
}

static mf_process_state process_state(mf_container *cont) { return process_of(cont)->info.state; }

/* No page tables to switch to: the roots are only recorded. */
static int32_t process_set_dtb(mf_container *cont, uint64_t dtb1, uint64_t dtb2) {
  process_of(cont)->info.dtb1 = dtb1;
  process_of(cont)->info.dtb2 = dtb2;
  return 0;
}

static int32_t process_module_addresses(mf_container *cont, const mf_architecture_ident *target_arch,
                                        mf_module_address_callback callback) {
  (void)cont;
  mf_module_address_info entry = { MYOS_IMAGE_BASE, myos_arch };
  if (arch_matches(target_arch)) callback.func(callback.context, entry);
  return 0;
}

static int32_t process_module_list(mf_container *cont, const mf_architecture_ident *target_arch,
                                   mf_module_info_callback callback) {
  if (arch_matches(target_arch)) callback.func(callback.context, image_info(process_of(cont)));
  return 0;
}

static int32_t process_module_by_address(mf_container *cont, uint64_t address, mf_architecture_ident architecture,
                                         mf_module_info *ok_out) {
  if (address != MYOS_IMAGE_BASE || !arch_matches(&architecture)) return MYOS_NO_MODULE;
  *ok_out = image_info(process_of(cont));
  return 0;
}

static int32_t process_module_by_name_arch(mf_container *cont, mf_slice_ref name,
                                           const mf_architecture_ident *architecture, mf_module_info *ok_out) {
  if (!arch_matches(architecture) || !mf_slice_is(name, process_of(cont)->info.name)) return MYOS_NO_MODULE;
  *ok_out = image_info(process_of(cont));
  return 0;
}

static int32_t process_module_by_name(mf_container *cont, mf_slice_ref name, mf_module_info *ok_out) {
  return process_module_by_name_arch(cont, name, NULL, ok_out);
}

static int32_t process_primary_module_address(mf_container *cont, uint64_t *ok_out) {
  (void)cont;
  *ok_out = MYOS_IMAGE_BASE;
  return 0;
}

static int32_t process_primary_module(mf_container *cont, mf_module_info *ok_out) {
  *ok_out = image_info(process_of(cont));
  return 0;
}

/* ---- a module's imports, exports and sections; the OS's vtable shares these entries ---- */

static bool is_image(const mf_module_info *info) { return info->base == MYOS_IMAGE_BASE; }

static int32_t image_imports(mf_container *cont, const mf_module_info *info, mf_import_callback callback) {
  (void)cont, (void)info, (void)callback;
  return 0;
}

static int32_t image_exports(mf_container *cont, const mf_module_info *info, mf_export_callback callback) {
  (void)cont;
  mf_export_info entry = { strdup("main"), 0 };
  if (is_image(info)) callback.func(callback.context, entry);
  else free(entry.name);
  return 0;
}

static int32_t image_sections(mf_container *cont, const mf_module_info *info, mf_section_callback callback) {
  (void)cont, (void)info, (void)callback;
  return 0;
}

static int32_t image_import(mf_container *cont, const mf_module_info *info, mf_slice_ref name, mf_import_info *ok_out) {
  (void)cont, (void)info, (void)name, (void)ok_out;
  return MF_ERROR(MF_ORIGIN_OS_LAYER, MF_KIND_IMPORT_NOT_FOUND);
}

static int32_t image_export(mf_container *cont, const mf_module_info *info, mf_slice_ref name, mf_export_info *ok_out) {
  (void)cont;
  if (!is_image(info) || !mf_slice_is(name, "main"))
    return MF_ERROR(MF_ORIGIN_OS_LAYER, MF_KIND_EXPORT_NOT_FOUND);
  mf_export_info entry = { strdup("main"), 0 };
  *ok_out = entry;
  return 0;
}

static int32_t image_section(mf_container *cont, const mf_module_info *info, mf_slice_ref name,
                             mf_section_info *ok_out) {
  (void)cont, (void)info, (void)name, (void)ok_out;
  return MF_ERROR(MF_ORIGIN_OS_LAYER, MF_KIND_SECTION_NOT_FOUND);
}

/* info() lends the process's own ProcessInfo: it lives as long as the process. */
static const mf_process_info *process_info(const mf_container *cont) { return &process_of(cont)->info; }

static void process_mapped_mem_range(mf_container *cont, int64_t gap_size, uint64_t start, uint64_t end,
                                     mf_memory_range_callback out) {
  translate_page_map_range(cont, gap_size, start, end, out);
}

static void process_mapped_mem(mf_container *cont, int64_t gap_size, mf_memory_range_callback out) {
  translate_page_map_range(cont, gap_size, 0, MF_ADDRESS_INVALID, out);
}

/* The six image entries, the same in the Process and the Os vtable. */
#define MYOS_IMAGE_ENTRIES                                                                              \
  .module_import_list_callback = image_imports, .module_export_list_callback = image_exports,          \
  .module_section_list_callback = image_sections, .module_import_by_name = image_import,               \
  .module_export_by_name = image_export, .module_section_by_name = image_section

static const mf_process_vtbl process_vtbl = {
  .state = process_state,
  .set_dtb = process_set_dtb,
  .module_address_list_callback = process_module_addresses,
  .module_list_callback = process_module_list,
  .module_by_address = process_module_by_address,
  .module_by_name_arch = process_module_by_name_arch,
  .module_by_name = process_module_by_name,
  .primary_module_address = process_primary_module_address,
  .primary_module = process_primary_module,
  MYOS_IMAGE_ENTRIES,
  .info = process_info,
  .mapped_mem_range = process_mapped_mem_range,
  .mapped_mem = process_mapped_mem,
};

/* An owning process's clone: a copy of its whole OS, and the same process in it. */
static mf_container owning_process_clone(const mf_container *cont) {
  const ProcessObject *source = process_of(cont);
  OsObject *os = os_copy(source->view.os);
  ProcessObject *copy = os ? process_new(os, &os->rows[source->row - source->view.os->rows], true) : NULL;
  if (os && !copy) os_free(os);
  return mf_container_new(copy, process_drop, cont->context);
}

static const mf_clone_vtbl owning_process_clone_vtbl = { owning_process_clone };
