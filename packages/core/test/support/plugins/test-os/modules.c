/*
 * testos: the modules of test-os.md (the fixed processes' and the kernel's), the module lookups
 * both the Os and the Process vtables share, and every module's image contents (imports, exports,
 * sections), found by a ModuleInfo's base. Part of test-os.c.
 */

typedef struct {
  uint64_t address;
  uint64_t parent_process;
  uint64_t base;
  uint64_t size;
  const char *name;
  const char *path;
  mf_architecture_ident arch;
} ModuleEntry;

/* At most three modules per process (legacy32), two for the kernel. */
#define MAX_MODULES 3
typedef struct { ModuleEntry entries[MAX_MODULES]; size_t count; } ModuleList;

#define MODULE_NOT_FOUND MF_ERROR(MF_ORIGIN_OS_LAYER, MF_KIND_MODULE_NOT_FOUND)

/* ArchitectureIdent equality: the tag and the payload that tag uses (the rest is padding). */
static bool arch_equal(const mf_architecture_ident *a, const mf_architecture_ident *b) {
  if (a->tag != b->tag) return false;
  if (a->tag == MF_ARCH_X86)
    return a->value.x86.bits == b->value.x86.bits &&
           a->value.x86.address_extensions == b->value.x86.address_extensions;
  if (a->tag == MF_ARCH_AARCH64) return a->value.aarch64_page_size == b->value.aarch64_page_size;
  return a->value.unknown == b->value.unknown;
}

static void module_add(ModuleList *list, uint64_t address, uint64_t parent, uint64_t base, uint64_t size,
                       const char *name, const char *path, mf_architecture_ident arch) {
  ModuleEntry entry = { address, parent, base, size, name, path, arch };
  list->entries[list->count++] = entry;
}

/* The modules of a process row: none for a generated one. */
static ModuleList process_modules(const ProcessEntry *process) {
  ModuleList list = { .count = 0 };
  if (process->index >= FIXED_PROCESSES) return list;
  uint64_t at = process->address;
  mf_architecture_ident arch = arch_x86(process->row.proc_bits);
  module_add(&list, at + 0x100, at, 0x400000, 0x10000, process->row.name, process->row.path, arch);
  module_add(&list, at + 0x200, at, 0x7f0000000000, 0x200000, "libc.so.6", "/lib/libc.so.6", arch);
  if (process->row.proc_bits == 32)
    module_add(&list, at + 0x300, at, 0x7ff000000000, 0x100000, "wow64.dll", "C:\\Windows\\System32\\wow64.dll",
               arch_x86(64));
  return list;
}

static ModuleList kernel_modules(void) {
  ModuleList list = { .count = 0 };
  module_add(&list, 0xfffff78000001000, 0, 0xfffff80000000000, 0x800000, "ntoskrnl.exe",
             "\\SystemRoot\\system32\\ntoskrnl.exe", arch_x86(64));
  module_add(&list, 0xfffff78000002000, 0, 0xfffff80000800000, 0x100000, "hal.dll", "\\SystemRoot\\system32\\hal.dll",
             arch_x86(64));
  return list;
}

/* Handed to the host: its two strings are the host's, counted. */
static mf_module_info module_info(const ModuleEntry *entry) {
  mf_module_info info = {
    entry->address, entry->parent_process, entry->base,       entry->size, handed_string(entry->name),
    handed_string(entry->path), entry->arch,
  };
  return info;
}

/* NULL matches every architecture. */
static bool arch_matches(const mf_architecture_ident *wanted, const ModuleEntry *entry) {
  return wanted == NULL || arch_equal(wanted, &entry->arch);
}

static int32_t modules_address_list(const ModuleList *list, const mf_architecture_ident *arch,
                                    mf_module_address_callback callback) {
  for (size_t index = 0; index < list->count; index++) {
    const ModuleEntry *entry = &list->entries[index];
    if (!arch_matches(arch, entry)) continue;
    mf_module_address_info info = { entry->address, entry->arch };
    if (!callback.func(callback.context, info)) break;
  }
  return 0;
}

static int32_t modules_list(const ModuleList *list, const mf_architecture_ident *arch, mf_module_info_callback callback) {
  for (size_t index = 0; index < list->count; index++) {
    if (!arch_matches(arch, &list->entries[index])) continue;
    if (!callback.func(callback.context, module_info(&list->entries[index]))) break;
  }
  return 0;
}

/* arch NULL: any architecture. */
static int32_t modules_by_address(const ModuleList *list, uint64_t address, const mf_architecture_ident *arch,
                                  mf_module_info *ok_out) {
  for (size_t index = 0; index < list->count; index++) {
    const ModuleEntry *entry = &list->entries[index];
    if (entry->address != address || !arch_matches(arch, entry)) continue;
    *ok_out = module_info(entry);
    return 0;
  }
  return MODULE_NOT_FOUND;
}

static int32_t modules_by_name(const ModuleList *list, mf_slice_ref name, const mf_architecture_ident *arch,
                               mf_module_info *ok_out) {
  for (size_t index = 0; index < list->count; index++) {
    const ModuleEntry *entry = &list->entries[index];
    if (!names_equal(entry->name, name) || !arch_matches(arch, entry)) continue;
    *ok_out = module_info(entry);
    return 0;
  }
  return MODULE_NOT_FOUND;
}

/* The modules of an address space's owner: the kernel's (for the OS: an OS entry) or its process's. */
static ModuleList space_modules(const mf_container *cont) {
  const AddressSpace *space = cont->instance.instance;
  if (space->kernel) {
    os_entry(cont);
    return kernel_modules();
  }
  ProcessEntry entry;
  process_entry(space->process_index, &entry);
  return process_modules(&entry);
}

/* module_by_name of the Os and of a Process: the first exact match, any architecture. */
static int32_t space_module_by_name(mf_container *cont, mf_slice_ref name, mf_module_info *ok_out) {
  ModuleList list = space_modules(cont);
  return modules_by_name(&list, name, NULL, ok_out);
}

/* ---- image contents: the same for every module, at its base; entries shared by the Os and Process vtables ---- */

typedef enum { IMPORTS, EXPORTS, SECTIONS } ContentKind;
#define CONTENTS_COUNT 2
static const struct { const char *name; uint64_t offset; } module_imports[] = { { "malloc", 0x2000 }, { "free", 0x2008 } };
static const struct { const char *name; uint64_t offset; } module_exports[] = { { "start", 0x1000 }, { "helper", 0x1800 } };
static const struct { const char *name; uint64_t rva; uint64_t size; } module_sections[] = {
  { ".text", 0x1000, 0x2000 },
  { ".data", 0x3000, 0x1000 },
};

static const char *content_name(ContentKind kind, size_t index) {
  return kind == IMPORTS ? module_imports[index].name
         : kind == EXPORTS ? module_exports[index].name
                           : module_sections[index].name;
}

/* One import, export or section of the module at `base`, its name handed out. */
typedef union {
  mf_import_info import;
  mf_export_info export;
  mf_section_info section;
} ContentInfo;

static ContentInfo content_info(ContentKind kind, uint64_t base, size_t index) {
  ContentInfo info;
  char *name = handed_string(content_name(kind, index));
  if (kind == IMPORTS) {
    info.import.name = name;
    info.import.offset = module_imports[index].offset;
  } else if (kind == EXPORTS) {
    info.export.name = name;
    info.export.offset = module_exports[index].offset;
  } else {
    info.section.name = name;
    info.section.base = base + module_sections[index].rva;
    info.section.size = module_sections[index].size;
  }
  return info;
}

/* memflow's image parsers fail with (Other, InvalidExeFile) on what is not an image. */
#define NOT_AN_IMAGE MF_ERROR(MF_ORIGIN_OTHER, MF_KIND_INVALID_EXE_FILE)

/* The image is found by the ModuleInfo's base among the modules of the container's address space. */
static bool image_known(const mf_container *cont, const mf_module_info *info) {
  ModuleList list = space_modules(cont);
  for (size_t index = 0; info && index < list.count; index++)
    if (list.entries[index].base == info->base) return true;
  return false;
}

static int32_t content_by_name(const mf_container *cont, const mf_module_info *info, ContentKind kind,
                               mf_slice_ref name, ContentInfo *found) {
  static const int32_t not_found[] = {
    MF_ERROR(MF_ORIGIN_OS_LAYER, MF_KIND_IMPORT_NOT_FOUND),
    MF_ERROR(MF_ORIGIN_OS_LAYER, MF_KIND_EXPORT_NOT_FOUND),
    MF_ERROR(MF_ORIGIN_OS_LAYER, MF_KIND_SECTION_NOT_FOUND),
  };
  if (!image_known(cont, info)) return NOT_AN_IMAGE;
  for (size_t index = 0; index < CONTENTS_COUNT; index++) {
    if (!names_equal(content_name(kind, index), name)) continue;
    *found = content_info(kind, info->base, index);
    return 0;
  }
  return not_found[kind];
}

/*
 * The list and by-name entries of the three kinds differ only in their types: one body each,
 * instantiated per kind with the ContentInfo member of that kind.
 */
#define CONTENT_ENTRIES(kind, Info, Callback, member, list_entry, by_name_entry) \
  static int32_t list_entry(mf_container *cont, const mf_module_info *info, Callback callback) { \
    if (!image_known(cont, info)) return NOT_AN_IMAGE; \
    for (size_t index = 0; index < CONTENTS_COUNT; index++) \
      if (!callback.func(callback.context, content_info(kind, info->base, index).member)) break; \
    return 0; \
  } \
  static int32_t by_name_entry(mf_container *cont, const mf_module_info *info, mf_slice_ref name, Info *ok_out) { \
    ContentInfo found; \
    int32_t result = content_by_name(cont, info, kind, name, &found); \
    if (result == 0) *ok_out = found.member; \
    return result; \
  }

CONTENT_ENTRIES(IMPORTS, mf_import_info, mf_import_callback, import, module_import_list, module_import_by_name)
CONTENT_ENTRIES(EXPORTS, mf_export_info, mf_export_callback, export, module_export_list, module_export_by_name)
CONTENT_ENTRIES(SECTIONS, mf_section_info, mf_section_callback, section, module_section_list, module_section_by_name)

/* The six content entries, in the order both the Os and the Process vtables list them. */
#define CONTENT_VTBL_ENTRIES \
  module_import_list, module_export_list, module_section_list, module_import_by_name, module_export_by_name, \
    module_section_by_name
