/*
 * Collectors for testos-host: C callbacks that receive what the plugin moves into them, copy it
 * into the host's memory and free the plugin's strings (as a leak-free memflow host does,
 * memflow-os.md §3), stopping after `stop_after` items when it is not 0. Part of host.c.
 */

#define COLLECT_MAX 64

typedef struct {
  uint64_t address;
  uint32_t pid;
  mf_process_state state;
  char name[64], path[64], command_line[64];
  mf_architecture_ident sys_arch, proc_arch;
  uint64_t dtb1, dtb2;
} HostProcess;

typedef struct {
  uint64_t address, parent_process, base, size;
  char name[64], path[64];
  mf_architecture_ident arch;
} HostModule;

typedef struct { char name[64]; uint64_t base, size; } HostContent;

typedef struct {
  size_t count, stop_after;
  uint64_t addresses[COLLECT_MAX];
  HostProcess processes[COLLECT_MAX];
  HostModule modules[COLLECT_MAX];
  mf_module_address_info module_addresses[COLLECT_MAX];
  HostContent contents[COLLECT_MAX];
  mf_memory_range ranges[COLLECT_MAX];
  mf_virtual_translation translations[COLLECT_MAX];
  mf_virtual_translation_fail fails[COLLECT_MAX];
} Collected;

/* The next slot, or NULL when full; false from `more` tells the plugin to stop. */
static size_t slot(Collected *collected) {
  return collected->count < COLLECT_MAX ? collected->count : COLLECT_MAX - 1;
}
static bool more(Collected *collected) {
  collected->count++;
  return collected->stop_after == 0 || collected->count < collected->stop_after;
}

static HostProcess keep_process(mf_process_info info) {
  HostProcess kept = { info.address, info.pid, info.state, "", "", "", info.sys_arch, info.proc_arch, info.dtb1,
                       info.dtb2 };
  take(info.name, kept.name, sizeof kept.name);
  take(info.path, kept.path, sizeof kept.path);
  take(info.command_line, kept.command_line, sizeof kept.command_line);
  return kept;
}

static HostModule keep_module(mf_module_info info) {
  HostModule kept = { info.address, info.parent_process, info.base, info.size, "", "", info.arch };
  take(info.name, kept.name, sizeof kept.name);
  take(info.path, kept.path, sizeof kept.path);
  return kept;
}

/* A collector of T into `field`, each value kept as `keep` makes it. */
#define COLLECTOR(function, T, field, keep) \
  static bool function(void *context, T value) { \
    Collected *collected = context; \
    collected->field[slot(collected)] = keep(value); \
    return more(collected); \
  }
#define AS_IS(value) (value)

COLLECTOR(on_address, uint64_t, addresses, AS_IS)
COLLECTOR(on_process, mf_process_info, processes, keep_process)
COLLECTOR(on_module, mf_module_info, modules, keep_module)
COLLECTOR(on_module_address, mf_module_address_info, module_addresses, AS_IS)
COLLECTOR(on_range, mf_memory_range, ranges, AS_IS)
COLLECTOR(on_translation, mf_virtual_translation, translations, AS_IS)
COLLECTOR(on_fail, mf_virtual_translation_fail, fails, AS_IS)

/* Imports, exports and sections: base is the offset for imports and exports. */
static HostContent keep_content(char *name, uint64_t base, uint64_t size) {
  HostContent kept = { "", base, size };
  take(name, kept.name, sizeof kept.name);
  return kept;
}
#define KEEP_OFFSET(info) keep_content((info).name, (info).offset, 0)
#define KEEP_SECTION(info) keep_content((info).name, (info).base, (info).size)

COLLECTOR(on_import, mf_import_info, contents, KEEP_OFFSET)
COLLECTOR(on_export, mf_export_info, contents, KEEP_OFFSET)
COLLECTOR(on_section, mf_section_info, contents, KEEP_SECTION)

/* A collected module is the one described (its arch is compared by the payload used). */
static void check_module(const HostModule *got, HostModule want, const char *file, int line) {
  check_u64(got->address, want.address, file, line, "module address");
  check_u64(got->parent_process, want.parent_process, file, line, "module parent_process");
  check_u64(got->base, want.base, file, line, "module base");
  check_u64(got->size, want.size, file, line, "module size");
  check_str(got->name, want.name, file, line, "module name");
  check_str(got->path, want.path, file, line, "module path");
  check(is_x86(got->arch, want.arch.value.x86.bits), file, line, "module arch");
}
#define CHECK_MODULE(got, ...) check_module((got), (HostModule){ __VA_ARGS__ }, __FILE__, __LINE__)

/* primary_module_address and primary_module, of the Os or of a Process: both name the module described. */
static void check_primary(int32_t (*address_of)(mf_container *, uint64_t *),
                          int32_t (*module_of)(mf_container *, mf_module_info *), mf_container *cont, HostModule want,
                          const char *file, int line) {
  uint64_t address = 0;
  mf_module_info info;
  check_u64((uint64_t)address_of(cont, &address), 0, file, line, "primary_module_address succeeds");
  check_u64(address, want.address, file, line, "primary_module_address");
  check_u64((uint64_t)module_of(cont, &info), 0, file, line, "primary_module succeeds");
  HostModule got = keep_module(info);
  check_module(&got, want, file, line);
}
#define CHECK_PRIMARY(vt, cont, ...) \
  check_primary((vt)->primary_module_address, (vt)->primary_module, (cont), (HostModule){ __VA_ARGS__ }, __FILE__, \
                __LINE__)

/* ---- read and write reports: every out / out_fail call, in order ---- */

typedef struct {
  bool ok;
  uint64_t meta;
  const uint8_t *data;
  uint64_t length;
} Report;

typedef struct {
  size_t count;
  size_t stop_after; /* 0: never stop */
  Report reports[COLLECT_MAX];
} Reports;

static bool report(Reports *reports, bool ok, uint64_t meta, const uint8_t *data, uint64_t length) {
  Report entry = { ok, meta, data, length };
  reports->reports[reports->count < COLLECT_MAX ? reports->count : COLLECT_MAX - 1] = entry;
  reports->count++;
  return reports->stop_after == 0 || reports->count < reports->stop_after;
}

static bool on_read(void *context, mf_read_data data) { return report(context, true, data.meta_addr, data.data.data, data.data.len); }
static bool on_read_fail(void *context, mf_read_data data) {
  return report(context, false, data.meta_addr, data.data.data, data.data.len);
}
static bool on_write(void *context, mf_write_data data) {
  return report(context, true, data.meta_addr, data.data.data, data.data.len);
}
static bool on_write_fail(void *context, mf_write_data data) {
  return report(context, false, data.meta_addr, data.data.data, data.data.len);
}

static bool report_is(const Reports *reports, size_t index, bool ok, uint64_t meta, const void *data, uint64_t length) {
  const Report *entry = &reports->reports[index];
  return index < reports->count && entry->ok == ok && entry->meta == meta && entry->data == data &&
         entry->length == length;
}

/* ---- a CIterator over an array of items of any type ---- */

typedef struct { const void *items; size_t size, count, next; } ArrayIter;

static int32_t next_array_item(void *iter, void *out) {
  ArrayIter *array = iter;
  if (array->next == array->count) return 1;
  memcpy(out, (const uint8_t *)array->items + array->size * array->next++, array->size);
  return 0;
}

#define ITERATOR(iter) ((mf_iterator){ &(iter), next_array_item })
#define ARRAY_ITER(array, n) ((ArrayIter){ (array), sizeof((array)[0]), (n), 0 })
