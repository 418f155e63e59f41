/*
 * Part of script-os.h: a process of a TypeScript OS, as a ProcessInstance (borrowing the OS) or
 * an IntoProcessInstance (owning it), with its Process vtable and its MemoryView. Virtual reads
 * and writes go through script-input.h's iterators and JavaScript callbacks; the MemoryView
 * entries memflow derives from them (read_raw_into, read_raw_list, read_iter and the writes) are
 * derived here the same way (requests cut at 4 KiB pages, as memflow's VirtualDma cuts them): what could not be read is zero-filled and the result is
 * MF_PARTIAL_VIRTUAL_READ (or _WRITE). Its VirtualTranslate is script-translate.h.
 */

/* memflow's page: the unit a virtual memory is mapped in. */
#define SCRIPT_PAGE ((uint64_t)0x1000)

SCRIPT_RAW_ITER(script_view_read_raw_iter, mf_read_raw_ops, mf_read_data_raw, mf_read_data, addr, SCRIPT_PAGE, false,
                "a TypeScript process was read from another thread; the read fails")
SCRIPT_RAW_ITER(script_view_write_raw_iter, mf_write_raw_ops, mf_write_data_raw, mf_write_data, addr, SCRIPT_PAGE, true,
                "a TypeScript process was written from another thread; the write fails")

static mf_memory_view_metadata script_view_metadata(const mf_container *cont) {
  const ScriptObject *object = cont->instance.instance;
  mf_memory_view_metadata metadata;
  memset(&metadata, 0, sizeof metadata);
  metadata.readonly = true;
  metadata.little_endian = true;
  metadata.arch_bits = 64;
  if (script_on_owner(&object->input, "a TypeScript process's metadata was asked for from another thread"))
    script_os_callbacks.view_metadata(object->input.handle, &metadata);
  return metadata;
}

/* The derived entries: requests from a caller's list or iterator (meta_addr is the address). */
typedef struct { mf_iterator *inner; const void *list; size_t length, at; } ViewRequests;

#define SCRIPT_VIEW_NEXT(name, data_type, raw_type)                                  \
  static int32_t name(void *iter, void *out) {                                       \
    ViewRequests *requests = iter;                                                   \
    data_type item;                                                                  \
    if (requests->inner) {                                                           \
      if (requests->inner->func(requests->inner->iter, &item) != 0) return 1;        \
    } else {                                                                         \
      if (requests->at >= requests->length) return 1;                                \
      item = ((const data_type *)requests->list)[requests->at++];                    \
    }                                                                                \
    *(raw_type *)out = (raw_type){ item.meta_addr, item.meta_addr, item.data };      \
    return 0;                                                                        \
  }
SCRIPT_VIEW_NEXT(script_view_next_read, mf_read_data, mf_read_data_raw)
SCRIPT_VIEW_NEXT(script_view_next_write, mf_write_data, mf_write_data_raw)

static bool script_view_zero_failed(void *failed, mf_read_data data) {
  memset(data.data.data, 0, data.data.len);
  *(bool *)failed = true;
  return true;
}
static bool script_view_note_failed(void *failed, mf_write_data data) {
  (void)data;
  *(bool *)failed = true;
  return true;
}

/* A read or a write of the derived entries: failures go to the caller's out_fail, or are noted
   (and, for reads, zero-filled) to give the partial result. */
#define SCRIPT_VIEW_TRANSFER(name, callback_type, ops_type, next, on_fail, raw_iter, partial)                   \
  static int32_t name(mf_container *cont, ViewRequests requests, callback_type *out, callback_type *out_fail) { \
    bool failed = false;                                                                                       \
    callback_type noted = { &failed, on_fail };                                                                \
    ops_type ops = { { &requests, next }, out, out_fail ? out_fail : &noted };                                 \
    int32_t result = raw_iter(cont, ops);                                                                      \
    return result != 0 ? result : failed ? partial : 0;                                                        \
  }
SCRIPT_VIEW_TRANSFER(script_view_read, mf_read_callback, mf_read_raw_ops, script_view_next_read,
                     script_view_zero_failed, script_view_read_raw_iter, MF_PARTIAL_VIRTUAL_READ)
SCRIPT_VIEW_TRANSFER(script_view_write, mf_write_callback, mf_write_raw_ops, script_view_next_write,
                     script_view_note_failed, script_view_write_raw_iter, MF_PARTIAL_VIRTUAL_WRITE)

/* The entries over one transfer: from an iterator, a list, and one range. */
#define SCRIPT_VIEW_ENTRIES(iter_name, list_name, one_name, transfer, callback_type, list_type, data_type, slice_type) \
  static int32_t iter_name(mf_container *cont, mf_iterator inp, callback_type *out, callback_type *out_fail) {        \
    return transfer(cont, (ViewRequests){ &inp, NULL, 0, 0 }, out, out_fail);                                       \
  }                                                                                                                 \
  static int32_t list_name(mf_container *cont, list_type data) {                                                    \
    return transfer(cont, (ViewRequests){ NULL, data.data, data.len, 0 }, NULL, NULL);                              \
  }                                                                                                                 \
  static int32_t one_name(mf_container *cont, uint64_t address, slice_type bytes) {                                 \
    data_type one = { address, bytes };                                                                             \
    return transfer(cont, (ViewRequests){ NULL, &one, 1, 0 }, NULL, NULL);                                          \
  }
SCRIPT_VIEW_ENTRIES(script_view_read_iter, script_view_read_raw_list, script_view_read_raw_into, script_view_read,
                    mf_read_callback, mf_read_data_slice, mf_read_data, mf_slice_mut)
SCRIPT_VIEW_ENTRIES(script_view_write_iter, script_view_write_raw_list, script_view_write_raw, script_view_write,
                    mf_write_callback, mf_write_data_slice, mf_write_data, mf_slice_ref)

static const mf_memory_view_vtbl script_view_vtbl = {
  script_view_read_raw_iter, script_view_write_raw_iter, script_view_metadata,     script_view_read_iter,
  script_view_read_raw_list, script_view_read_raw_into,  script_view_write_iter,   script_view_write_raw_list,
  script_view_write_raw,
};

/* ---- the Process vtable ---- */

static mf_process_state script_process_state(mf_container *cont) {
  Arguments in = no_arguments();
  mf_process_state state = { MF_PROCESS_STATE_UNKNOWN, 0 };
  ScriptResult result;
  if (script_call(cont, PROCESS_ENTRY(state), &in, &result) == 0 && result.count == 1)
    memcpy(&state, result.records, sizeof state);
  return state;
}

static int32_t script_process_set_dtb(mf_container *cont, uint64_t dtb1, uint64_t dtb2) {
  ScriptObject *object = cont->instance.instance;
  Arguments in = no_arguments();
  in.number[0] = dtb1;
  in.number[1] = dtb2;
  ScriptResult result;
  int32_t status = script_call(cont, PROCESS_ENTRY(set_dtb), &in, &result);
  /* info() lends the dtbs as set, as memflow's processes do. */
  if (status == 0) object->info.process.dtb1 = dtb1, object->info.process.dtb2 = dtb2;
  return status;
}

static int32_t script_process_module_addresses(mf_container *cont, const mf_architecture_ident *arch,
                                               mf_module_address_callback callback) {
  Arguments in = no_arguments();
  in.arch = arch;
  SCRIPT_LIST_CALL(cont, PROCESS_ENTRY(module_address_list_callback), &in, walk_module_addresses, callback);
}

static int32_t script_process_modules(mf_container *cont, const mf_architecture_ident *arch,
                                      mf_module_info_callback callback) {
  Arguments in = no_arguments();
  in.arch = arch;
  SCRIPT_LIST_CALL(cont, PROCESS_ENTRY(module_list_callback), &in, walk_module_infos, callback);
}

static int32_t script_process_module_by_address(mf_container *cont, uint64_t address, mf_architecture_ident arch,
                                                mf_module_info *ok_out) {
  Arguments in = no_arguments();
  in.number[0] = address;
  in.arch = &arch;
  return script_module_one(cont, PROCESS_ENTRY(module_by_address), &in, ok_out);
}

static int32_t script_process_module_by_name_arch(mf_container *cont, mf_slice_ref name,
                                                  const mf_architecture_ident *arch, mf_module_info *ok_out) {
  Arguments in = named(name);
  in.arch = arch;
  return script_module_one(cont, PROCESS_ENTRY(module_by_name_arch), &in, ok_out);
}

static int32_t script_process_module_by_name(mf_container *cont, mf_slice_ref name, mf_module_info *ok_out) {
  Arguments in = named(name);
  return script_module_one(cont, PROCESS_ENTRY(module_by_name), &in, ok_out);
}

static int32_t script_process_primary_address(mf_container *cont, uint64_t *ok_out) {
  return script_address(cont, PROCESS_ENTRY(primary_module_address), ok_out);
}

static int32_t script_process_primary_module(mf_container *cont, mf_module_info *ok_out) {
  Arguments in = no_arguments();
  return script_module_one(cont, PROCESS_ENTRY(primary_module), &in, ok_out);
}

/* Fetched when the process was opened: the pointer lives as long as the process. */
static const mf_process_info *script_process_info(const mf_container *cont) {
  const ScriptObject *object = cont->instance.instance;
  return &object->info.process;
}

static void script_process_ranges(mf_container *cont, int64_t gap, uint64_t start, uint64_t end, bool all,
                                  mf_memory_range_callback callback) {
  Arguments in = no_arguments();
  in.number[0] = (uint64_t)gap;
  in.number[1] = start;
  in.number[2] = end;
  ScriptResult result;
  size_t entry = all ? PROCESS_ENTRY(mapped_mem) : PROCESS_ENTRY(mapped_mem_range);
  if (script_call(cont, entry, &in, &result) == 0) walk_memory_ranges(&result, callback);
}

static void script_process_mapped_mem_range(mf_container *cont, int64_t gap, uint64_t start, uint64_t end,
                                            mf_memory_range_callback callback) {
  script_process_ranges(cont, gap, start, end, false, callback);
}

static void script_process_mapped_mem(mf_container *cont, int64_t gap, mf_memory_range_callback callback) {
  script_process_ranges(cont, gap, 0, 0, true, callback);
}

static const mf_process_vtbl script_process_vtbl = {
  script_process_state,
  script_process_set_dtb,
  script_process_module_addresses,
  script_process_modules,
  script_process_module_by_address,
  script_process_module_by_name_arch,
  script_process_module_by_name,
  script_process_primary_address,
  script_process_primary_module,
  script_process_module_import_list,
  script_process_module_export_list,
  script_process_module_section_list,
  script_process_module_import_by_name,
  script_process_module_export_by_name,
  script_process_module_section_by_name,
  script_process_info,
  script_process_mapped_mem_range,
  script_process_mapped_mem,
};
