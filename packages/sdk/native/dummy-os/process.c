/*
 * dummy OS: the Process vtable (memflow-os.md §5) of a borrowed or owning process, and the
 * clone of an owning one (a copy of its whole OS). Part of dummy-os.c.
 */

static DummyProcess *process_of(const mf_container *cont) { return cont->instance.instance; }

static mf_process_state process_state(mf_container *cont) { return process_of(cont)->info.state; }

/* The walk starts from dtb1 from now on: a genuine switch of page tables, whatever they map. */
static int32_t process_set_dtb(mf_container *cont, uint64_t dtb1, uint64_t dtb2) {
  DummyProcess *process = process_of(cont);
  process->view.dtb = dtb1;
  process->info.dtb1 = dtb1;
  process->info.dtb2 = dtb2;
  return 0;
}

static int32_t process_module_addresses(mf_container *cont, const mf_architecture_ident *target_arch,
                                        mf_module_address_callback callback) {
  return space_module_addresses(view_of(cont)->space, target_arch, callback);
}

static int32_t process_module_list(mf_container *cont, const mf_architecture_ident *target_arch,
                                   mf_module_info_callback callback) {
  return space_module_list(view_of(cont)->space, target_arch, callback);
}

static int32_t process_module_by_address(mf_container *cont, uint64_t address, mf_architecture_ident architecture,
                                         mf_module_info *ok_out) {
  return space_module_by_address(view_of(cont)->space, address, &architecture, ok_out);
}

static int32_t process_module_by_name_arch(mf_container *cont, mf_slice_ref name,
                                           const mf_architecture_ident *architecture, mf_module_info *ok_out) {
  return space_module_by_name(view_of(cont)->space, name, architecture, ok_out);
}

static int32_t process_module_by_name(mf_container *cont, mf_slice_ref name, mf_module_info *ok_out) {
  return space_module_by_name(view_of(cont)->space, name, NULL, ok_out);
}

/* The executable, module 0. */
static int32_t process_primary_module_address(mf_container *cont, uint64_t *ok_out) {
  *ok_out = view_of(cont)->space->modules[0].base;
  return 0;
}

static int32_t process_primary_module(mf_container *cont, mf_module_info *ok_out) {
  const Space *space = view_of(cont)->space;
  *ok_out = module_info(space, &space->modules[0]);
  return 0;
}

static const mf_process_info *process_info(const mf_container *cont) { return &process_of(cont)->info; }

static void process_mapped_mem_range(mf_container *cont, int64_t gap_size, uint64_t start, uint64_t end,
                                     mf_memory_range_callback out) {
  page_map(view_of(cont), gap_size, start, end, out);
}

static void process_mapped_mem(mf_container *cont, int64_t gap_size, mf_memory_range_callback out) {
  page_map(view_of(cont), gap_size, 0, MF_ADDRESS_INVALID, out);
}

static const mf_process_vtbl process_vtbl = {
  process_state,
  process_set_dtb,
  process_module_addresses,
  process_module_list,
  process_module_by_address,
  process_module_by_name_arch,
  process_module_by_name,
  process_primary_module_address,
  process_primary_module,
  image_imports,
  image_exports,
  image_sections,
  image_import,
  image_export,
  image_section,
  process_info,
  process_mapped_mem_range,
  process_mapped_mem,
};

/* An owning process's clone: a copy of its OS (connector included) and a process over the same row of it. */
static mf_container owning_process_clone(const mf_container *cont) {
  const DummyProcess *source = process_of(cont);
  mf_container result;
  memset(&result, 0, sizeof result);
  DummyOs *os = os_copy(source->view.os);
  if (!os) return result;
  size_t row = (size_t)(source->view.space - source->view.os->processes);
  DummyProcess *copy = process_new(os, &os->processes[row], true);
  if (!copy) {
    os_free(os);
    return result;
  }
  copy->view.dtb = source->view.dtb;
  copy->info.dtb1 = source->info.dtb1;
  copy->info.dtb2 = source->info.dtb2;
  result.instance.instance = copy;
  result.instance.drop_fn = process_drop;
  result.context = mf_lib_clone(cont->context);
  return result;
}

static const mf_clone_vtbl owning_process_clone_vtbl = { owning_process_clone };
