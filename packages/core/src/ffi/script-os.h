/*
 * A TypeScript OS as the input of a native connector plugin (memflow's nested chains, `-o <os>
 * -c qemu`): a real memflow OsInstance whose Os vtable is here, in C, and reaches the OS through
 * one bun:ffi JSCallback, by handle and vtable entry (script-os-input.ts). The plugin gets what a
 * native OS would give it: lists through its callbacks and results in its ok_out, whose strings
 * it owns and frees (malloc'd with the C library's malloc, memflow-os.md §8); info() pointers
 * borrowed from the object. A process from process_by_* borrows the OS (decision 0012, the
 * TypeScript OS enforces it); into_process_by_* consumes the OS container whatever the outcome.
 * JavaScript is entered on the owner thread only, as in script-input.h; a call from any other
 * thread fails and logs. Clones share the one TypeScript object, released with the last drop.
 * A process offers VirtualTranslate when the TypeScript process does. The optional parts of the
 * OS itself (its physical and kernel memory, translation, keyboard) are not offered.
 * Included by shim.c after script-input.h and os-calls.h (Arguments, malloc_copy).
 */

/* What the JavaScript side answers: records in memflow's layout (strings point into JavaScript
   memory kept until its next call, copied here at once) and, for virt_to_phys_list, the failures
   after them; for a process opened, its handle and whether it offers VirtualTranslate. */
typedef struct {
  const uint8_t *records;
  uint64_t count;
  const uint8_t *failures;
  uint64_t failure_count;
  uint64_t handle;
  uint64_t translates;
} ScriptResult;

/* VirtualTranslate's entries are told apart from the Process vtable's, on the same handle, by this
   offset added to theirs. */
#define SCRIPT_TRANSLATE_ENTRIES 0x1000

/* call: `entry` is the byte offset of the vtable entry the plugin called (mf_os_vtbl's for an
   OS handle, mf_process_vtbl's for a process); returns 0 or memflow's error int. */
typedef struct {
  int32_t (*call)(uint32_t handle, uint32_t entry, const Arguments *in, ScriptResult *out);
  void (*view_metadata)(uint32_t handle, mf_memory_view_metadata *out);
} ScriptOsCallbacks;

static ScriptOsCallbacks script_os_callbacks;

void mf_script_os_callbacks_set(void *call, void *view_metadata) {
  script_os_callbacks.call = (int32_t (*)(uint32_t, uint32_t, const Arguments *, ScriptResult *))call;
  script_os_callbacks.view_metadata = (void (*)(uint32_t, mf_memory_view_metadata *))view_metadata;
}

/* An OS or a process: the handle and owner (first, so script-input.h's reads take it as a
   ScriptInput), and what info() lends, fetched on first use (a process's strings are the shim's). */
typedef struct {
  ScriptInput input;
  bool has_info;
  union { mf_os_info os; mf_process_info process; } info;
  bool is_process;
} ScriptObject;

#define SCRIPT_OS_REFUSED MF_ERROR(MF_ORIGIN_OS_LAYER, MF_KIND_NOT_SUPPORTED)

static int32_t script_call(const mf_container *cont, size_t entry, const Arguments *in, ScriptResult *out) {
  const ScriptObject *object = cont->instance.instance;
  memset(out, 0, sizeof *out);
  if (!script_on_owner(&object->input, "a TypeScript OS layer was called from another thread; the call fails"))
    return SCRIPT_OS_REFUSED;
  return script_os_callbacks.call(object->input.handle, (uint32_t)entry, in, out);
}

#define OS_ENTRY(name) offsetof(mf_os_vtbl, name)
#define PROCESS_ENTRY(name) offsetof(mf_process_vtbl, name)

static Arguments no_arguments(void) {
  Arguments in;
  memset(&in, 0, sizeof in);
  return in;
}

static Arguments numbered(uint64_t number) {
  Arguments in = no_arguments();
  in.number[0] = number;
  return in;
}

static Arguments named(mf_slice_ref name) {
  Arguments in = no_arguments();
  in.name = name.data;
  in.name_length = name.len;
  return in;
}

/* ---- what the plugin receives: its own copies of the strings ---- */

static mf_process_info owned_process_info(const mf_process_info *from) {
  mf_process_info info = *from;
  info.name = malloc_copy(from->name);
  info.path = malloc_copy(from->path);
  info.command_line = malloc_copy(from->command_line);
  return info;
}

static mf_module_info owned_module_info(const mf_module_info *from) {
  mf_module_info info = *from;
  info.name = malloc_copy(from->name);
  info.path = malloc_copy(from->path);
  return info;
}

/* Frees the strings of a ProcessInfo the plugin gave us by value (process_by_info takes it). */
static void free_process_info(mf_process_info *info) {
  plugin_free(info->name);
  plugin_free(info->path);
  plugin_free(info->command_line);
}

/* One walk per record type: each record goes to the plugin's callback until it asks to stop. */
#define SCRIPT_WALK(walk_name, callback_type, record_type, own)                                 \
  static void walk_name(const ScriptResult *result, callback_type callback) {                    \
    const record_type *records = (const record_type *)result->records;                            \
    for (uint64_t index = 0; index < result->count; index++)                                      \
      if (!callback.func(callback.context, own(&records[index]))) return;                         \
  }
#define SCRIPT_AS_IS(record) (*(record))
#define SCRIPT_IMPORT(record) ((mf_import_info){ malloc_copy((record)->name), (record)->offset })
#define SCRIPT_EXPORT(record) ((mf_export_info){ malloc_copy((record)->name), (record)->offset })
#define SCRIPT_SECTION(record) ((mf_section_info){ malloc_copy((record)->name), (record)->base, (record)->size })

SCRIPT_WALK(walk_addresses, mf_address_callback, uint64_t, SCRIPT_AS_IS)
SCRIPT_WALK(walk_process_infos, mf_process_info_callback, mf_process_info, owned_process_info)
SCRIPT_WALK(walk_module_infos, mf_module_info_callback, mf_module_info, owned_module_info)
SCRIPT_WALK(walk_module_addresses, mf_module_address_callback, mf_module_address_info, SCRIPT_AS_IS)
SCRIPT_WALK(walk_imports, mf_import_callback, mf_import_info, SCRIPT_IMPORT)
SCRIPT_WALK(walk_exports, mf_export_callback, mf_export_info, SCRIPT_EXPORT)
SCRIPT_WALK(walk_sections, mf_section_callback, mf_section_info, SCRIPT_SECTION)
SCRIPT_WALK(walk_memory_ranges, mf_memory_range_callback, mf_memory_range, SCRIPT_AS_IS)
SCRIPT_WALK(walk_translations, mf_virtual_translation_callback, mf_virtual_translation, SCRIPT_AS_IS)
SCRIPT_WALK(walk_translation_fails, mf_virtual_translation_fail_callback, mf_virtual_translation_fail, SCRIPT_AS_IS)

/* Calls an entry whose answer is a list, and walks it into the plugin's callback. */
#define SCRIPT_LIST_CALL(cont, entry, in, walk, callback)          \
  do {                                                             \
    ScriptResult result;                                           \
    int32_t status = script_call(cont, entry, in, &result);        \
    if (status == 0) walk(&result, callback);                      \
    return status;                                                 \
  } while (0)

/* Calls an entry whose answer is one record, copied (strings owned) into the plugin's ok_out. */
#define SCRIPT_ONE_CALL(cont, entry, in, record_type, own, ok_out)                     \
  do {                                                                                 \
    ScriptResult result;                                                               \
    int32_t status = script_call(cont, entry, in, &result);                            \
    if (status == 0 && result.count == 1) *(ok_out) = own((const record_type *)result.records); \
    return status == 0 && result.count != 1 ? SCRIPT_OS_REFUSED : status;              \
  } while (0)

#include "script-os-modules.h"
#include "script-process.h"
#include "script-translate.h"
#include "script-os-vtable.h"
