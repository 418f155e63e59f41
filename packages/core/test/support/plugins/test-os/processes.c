/*
 * testos: the process list of test-os.md ("Processes, in list order"), five fixed processes and
 * `processes=<n>` generated ones, the lookups with the trait defaults' rules, and ProcessInfo
 * values: handed out (strings counted) or kept by a process object. Part of test-os.c.
 */

#define FIXED_PROCESSES 5
#define GENERATED_BASE 0x100000000ull

static mf_architecture_ident arch_x86(uint8_t bits) {
  mf_architecture_ident arch;
  memset(&arch, 0, sizeof arch); /* the payload's unused bytes are zero, not stack garbage */
  arch.tag = MF_ARCH_X86;
  arch.value.x86.bits = bits;
  arch.value.x86.address_extensions = false;
  return arch;
}

/* What a row of the list says of its process, but where it is. */
typedef struct {
  uint32_t pid;
  mf_process_state state;
  const char *name;
  const char *path;
  const char *command_line;
  uint8_t proc_bits;
} ProcessRow;

static const ProcessRow fixed_processes[FIXED_PROCESSES] = {
  { 1, { MF_PROCESS_STATE_ALIVE, 0 }, "init", "/sbin/init", "/sbin/init splash", 64 },
  { 20, { MF_PROCESS_STATE_DEAD, 3 }, "shell", "/bin/sh", "sh -c \"exit 3\"", 64 },
  { 36, { MF_PROCESS_STATE_ALIVE, 0 }, "shell", "/bin/sh", "/bin/sh -l", 64 },
  { 300, { MF_PROCESS_STATE_ALIVE, 0 }, "legacy32", "C:\\legacy\\legacy32.exe", "legacy32.exe /quiet", 32 },
  { 4242, { MF_PROCESS_STATE_UNKNOWN, 0 }, "d\xc3\xa6mon", "/usr/sbin/d\xc3\xa6mon", "d\xc3\xa6mon --foreground", 64 },
};

/* A row with its place: a generated row's strings live in `text`. */
typedef struct {
  uint64_t index; /* in list order; < FIXED_PROCESSES for the fixed ones */
  uint64_t address;
  uint64_t dtb1;
  ProcessRow row;
  char text[3][64];
} ProcessEntry;

static uint64_t process_count(const TestOs *os) { return FIXED_PROCESSES + os->generated; }

/* The row at `index` (< process_count of its OS). */
static void process_entry(uint64_t index, ProcessEntry *entry) {
  entry->index = index;
  if (index < FIXED_PROCESSES) {
    entry->address = index * 0x1000 + 0x1000;
    entry->dtb1 = index * 0x10000 + 0x10000;
    entry->row = fixed_processes[index];
    return;
  }
  unsigned long long i = index - FIXED_PROCESSES;
  entry->address = GENERATED_BASE + i * 0x1000;
  entry->dtb1 = 0x60000 + i * 0x1000;
  snprintf(entry->text[0], sizeof entry->text[0], "proc%llu", i);
  snprintf(entry->text[1], sizeof entry->text[1], "/usr/bin/proc%llu", i);
  snprintf(entry->text[2], sizeof entry->text[2], "/usr/bin/proc%llu --index %llu", i, i);
  ProcessRow row = { (uint32_t)(10000 + i), { MF_PROCESS_STATE_ALIVE, 0 }, entry->text[0], entry->text[1],
                     entry->text[2], 64 };
  entry->row = row;
}

static bool names_equal(const char *name, mf_slice_ref wanted) {
  return strlen(name) == wanted.len && memcmp(name, wanted.data, wanted.len) == 0;
}

/* A lookup's rule: does this row match? */
typedef bool (*ProcessMatch)(const ProcessEntry *entry, const void *key);

static bool match_address(const ProcessEntry *entry, const void *key) {
  return entry->address == *(const uint64_t *)key;
}

static bool match_pid(const ProcessEntry *entry, const void *key) { return entry->row.pid == *(const uint32_t *)key; }

/* By name: an exact match that is not Dead (process_info_by_name's default). */
static bool match_name(const ProcessEntry *entry, const void *key) {
  return entry->row.state.tag != MF_PROCESS_STATE_DEAD && names_equal(entry->row.name, *(const mf_slice_ref *)key);
}

/* The first row in list order that matches; false when none does. */
static bool process_find(const TestOs *os, ProcessMatch match, const void *key, ProcessEntry *entry) {
  for (uint64_t index = 0; index < process_count(os); index++) {
    process_entry(index, entry);
    if (match(entry, key)) return true;
  }
  return false;
}

#define PROCESS_NOT_FOUND MF_ERROR(MF_ORIGIN_OS_LAYER, MF_KIND_PROCESS_NOT_FOUND)

/* A ProcessInfo whose strings come from make_string: handed_string for the host, strdup for a process object. */
static mf_process_info process_info(const ProcessEntry *entry, char *(*make_string)(const char *)) {
  mf_process_info info;
  memset(&info, 0, sizeof info);
  info.address = entry->address;
  info.pid = entry->row.pid;
  info.state = entry->row.state;
  info.name = make_string(entry->row.name);
  info.path = make_string(entry->row.path);
  info.command_line = make_string(entry->row.command_line);
  info.sys_arch = arch_x86(64);
  info.proc_arch = arch_x86(entry->row.proc_bits);
  info.dtb1 = entry->dtb1;
  info.dtb2 = MF_ADDRESS_INVALID;
  return info;
}

static char *own_string(const char *text) { return strdup(text); }

static void process_info_free(mf_process_info *info) {
  free(info->name);
  free(info->path);
  free(info->command_line);
}

/* A ProcessInfo the host moved in (process_by_info, into_process_by_info): the plugin's to free, counted. */
static uint64_t process_info_taken(mf_process_info info) {
  infos_in++;
  process_info_free(&info);
  return info.address;
}
