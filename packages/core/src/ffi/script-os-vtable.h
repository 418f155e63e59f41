/*
 * Part of script-os.h: the containers of a TypeScript OS and of its processes (made, cloned,
 * dropped), the Os vtable, and mf_script_os_input_new, which the host calls to hand a TypeScript
 * OS to a native connector.
 */

static void script_object_drop(void *instance) {
  ScriptObject *object = instance;
  /* From another thread the JavaScript handle cannot be released: it leaks, and says so. */
  if (script_on_owner(&object->input, "a TypeScript OS layer's object was dropped on another thread; it stays open"))
    script_callbacks.drop(object->input.handle);
  if (object->is_process) free_process_info(&object->info.process);
  free(object);
}

static mf_container script_object_container(ScriptObject *object) {
  mf_container cont;
  memset(&cont, 0, sizeof cont);
  cont.instance.instance = object;
  cont.instance.drop_fn = script_object_drop;
  return cont;
}

/* A new object on `handle`, with what its info() lends fetched now (NULL when that fails). */
static ScriptObject *script_object_new(uint32_t handle, pthread_t owner, bool is_process, int32_t *status) {
  ScriptObject *object = calloc(1, sizeof *object);
  if (!object) {
    *status = MF_ERROR(MF_ORIGIN_OS_LAYER, MF_KIND_UNKNOWN);
    return NULL;
  }
  object->input.handle = handle;
  object->input.owner = owner;
  object->is_process = is_process;
  mf_container cont = script_object_container(object);
  Arguments in = no_arguments();
  ScriptResult result;
  *status = script_call(&cont, is_process ? PROCESS_ENTRY(info) : OS_ENTRY(info), &in, &result);
  if (*status == 0 && result.count == 1) {
    if (is_process) object->info.process = owned_process_info((const mf_process_info *)result.records);
    else memcpy(&object->info.os, result.records, sizeof object->info.os);
    return object;
  }
  if (*status == 0) *status = SCRIPT_OS_REFUSED;
  object->is_process = false; /* nothing to free in info */
  script_object_drop(object);
  return NULL;
}

/* Clones share the TypeScript object (the JavaScript side counts them). */
static mf_container script_object_clone(const mf_container *cont) {
  const ScriptObject *source = cont->instance.instance;
  mf_container none;
  memset(&none, 0, sizeof none);
  if (!script_on_owner(&source->input, "a TypeScript OS layer's object was cloned on another thread; the clone is empty"))
    return none;
  ScriptObject *copy = malloc(sizeof *copy);
  if (!copy) return none;
  *copy = *source;
  if (source->is_process) copy->info.process = owned_process_info(&source->info.process);
  copy->input.handle = script_callbacks.clone(source->input.handle);
  return script_object_container(copy);
}

static const mf_clone_vtbl script_object_clone_vtbl = { script_object_clone };

/* ---- processes opened ---- */

/* Calls an entry that opens a process; returns the process's object, or NULL with `status` set,
   and its VirtualTranslate (NULL when the TypeScript process offers none). */
static ScriptObject *script_open_process(mf_container *cont, size_t entry, const Arguments *in, int32_t *status,
                                         const mf_virtual_translate_vtbl **translate) {
  const ScriptObject *os = cont->instance.instance;
  pthread_t owner = os->input.owner;
  ScriptResult result;
  *status = script_call(cont, entry, in, &result);
  if (*status != 0) return NULL;
  *translate = result.translates ? &script_translate_vtbl : NULL;
  return script_object_new((uint32_t)result.handle, owner, true, status);
}

static int32_t script_process_by(mf_container *cont, size_t entry, const Arguments *in, mf_process_instance *ok_out) {
  int32_t status;
  const mf_virtual_translate_vtbl *translate;
  ScriptObject *process = script_open_process(cont, entry, in, &status, &translate);
  if (!process) return status;
  memset(ok_out, 0, sizeof *ok_out);
  ok_out->vtbl_memoryview = &script_view_vtbl;
  ok_out->vtbl_process = &script_process_vtbl;
  ok_out->vtbl_virtualtranslate = translate;
  ok_out->container = script_object_container(process);
  return 0;
}

/* The OS container is consumed either way: on success the TypeScript process owns the OS, on
   failure the TypeScript side closed it; here only the container's memory is left to free. */
static int32_t script_into_process_by(mf_container cont, size_t entry, const Arguments *in,
                                      mf_into_process_instance *ok_out) {
  int32_t status;
  const mf_virtual_translate_vtbl *translate;
  ScriptObject *process = script_open_process(&cont, entry, in, &status, &translate);
  free(cont.instance.instance);
  if (!process) return status;
  memset(ok_out, 0, sizeof *ok_out);
  ok_out->vtbl_clone = &script_object_clone_vtbl;
  ok_out->vtbl_memoryview = &script_view_vtbl;
  ok_out->vtbl_process = &script_process_vtbl;
  ok_out->vtbl_virtualtranslate = translate;
  ok_out->container = script_object_container(process);
  return 0;
}

/* process_by_info and into_process_by_info take the plugin's info by value: its strings are freed here. */
static Arguments given_info(const mf_process_info *info) {
  Arguments in = no_arguments();
  in.items = info;
  in.item_count = 1;
  return in;
}

#define SCRIPT_OPENERS(suffix, param_type, arguments)                                                              \
  static int32_t script_os_process_by_##suffix(mf_container *cont, param_type value, mf_process_instance *ok_out) { \
    Arguments in = arguments;                                                                                      \
    return script_process_by(cont, OS_ENTRY(process_by_##suffix), &in, ok_out);                                    \
  }                                                                                                                \
  static int32_t script_os_into_process_by_##suffix(mf_container cont, param_type value,                           \
                                                     mf_into_process_instance *ok_out) {                           \
    Arguments in = arguments;                                                                                      \
    return script_into_process_by(cont, OS_ENTRY(into_process_by_##suffix), &in, ok_out);                          \
  }
SCRIPT_OPENERS(address, uint64_t, numbered(value))
SCRIPT_OPENERS(pid, uint32_t, numbered(value))
SCRIPT_OPENERS(name, mf_slice_ref, named(value))

static int32_t script_os_process_by_info(mf_container *cont, mf_process_info info, mf_process_instance *ok_out) {
  Arguments in = given_info(&info);
  int32_t status = script_process_by(cont, OS_ENTRY(process_by_info), &in, ok_out);
  free_process_info(&info);
  return status;
}

static int32_t script_os_into_process_by_info(mf_container cont, mf_process_info info,
                                              mf_into_process_instance *ok_out) {
  Arguments in = given_info(&info);
  int32_t status = script_into_process_by(cont, OS_ENTRY(into_process_by_info), &in, ok_out);
  free_process_info(&info);
  return status;
}

/* ---- the Os vtable: lists and lookups ---- */

static int32_t script_os_process_addresses(mf_container *cont, mf_address_callback callback) {
  Arguments in = no_arguments();
  SCRIPT_LIST_CALL(cont, OS_ENTRY(process_address_list_callback), &in, walk_addresses, callback);
}

static int32_t script_os_process_infos(mf_container *cont, mf_process_info_callback callback) {
  Arguments in = no_arguments();
  SCRIPT_LIST_CALL(cont, OS_ENTRY(process_info_list_callback), &in, walk_process_infos, callback);
}

static int32_t script_os_info_by(mf_container *cont, size_t entry, const Arguments *in, mf_process_info *ok_out) {
  SCRIPT_ONE_CALL(cont, entry, in, mf_process_info, owned_process_info, ok_out);
}

/* A lookup by one argument (an address, a pid, a name) whose answer is one record. */
#define SCRIPT_LOOKUP(name, param_type, arguments, entry, answer, out_type)           \
  static int32_t name(mf_container *cont, param_type value, out_type *ok_out) {      \
    Arguments in = arguments;                                                          \
    return answer(cont, entry, &in, ok_out);                                          \
  }
SCRIPT_LOOKUP(script_os_info_by_address, uint64_t, numbered(value), OS_ENTRY(process_info_by_address),
              script_os_info_by, mf_process_info)
SCRIPT_LOOKUP(script_os_info_by_name, mf_slice_ref, named(value), OS_ENTRY(process_info_by_name), script_os_info_by,
              mf_process_info)
SCRIPT_LOOKUP(script_os_info_by_pid, uint32_t, numbered(value), OS_ENTRY(process_info_by_pid), script_os_info_by,
              mf_process_info)
SCRIPT_LOOKUP(script_os_module_by_address, uint64_t, numbered(value), OS_ENTRY(module_by_address),
              script_module_one, mf_module_info)
SCRIPT_LOOKUP(script_os_module_by_name, mf_slice_ref, named(value), OS_ENTRY(module_by_name), script_module_one,
              mf_module_info)

static int32_t script_os_module_addresses(mf_container *cont, mf_address_callback callback) {
  Arguments in = no_arguments();
  SCRIPT_LIST_CALL(cont, OS_ENTRY(module_address_list_callback), &in, walk_addresses, callback);
}
static int32_t script_os_modules(mf_container *cont, mf_module_info_callback callback) {
  Arguments in = no_arguments();
  SCRIPT_LIST_CALL(cont, OS_ENTRY(module_list_callback), &in, walk_module_infos, callback);
}
static int32_t script_os_primary_address(mf_container *cont, uint64_t *ok_out) {
  return script_address(cont, OS_ENTRY(primary_module_address), ok_out);
}
static int32_t script_os_primary_module(mf_container *cont, mf_module_info *ok_out) {
  Arguments in = no_arguments();
  return script_module_one(cont, OS_ENTRY(primary_module), &in, ok_out);
}

/* Fetched when the OS was handed over: the pointer lives as long as the OS. */
static const mf_os_info *script_os_info(const mf_container *cont) {
  const ScriptObject *object = cont->instance.instance;
  return &object->info.os;
}

static const mf_os_vtbl script_os_vtbl = {
  script_os_process_addresses,       script_os_process_infos,          script_os_info_by_address,
  script_os_info_by_name,            script_os_info_by_pid,            script_os_process_by_info,
  script_os_into_process_by_info,    script_os_process_by_address,     script_os_process_by_name,
  script_os_process_by_pid,          script_os_into_process_by_address, script_os_into_process_by_name,
  script_os_into_process_by_pid,     script_os_module_addresses,       script_os_modules,
  script_os_module_by_address,       script_os_module_by_name,         script_os_primary_address,
  script_os_primary_module,          script_os_module_import_list,     script_os_module_export_list,
  script_os_module_section_list,     script_os_module_import_by_name,  script_os_module_export_by_name,
  script_os_module_section_by_name,  script_os_info,
};

/*
 * Fills `out` with an OsInstance on JavaScript handle `handle`, owned by this thread. Returns 0,
 * or the error of the OS's info() (or of memory running out); the handle is then released.
 */
int32_t mf_script_os_input_new(uint32_t handle, mf_os_instance *out) {
  memset(out, 0, sizeof *out);
  int32_t status;
  ScriptObject *object = script_object_new(handle, pthread_self(), false, &status);
  if (!object) return status;
  out->vtbl_clone = &script_object_clone_vtbl;
  out->vtbl_os = &script_os_vtbl;
  out->container = script_object_container(object);
  return 0;
}
