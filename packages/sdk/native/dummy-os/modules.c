/*
 * dummy OS: modules of an address space and their image contents (dummy-os.md "Modules"). Every
 * module is x86_64; its entry address is its base. Exports, imports and sections follow fixed
 * rules from the module's drawn counts and size, found by the ModuleInfo's base. Part of
 * dummy-os.c.
 */

#define MODULE_NOT_FOUND MF_ERROR(MF_ORIGIN_OS_LAYER, MF_KIND_MODULE_NOT_FOUND)
/* memflow's image parsers fail so on a module they cannot read. */
#define NOT_AN_IMAGE MF_ERROR(MF_ORIGIN_OTHER, MF_KIND_INVALID_EXE_FILE)

static const char *const export_names[] = { "start", "run", "stop", "open", "close" };
static const char *const import_names[] = { "malloc", "free", "memcpy" };
#define EXPORT_OFFSET(index) (0x1000ull + 0x100ull * (index))
#define IMPORT_OFFSET(index) (0x3000ull + 8ull * (index))

/* A module's name and path: a process's own image is named as the process. */
static const char *module_name(const Space *space, const Module *module) {
  return module->name ? module->name : space->name;
}

static const char *module_path(const Space *space, const Module *module) {
  return module->path ? module->path : space->path;
}

/* parent_process: the process's address (its base); 0 for the kernel's modules. */
static mf_module_info module_info(const Space *space, const Module *module) {
  mf_module_info info = {
    module->base, space->pid ? space->base : 0, module->base, module->size, strdup(module_name(space, module)),
    strdup(module_path(space, module)), x86_64,
  };
  return info;
}

static bool arch_matches(const mf_architecture_ident *wanted) { return !wanted || is_x86_64(wanted); }

static bool name_is(const char *name, mf_slice_ref wanted) {
  return strlen(name) == wanted.len && memcmp(name, wanted.data, wanted.len) == 0;
}

static int32_t space_module_addresses(const Space *space, const mf_architecture_ident *arch,
                                      mf_module_address_callback callback) {
  for (size_t index = 0; arch_matches(arch) && index < space->module_count; index++) {
    mf_module_address_info info = { space->modules[index].base, x86_64 };
    if (!callback.func(callback.context, info)) break;
  }
  return 0;
}

static int32_t space_module_list(const Space *space, const mf_architecture_ident *arch,
                                 mf_module_info_callback callback) {
  for (size_t index = 0; arch_matches(arch) && index < space->module_count; index++)
    if (!callback.func(callback.context, module_info(space, &space->modules[index]))) break;
  return 0;
}

static int32_t space_module_by_address(const Space *space, uint64_t address, const mf_architecture_ident *arch,
                                       mf_module_info *ok_out) {
  for (size_t index = 0; arch_matches(arch) && index < space->module_count; index++) {
    if (space->modules[index].base != address) continue;
    *ok_out = module_info(space, &space->modules[index]);
    return 0;
  }
  return MODULE_NOT_FOUND;
}

static int32_t space_module_by_name(const Space *space, mf_slice_ref name, const mf_architecture_ident *arch,
                                    mf_module_info *ok_out) {
  for (size_t index = 0; arch_matches(arch) && index < space->module_count; index++) {
    if (!name_is(module_name(space, &space->modules[index]), name)) continue;
    *ok_out = module_info(space, &space->modules[index]);
    return 0;
  }
  return MODULE_NOT_FOUND;
}

/* ---- image contents, the same entries for the OS (kernel) and a process ---- */

static const Module *image_of(const mf_container *cont, const mf_module_info *info) {
  const Space *space = view_of(cont)->space;
  for (size_t index = 0; index < space->module_count; index++)
    if (space->modules[index].base == info->base) return &space->modules[index];
  return NULL;
}

/* Section `index` of a module: .text, .rodata, then .data to the module's end. */
static bool module_section(const Module *module, size_t index, mf_section_info *out) {
  static const char *const names[] = { ".text", ".rodata", ".data" };
  static const uint64_t starts[] = { 0x1000, 0x3000, 0x4000 };
  if (index >= 3) return false;
  uint64_t end = index < 2 ? starts[index + 1] : module->size;
  mf_section_info section = { strdup(names[index]), module->base + starts[index], end - starts[index] };
  *out = section;
  return true;
}

/* A module's imports or exports: their count, and entry `index` (offsets from the base, by the contract's rule). */
static unsigned symbol_count(const Module *module, bool exports) { return exports ? module->exports : module->imports; }

static const char *symbol_name(bool exports, unsigned index) { return exports ? export_names[index] : import_names[index]; }

static uint64_t symbol_offset(bool exports, unsigned index) { return exports ? EXPORT_OFFSET(index) : IMPORT_OFFSET(index); }

/* Import and export infos are laid out alike: a malloc'd name and an offset. */
_Static_assert(sizeof(mf_import_info) == sizeof(mf_export_info), "imports and exports are laid out alike");
typedef mf_export_info Symbol;

/* Feeds a module's imports or exports to `emit` until it returns false. */
static int32_t symbols_each(mf_container *cont, const mf_module_info *info, bool exports,
                            bool (*emit)(void *callback, Symbol symbol), void *callback) {
  const Module *module = image_of(cont, info);
  if (!module) return NOT_AN_IMAGE;
  for (unsigned index = 0; index < symbol_count(module, exports); index++) {
    Symbol symbol = { strdup(symbol_name(exports, index)), symbol_offset(exports, index) };
    if (!emit(callback, symbol)) break;
  }
  return 0;
}

static bool emit_import(void *callback, Symbol symbol) {
  mf_import_callback *imports = callback;
  mf_import_info info = { symbol.name, symbol.offset };
  return imports->func(imports->context, info);
}

static bool emit_export(void *callback, Symbol symbol) {
  mf_export_callback *exports = callback;
  return exports->func(exports->context, symbol);
}

static int32_t image_imports(mf_container *cont, const mf_module_info *info, mf_import_callback callback) {
  return symbols_each(cont, info, false, emit_import, &callback);
}

static int32_t image_exports(mf_container *cont, const mf_module_info *info, mf_export_callback callback) {
  return symbols_each(cont, info, true, emit_export, &callback);
}

/* The import or export named `name`: 0 and the symbol, or the error for a missing image or name. */
static int32_t symbol_find(mf_container *cont, const mf_module_info *info, bool exports, mf_slice_ref name,
                           Symbol *found) {
  const Module *module = image_of(cont, info);
  if (!module) return NOT_AN_IMAGE;
  for (unsigned index = 0; index < symbol_count(module, exports); index++) {
    if (!name_is(symbol_name(exports, index), name)) continue;
    Symbol symbol = { strdup(symbol_name(exports, index)), symbol_offset(exports, index) };
    *found = symbol;
    return 0;
  }
  return exports ? MF_ERROR(MF_ORIGIN_OS_LAYER, MF_KIND_EXPORT_NOT_FOUND)
                 : MF_ERROR(MF_ORIGIN_OS_LAYER, MF_KIND_IMPORT_NOT_FOUND);
}

static int32_t image_import(mf_container *cont, const mf_module_info *info, mf_slice_ref name,
                            mf_import_info *ok_out) {
  Symbol symbol;
  int32_t result = symbol_find(cont, info, false, name, &symbol);
  if (result == 0) memcpy(ok_out, &symbol, sizeof symbol);
  return result;
}

static int32_t image_export(mf_container *cont, const mf_module_info *info, mf_slice_ref name,
                            mf_export_info *ok_out) {
  return symbol_find(cont, info, true, name, ok_out);
}

static int32_t image_sections(mf_container *cont, const mf_module_info *info, mf_section_callback callback) {
  const Module *module = image_of(cont, info);
  if (!module) return NOT_AN_IMAGE;
  mf_section_info section;
  for (size_t index = 0; module_section(module, index, &section); index++)
    if (!callback.func(callback.context, section)) break;
  return 0;
}

static int32_t image_section(mf_container *cont, const mf_module_info *info, mf_slice_ref name,
                             mf_section_info *ok_out) {
  const Module *module = image_of(cont, info);
  if (!module) return NOT_AN_IMAGE;
  mf_section_info section;
  for (size_t index = 0; module_section(module, index, &section); index++) {
    if (name_is(section.name, name)) {
      *ok_out = section;
      return 0;
    }
    free(section.name);
  }
  return MF_ERROR(MF_ORIGIN_OS_LAYER, MF_KIND_SECTION_NOT_FOUND);
}
