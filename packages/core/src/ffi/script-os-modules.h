/*
 * Part of script-os.h: a module's imports, exports and sections, which an OS (its kernel's
 * modules) and a process (its own) answer through entries of the same types at different places
 * in their vtables. One set of functions per vtable, made by SCRIPT_MODULE_CONTENTS.
 */

static Arguments about_module(const mf_module_info *info, mf_slice_ref name) {
  Arguments in = named(name);
  in.module = info;
  return in;
}

static const mf_slice_ref script_no_name = { (const uint8_t *)"", 0 };

#define SCRIPT_MODULE_CONTENTS(prefix, vtbl)                                                                         \
  static int32_t prefix##_import_list(mf_container *cont, const mf_module_info *info, mf_import_callback callback) {  \
    Arguments in = about_module(info, script_no_name);                                                               \
    SCRIPT_LIST_CALL(cont, offsetof(vtbl, module_import_list_callback), &in, walk_imports, callback);                \
  }                                                                                                                  \
  static int32_t prefix##_export_list(mf_container *cont, const mf_module_info *info, mf_export_callback callback) {  \
    Arguments in = about_module(info, script_no_name);                                                               \
    SCRIPT_LIST_CALL(cont, offsetof(vtbl, module_export_list_callback), &in, walk_exports, callback);                \
  }                                                                                                                  \
  static int32_t prefix##_section_list(mf_container *cont, const mf_module_info *info,                               \
                                       mf_section_callback callback) {                                               \
    Arguments in = about_module(info, script_no_name);                                                               \
    SCRIPT_LIST_CALL(cont, offsetof(vtbl, module_section_list_callback), &in, walk_sections, callback);              \
  }                                                                                                                  \
  static int32_t prefix##_import_by_name(mf_container *cont, const mf_module_info *info, mf_slice_ref name,          \
                                         mf_import_info *ok_out) {                                                   \
    Arguments in = about_module(info, name);                                                                         \
    SCRIPT_ONE_CALL(cont, offsetof(vtbl, module_import_by_name), &in, mf_import_info, SCRIPT_IMPORT, ok_out);        \
  }                                                                                                                  \
  static int32_t prefix##_export_by_name(mf_container *cont, const mf_module_info *info, mf_slice_ref name,          \
                                         mf_export_info *ok_out) {                                                   \
    Arguments in = about_module(info, name);                                                                         \
    SCRIPT_ONE_CALL(cont, offsetof(vtbl, module_export_by_name), &in, mf_export_info, SCRIPT_EXPORT, ok_out);        \
  }                                                                                                                  \
  static int32_t prefix##_section_by_name(mf_container *cont, const mf_module_info *info, mf_slice_ref name,         \
                                          mf_section_info *ok_out) {                                                 \
    Arguments in = about_module(info, name);                                                                         \
    SCRIPT_ONE_CALL(cont, offsetof(vtbl, module_section_by_name), &in, mf_section_info, SCRIPT_SECTION, ok_out);     \
  }

SCRIPT_MODULE_CONTENTS(script_os_module, mf_os_vtbl)
SCRIPT_MODULE_CONTENTS(script_process_module, mf_process_vtbl)

/* A list of modules or one module, by the entry that asks for it. */
static int32_t script_module_one(mf_container *cont, size_t entry, const Arguments *in, mf_module_info *ok_out) {
  SCRIPT_ONE_CALL(cont, entry, in, mf_module_info, owned_module_info, ok_out);
}

static int32_t script_address(mf_container *cont, size_t entry, uint64_t *ok_out) {
  Arguments in = no_arguments();
  SCRIPT_ONE_CALL(cont, entry, &in, uint64_t, SCRIPT_AS_IS, ok_out);
}
