/*
 * myos: the objects handed to the host and what each owns. The OS owns its input connector and
 * its process table; a borrowed process points at its OS, an owning one owns it. The OS and
 * every process begin with a View (an address space read through the OS's connector), so one
 * MemoryView and one VirtualTranslate serve them all. Part of myos.c.
 */

#define MYOS_PAGE 0x1000ull
#define MYOS_IMAGE_BASE 0x400000ull /* where each process's program image starts, virtually */
#define MYOS_TABLE 0x10000ull       /* process i's handle (its info's address) is MYOS_TABLE + i * 0x100 */
#define MYOS_FAILED MF_ERROR(MF_ORIGIN_OS_LAYER, MF_KIND_UNKNOWN)

typedef struct OsObject OsObject;

/* Virtual [virt_base, virt_base + size) is physical [phys_base, phys_base + size): see memory.c. */
typedef struct {
  OsObject *os;
  uint64_t virt_base, phys_base, size;
} View;

/* One process. Replace the table with one read from the target's memory (a real OS's process list). */
typedef struct {
  uint32_t pid;
  char name[24];
  uint64_t address, phys_base, size;
} Row;

struct OsObject {
  View view; /* the kernel's, all of physical memory at virtual 0; first, so an OS is a View */
  mf_connector_instance connector;
  Row *rows;
  size_t count;
  mf_os_info info;
};

typedef struct {
  View view; /* first, as in OsObject */
  const Row *row;
  bool owning;
  mf_process_info info; /* what info() lends; its strings are the process's */
} ProcessObject;

static const mf_architecture_ident myos_arch = { MF_ARCH_X86, { .x86 = { 64, false } } };

static View *view_of(const mf_container *cont) { return cont->instance.instance; }
static OsObject *os_of(const mf_container *cont) { return cont->instance.instance; }

static void os_free(void *instance) {
  OsObject *os = instance;
  mf_container_drop(os->connector.container); /* helpers named mf_* are memflow-os-plugin.h's */
  free(os->rows);
  free(os);
}

/* A copy of the OS over a clone of its connector (the connector's own clone decides what is shared). */
static OsObject *os_copy(const OsObject *source) {
  OsObject *copy = malloc(sizeof *copy);
  Row *rows = malloc(source->count * sizeof *rows);
  mf_container connector = source->connector.vtbl_clone->clone(&source->connector.container);
  if (!copy || !rows || !connector.instance.instance) {
    free(copy);
    free(rows);
    mf_container_drop(connector);
    return NULL;
  }
  *copy = *source;
  memcpy(rows, source->rows, source->count * sizeof *rows);
  copy->rows = rows;
  copy->connector.container = connector;
  copy->view.os = copy;
  return copy;
}

/* A ProcessInfo whose strings are malloc'd: the receiver frees them with free(). */
static mf_process_info row_info(const Row *row) {
  char path[40];
  snprintf(path, sizeof path, "/bin/%s", row->name);
  mf_process_info info;
  memset(&info, 0, sizeof info);
  info.address = row->address;
  info.pid = row->pid;
  info.state.tag = MF_PROCESS_STATE_ALIVE;
  info.name = strdup(row->name);
  info.path = strdup(path);
  info.command_line = strdup(path);
  info.sys_arch = myos_arch;
  info.proc_arch = myos_arch;
  info.dtb1 = row->phys_base; /* no page tables here: the root is where the process's memory starts */
  info.dtb2 = MF_ADDRESS_INVALID;
  return info;
}

/* How the host looks a process up: by its address (handle), its pid or its name. */
typedef struct {
  enum { BY_ADDRESS, BY_PID, BY_NAME } by;
  uint64_t address;
  uint32_t pid;
  mf_slice_ref name;
} Key;

static Key by_address(uint64_t address) { return (Key){ .by = BY_ADDRESS, .address = address }; }
static Key by_pid(uint32_t pid) { return (Key){ .by = BY_PID, .pid = pid }; }
static Key by_name(mf_slice_ref name) { return (Key){ .by = BY_NAME, .name = name }; }

/* The process `key` names, or NULL. memflow's by-name lookups skip dead processes; here all live. */
static const Row *find(const OsObject *os, Key key) {
  for (size_t index = 0; index < os->count; index++) {
    const Row *row = &os->rows[index];
    bool found = key.by == BY_ADDRESS ? row->address == key.address
                 : key.by == BY_PID   ? row->pid == key.pid
                                      : mf_slice_is(key.name, row->name);
    if (found) return row;
  }
  return NULL;
}

/* A process over `row`; an owning one frees its OS when it is dropped. */
static ProcessObject *process_new(OsObject *os, const Row *row, bool owning) {
  ProcessObject *process = malloc(sizeof *process);
  if (process) *process = (ProcessObject){ { os, MYOS_IMAGE_BASE, row->phys_base, row->size }, row, owning, row_info(row) };
  return process;
}

static void process_drop(void *instance) {
  ProcessObject *process = instance;
  mf_process_info_free(&process->info);
  if (process->owning) os_free(process->view.os);
  free(process);
}

