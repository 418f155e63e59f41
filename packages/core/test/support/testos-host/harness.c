/*
 * The checking harness of testos-host: check macros, the plugins loaded with dlopen, a spy on the
 * connector's PhysicalMemory (so the host sees every physical request the OS makes), a counting
 * library reference, and helpers that create and drop instances as memflow's host does. Part of
 * host.c (one translation unit).
 */

/* ---- checks ---- */

static int passed, failed;

static void check(bool ok, const char *file, int line, const char *what) {
  if (ok) {
    passed++;
    return;
  }
  failed++;
  fprintf(stderr, "FAIL %s:%d: %s\n", file, line, what);
}

static void check_u64(uint64_t got, uint64_t want, const char *file, int line, const char *what) {
  if (got != want) fprintf(stderr, "  got 0x%llx, want 0x%llx\n", (unsigned long long)got, (unsigned long long)want);
  check(got == want, file, line, what);
}

static void check_str(const char *got, const char *want, const char *file, int line, const char *what) {
  bool same = got && strcmp(got, want) == 0;
  if (!same) fprintf(stderr, "  got \"%s\", want \"%s\"\n", got ? got : "(null)", want);
  check(same, file, line, what);
}

#define CHECK(condition) check((condition), __FILE__, __LINE__, #condition)
#define CHECK_EQ(got, want) check_u64((uint64_t)(got), (uint64_t)(want), __FILE__, __LINE__, #got " == " #want)
#define CHECK_STR(got, want) check_str((got), (want), __FILE__, __LINE__, #got " is " #want)

/* The error ints of memflow-os.md §10, spelled as numbers once so a wrong MF_ERROR cannot hide. */
#define PROCESS_NOT_FOUND (-2556145)
#define INVALID_PROCESS_INFO (-2621681)
#define MODULE_NOT_FOUND (-2687217)
#define EXPORT_NOT_FOUND (-2752753)
#define IMPORT_NOT_FOUND (-2818289)
#define SECTION_NOT_FOUND (-2883825)
#define OUT_OF_BOUNDS (-852097)
#define INVALID_EXE_FILE (-2031889)
#define ARG_NOT_EXISTS (-458801)
#define ARG_VALIDATION MF_ERROR(MF_ORIGIN_ARGS_VALIDATOR, MF_KIND_ARG_VALIDATION)
#define OS_GONE MF_ERROR(MF_ORIGIN_OS_LAYER, MF_KIND_UNINITIALIZED)

static mf_architecture_ident arch_x86(uint8_t bits) {
  mf_architecture_ident arch;
  memset(&arch, 0xee, sizeof arch); /* garbage in the padding: the plugin must compare the used payload only */
  arch.tag = MF_ARCH_X86;
  arch.value.x86.bits = bits;
  arch.value.x86.address_extensions = false;
  return arch;
}

static bool is_x86(mf_architecture_ident arch, uint8_t bits) {
  return arch.tag == MF_ARCH_X86 && arch.value.x86.bits == bits && !arch.value.x86.address_extensions;
}

static mf_slice_ref text(const char *value) {
  mf_slice_ref slice = { (const uint8_t *)value, strlen(value) };
  return slice;
}

/* ---- strings the host receives: copied, freed, counted against testos_strings_out ---- */

static int strings_freed;

static void take(char *owned, char *copy, size_t capacity) {
  snprintf(copy, capacity, "%s", owned ? owned : "(null)");
  free(owned);
  strings_freed++;
}

/* ---- the plugins ---- */

typedef struct {
  const mf_plugin_descriptor *descriptor;
  int (*live)(void);
  int (*live_processes)(void);
  int (*live_owning_processes)(void);
  int (*live_keyboards)(void);
  int (*live_keyboard_states)(void);
  int (*strings_out)(void);
  int (*infos_in)(void);
  int (*borrow_violations)(void);
  void (*reset_counters)(void);
} Plugin;

static Plugin full, minimal;
static const mf_plugin_descriptor *testmem;
static int (*testmem_live)(void);

static void *symbol(void *library, const char *name) {
  void *found = dlsym(library, name);
  if (!found) {
    fprintf(stderr, "missing symbol %s\n", name);
    exit(2);
  }
  return found;
}

static void *open_library(const char *path) {
  void *library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    fprintf(stderr, "%s\n", dlerror());
    exit(2);
  }
  return library;
}

/* Function pointers from dlsym: POSIX guarantees the conversion, ISO C does not, hence memcpy. */
#define LOAD(library, name, out) \
  do { \
    void *found_ = symbol((library), (name)); \
    memcpy(&(out), &found_, sizeof(out)); \
  } while (0)

static void load_plugin(Plugin *plugin, const char *path, const char *descriptor) {
  void *library = open_library(path);
  plugin->descriptor = symbol(library, descriptor);
  LOAD(library, "testos_live", plugin->live);
  LOAD(library, "testos_live_processes", plugin->live_processes);
  LOAD(library, "testos_live_owning_processes", plugin->live_owning_processes);
  LOAD(library, "testos_live_keyboards", plugin->live_keyboards);
  LOAD(library, "testos_live_keyboard_states", plugin->live_keyboard_states);
  LOAD(library, "testos_strings_out", plugin->strings_out);
  LOAD(library, "testos_infos_in", plugin->infos_in);
  LOAD(library, "testos_borrow_violations", plugin->borrow_violations);
  LOAD(library, "testos_reset_counters", plugin->reset_counters);
}

/* ---- the library reference the host gives create: it counts its references ---- */

static int lib_refs;
static const void *lib_clone(const void *instance) {
  lib_refs++;
  return instance;
}
static void lib_drop(const void *instance) {
  (void)instance;
  lib_refs--;
}
static mf_carc new_lib(void) {
  lib_refs++;
  mf_carc lib = { &lib_refs, lib_clone, lib_drop };
  return lib;
}

static void drop_container(mf_container *cont) {
  if (cont->instance.drop_fn && cont->instance.instance) cont->instance.drop_fn(cont->instance.instance);
  if (cont->context.drop_fn && cont->context.instance) cont->context.drop_fn(cont->context.instance);
}

/* ---- the spy: the connector's PhysicalMemory, wrapped to record each physical request ---- */

#define SEEN_MAX 512
static const mf_physical_memory_vtbl *real_memory;
static int physical_reads, physical_writes;
static size_t seen_count;
static mf_physical_read_data seen[SEEN_MAX]; /* the last call's items (writes: their data pointer as const) */

static int32_t spy_next(void *iter, void *out) {
  mf_iterator *inner = iter;
  int32_t result = inner->func(inner->iter, out);
  if (result == 0 && seen_count < SEEN_MAX) memcpy(&seen[seen_count], out, sizeof seen[0]);
  if (result == 0) seen_count++;
  return result;
}

/* Counts a physical request and puts the spy between the connector and the OS's request items. */
static mf_iterator spied(mf_iterator *inner, int *calls) {
  ++*calls;
  seen_count = 0;
  mf_iterator spy = { inner, spy_next };
  return spy;
}

static int32_t spy_read(mf_container *cont, mf_read_ops ops) {
  mf_iterator inner = ops.inp;
  ops.inp = spied(&inner, &physical_reads);
  return real_memory->phys_read_raw_iter(cont, ops);
}

static int32_t spy_write(mf_container *cont, mf_write_ops ops) {
  mf_iterator inner = ops.inp;
  ops.inp = spied(&inner, &physical_writes);
  return real_memory->phys_write_raw_iter(cont, ops);
}

static mf_physical_memory_metadata spy_metadata(const mf_container *cont) { return real_memory->metadata(cont); }
static void spy_set_mem_map(mf_container *cont, mf_mapping_slice mappings) { real_memory->set_mem_map(cont, mappings); }
static const mf_physical_memory_vtbl spy_memory = { spy_read, spy_write, spy_metadata, spy_set_mem_map, NULL, NULL };

/* Every physical byte holds pattern(its address), so a read shows which physical address it came from. */
static uint8_t pattern(uint64_t pa) { return (uint8_t)(pa ^ (pa >> 8) ^ (pa >> 16)); }

static bool patterned(const uint8_t *bytes, uint64_t length, uint64_t pa) {
  for (uint64_t index = 0; index < length; index++)
    if (bytes[index] != pattern(pa + index)) return false;
  return true;
}

/* A testmem connector of `size` bytes (hex, as testmem parses it) filled with the pattern, behind the spy. */
static mf_connector_instance make_connector(const char *size) {
  mf_connector_instance connector = testmem_create(testmem, size);
  real_memory = connector.vtbl_physicalmemory;
  testmem_fill(&connector, pattern);
  connector.vtbl_physicalmemory = &spy_memory;
  return connector;
}

/* Creates an OS of `plugin` over a fresh 0x300000-byte connector, with up to two extra arguments "key=value". */
static int32_t create_os_with(const Plugin *plugin, const char *first, const char *second, mf_plugin_logger *logger,
                              mf_os_instance *out) {
  char buffers[2][64];
  mf_arg_entry entries[2];
  const char *given[2] = { first, second };
  size_t count = 0;
  for (size_t index = 0; index < 2; index++) {
    if (!given[index]) continue;
    snprintf(buffers[count], sizeof buffers[count], "%s", given[index]);
    char *equals = strchr(buffers[count], '=');
    *equals = 0;
    entries[count].key = buffers[count];
    entries[count].value = equals + 1;
    count++;
  }
  mf_os_args args;
  memset(&args, 0, sizeof args);
  args.extra_args.data = entries;
  args.extra_args.len = args.extra_args.capacity = count;
  mf_option_connector_instance input;
  memset(&input, 0, sizeof input);
  input.tag = MF_OPTION_SOME;
  input.value = make_connector("300000");
  return plugin->descriptor->create.os(&args, input, new_lib(), logger, out);
}

static mf_os_instance create_os(const Plugin *plugin) {
  mf_os_instance os;
  if (create_os_with(plugin, NULL, NULL, NULL, &os) != 0) {
    fprintf(stderr, "testos create failed\n");
    exit(2);
  }
  return os;
}
