/*
 * A C host for the dummy OS plugin, calling its vtables as memflow's host does: create with and
 * without an input connector, lists whose strings it frees, borrowed and owning processes, reads,
 * translations, clones, failures that must drop what they were given. Built and run under
 * AddressSanitizer and UBSan by dummy-os-host.test.ts, so any leak or invalid access in the
 * plugin's lifetimes fails the test.
 *
 *   dummy-os-host <dummy-os library> <dummy connector library>
 *
 * Prints one line per failed expectation and a last line `<n> passed, <m> failed`.
 */
#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "memflow-abi.h"

static int passes, failures;

static void expect_at(int line, const char *what, bool ok) {
  if (ok) passes++;
  else {
    failures++;
    printf("line %d: expected %s\n", line, what);
  }
}
#define EXPECT(condition) expect_at(__LINE__, #condition, (condition))

static mf_slice_ref slice_of(const char *value) {
  mf_slice_ref slice = { (const uint8_t *)value, strlen(value) };
  return slice;
}

static void drop_container(mf_container *cont) {
  if (cont->instance.drop_fn && cont->instance.instance) cont->instance.drop_fn(cont->instance.instance);
  if (cont->context.drop_fn && cont->context.instance) cont->context.drop_fn(cont->context.instance);
}

/* ---- create ---- */

static size_t never_reserve(mf_args *vec, size_t additional) {
  (void)vec;
  (void)additional;
  return 0;
}

/* OS arguments from "key=value" pairs (at most 4). */
typedef struct {
  mf_arg_entry entries[4];
  char text[4][64];
  mf_os_args args;
} OsArgs;

static const mf_os_args *os_args(OsArgs *storage, const char *const *pairs, size_t count) {
  memset(storage, 0, sizeof *storage);
  for (size_t index = 0; index < count; index++) {
    snprintf(storage->text[index], sizeof storage->text[index], "%s", pairs[index]);
    char *equals = strchr(storage->text[index], '=');
    *equals = 0;
    storage->entries[index].key = storage->text[index];
    storage->entries[index].value = equals + 1;
  }
  mf_args extra = { storage->entries, count, count, NULL, never_reserve };
  storage->args.extra_args = extra;
  return &storage->args;
}

static const mf_plugin_descriptor *os_descriptor, *connector_descriptor;

static int32_t create_os(const char *const *pairs, size_t count, bool with_input, mf_os_instance *out) {
  mf_option_connector_instance input;
  memset(&input, 0, sizeof input);
  if (with_input) {
    mf_option_os_instance none;
    memset(&none, 0, sizeof none);
    mf_carc no_lib = { NULL, NULL, NULL };
    int32_t made = connector_descriptor->create.connector(NULL, none, no_lib, NULL, &input.value);
    EXPECT(made == 0);
    if (made != 0) return made;
    input.tag = MF_OPTION_SOME;
  }
  OsArgs storage;
  mf_carc no_lib = { NULL, NULL, NULL };
  return os_descriptor->create.os(os_args(&storage, pairs, count), input, no_lib, NULL, out);
}

/* ---- list collectors: each frees what it receives ---- */

static bool count_info(void *context, mf_process_info info) {
  ++*(int *)context;
  free(info.name);
  free(info.path);
  free(info.command_line);
  return true;
}

static bool count_module(void *context, mf_module_info info) {
  ++*(int *)context;
  free(info.name);
  free(info.path);
  return true;
}

/* Counters for the lists of named things (import, export, section infos), each freeing the name. */
#define NAMED_COUNTER(function, Info) \
  static bool function(void *context, Info info) { return free(info.name), ++*(int *)context > 0; }
NAMED_COUNTER(count_export, mf_export_info)
NAMED_COUNTER(count_import, mf_import_info)
NAMED_COUNTER(count_section, mf_section_info)

static bool count_range(void *context, mf_memory_range range) {
  (void)range;
  ++*(int *)context;
  return true;
}

/* ---- the checks ---- */

/* A process's modules, image contents, memory and translation; `pid` is its pid. */
static void check_process(const mf_process_vtbl *vtbl, const mf_memory_view_vtbl *view,
                          const mf_virtual_translate_vtbl *translate, mf_container *cont, uint32_t pid) {
  EXPECT(vtbl->info(cont)->pid == pid);
  int modules = 0;
  mf_module_info_callback on_module = { &modules, count_module };
  EXPECT(vtbl->module_list_callback(cont, NULL, on_module) == 0);
  EXPECT(modules >= 2 && modules <= 4);
  mf_module_info primary;
  EXPECT(vtbl->primary_module(cont, &primary) == 0);
  int exports = 0, imports = 0, sections = 0;
  mf_export_callback on_export = { &exports, count_export };
  mf_import_callback on_import = { &imports, count_import };
  mf_section_callback on_section = { &sections, count_section };
  EXPECT(vtbl->module_export_list_callback(cont, &primary, on_export) == 0 && exports >= 2);
  EXPECT(vtbl->module_import_list_callback(cont, &primary, on_import) == 0 && imports >= 1);
  EXPECT(vtbl->module_section_list_callback(cont, &primary, on_section) == 0 && sections == 3);
  mf_export_info start;
  EXPECT(vtbl->module_export_by_name(cont, &primary, slice_of("start"), &start) == 0 && start.offset == 0x1000);
  free(start.name);
  mf_section_info text;
  EXPECT(vtbl->module_section_by_name(cont, &primary, slice_of(".text"), &text) == 0);
  free(text.name);
  mf_import_info missing;
  EXPECT(vtbl->module_import_by_name(cont, &primary, slice_of("missing"), &missing) ==
         MF_ERROR(MF_ORIGIN_OS_LAYER, MF_KIND_IMPORT_NOT_FOUND));
  mf_module_info none;
  EXPECT(vtbl->module_by_name(cont, slice_of("missing.so"), &none) == MF_ERROR(MF_ORIGIN_OS_LAYER, MF_KIND_MODULE_NOT_FOUND));

  uint8_t bytes[0x3000];
  uint64_t hole = primary.base + (primary.size / 0x1000 / 2) * 0x1000;
  mf_slice_mut whole = { bytes, sizeof bytes };
  EXPECT(view->read_raw_into(cont, hole - 0x1000, whole) == MF_PARTIAL_VIRTUAL_READ);
  mf_slice_mut head = { bytes, 64 };
  EXPECT(view->read_raw_into(cont, primary.base, head) == 0);
  mf_physical_address physical;
  EXPECT(translate->virt_to_phys(cont, primary.base, &physical) == 0 && physical.page_size_log2 == 11);
  EXPECT(translate->virt_to_phys(cont, hole, &physical) == MF_ERROR(MF_ORIGIN_VIRTUAL_TRANSLATE, MF_KIND_OUT_OF_BOUNDS));
  int ranges = 0;
  mf_memory_range_callback on_range = { &ranges, count_range };
  vtbl->mapped_mem(cont, -1, on_range);
  EXPECT(ranges >= modules * 2);
  free(primary.name);
  free(primary.path);
}

static void check_os(mf_os_instance *os, int processes) {
  mf_container *cont = &os->container;
  int infos = 0;
  mf_process_info_callback on_info = { &infos, count_info };
  EXPECT(os->vtbl_os->process_info_list_callback(cont, on_info) == 0 && infos == processes);
  mf_process_info info;
  EXPECT(os->vtbl_os->process_info_by_pid(cont, (uint32_t)processes + 1, &info) ==
         MF_ERROR(MF_ORIGIN_OS_LAYER, MF_KIND_PROCESS_NOT_FOUND));
  int kernel_modules = 0;
  mf_module_info_callback on_module = { &kernel_modules, count_module };
  EXPECT(os->vtbl_os->module_list_callback(cont, on_module) == 0 && kernel_modules == 2);

  /* process_by_info takes the info (and its strings) from the host. */
  EXPECT(os->vtbl_os->process_info_by_name(cont, slice_of("dummy1"), &info) == 0);
  mf_process_instance process;
  EXPECT(os->vtbl_os->process_by_info(cont, info, &process) == 0);
  check_process(process.vtbl_process, process.vtbl_memoryview, process.vtbl_virtualtranslate, &process.container, 1);
  drop_container(&process.container);

  EXPECT(os->vtbl_os->process_by_pid(cont, 77, &process) == MF_ERROR(MF_ORIGIN_OS_LAYER, MF_KIND_PROCESS_NOT_FOUND));
  mf_container copy = os->vtbl_clone->clone(cont);
  EXPECT(copy.instance.instance != NULL);
  drop_container(&copy);
}

/* Consumes the OS into an owning process of `pid`, clones that, checks and drops both. */
static void check_owning(mf_os_instance *os, uint32_t pid) {
  mf_into_process_instance owning;
  EXPECT(os->vtbl_os->into_process_by_pid(os->container, pid, &owning) == 0);
  mf_container copy = owning.vtbl_clone->clone(&owning.container);
  EXPECT(copy.instance.instance != NULL);
  check_process(owning.vtbl_process, owning.vtbl_memoryview, owning.vtbl_virtualtranslate, &copy, pid);
  drop_container(&copy);
  check_process(owning.vtbl_process, owning.vtbl_memoryview, owning.vtbl_virtualtranslate, &owning.container, pid);
  drop_container(&owning.container);
}

static const void *symbol(const char *path, const char *name) {
  void *library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    printf("cannot load %s: %s\n", path, dlerror());
    exit(2);
  }
  return dlsym(library, name);
}

int main(int argc, char **argv) {
  if (argc != 3) return 2;
  os_descriptor = symbol(argv[1], "MEMFLOW_OS_DUMMY");
  connector_descriptor = symbol(argv[2], "MEMFLOW_CONNECTOR_DUMMY");
  if (!os_descriptor || !connector_descriptor) return 2;

  static const char *const own_memory[] = { "size=4m", "procs=3", "seed=5" };
  mf_os_instance os;
  EXPECT(create_os(own_memory, 3, false, &os) == 0);
  check_os(&os, 3);
  drop_container(&os.container);

  static const char *const over_input[] = { "procs=2" };
  EXPECT(create_os(over_input, 1, true, &os) == 0);
  check_os(&os, 2);
  check_owning(&os, 2);

  /* A failed lookup consumes the OS all the same; failed creates drop their input. */
  EXPECT(create_os(over_input, 1, true, &os) == 0);
  mf_into_process_instance owning;
  EXPECT(os.vtbl_os->into_process_by_pid(os.container, 9, &owning) ==
         MF_ERROR(MF_ORIGIN_OS_LAYER, MF_KIND_PROCESS_NOT_FOUND));
  static const char *const unknown_key[] = { "colour=red" };
  EXPECT(create_os(unknown_key, 1, true, &os) == MF_ERROR(MF_ORIGIN_ARGS_VALIDATOR, MF_KIND_ARG_NOT_EXISTS));
  static const char *const too_large[] = { "size=4m" };
  EXPECT(create_os(too_large, 1, true, &os) == MF_ERROR(MF_ORIGIN_ARGS_VALIDATOR, MF_KIND_ARG_VALIDATION));
  static const char *const too_many[] = { "size=1m", "procs=100" };
  EXPECT(create_os(too_many, 2, false, &os) == MF_ERROR(MF_ORIGIN_ARGS_VALIDATOR, MF_KIND_ARG_VALIDATION));

  printf("%d passed, %d failed\n", passes, failures);
  return failures == 0 ? 0 : 1;
}
