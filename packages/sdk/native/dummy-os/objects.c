/*
 * dummy OS: the objects handed to the host and what they own. The OS owns its connector and the
 * layout; a borrowed process points at its OS, an owning one owns it. Both begin with a View
 * (an address space read through the OS's connector), so the MemoryView, VirtualTranslate and
 * module-content entries serve the kernel and processes alike. Part of dummy-os.c.
 */

typedef struct DummyOs DummyOs;

typedef struct {
  DummyOs *os;
  const Space *space;
  uint64_t dtb; /* the root the walk starts from: the space's, until a process's set_dtb */
} View;

struct DummyOs {
  View view; /* the kernel's; first, see above */
  mf_connector_instance connector;
  uint64_t seed;
  Space kernel;
  Space *processes;
  size_t process_count;
  mf_os_info info;
};

typedef struct {
  View view; /* first, see above */
  bool owning;
  mf_process_info info; /* what info() lends; the strings are the process's */
} DummyProcess;

static View *view_of(const mf_container *cont) { return cont->instance.instance; }

static const mf_architecture_ident x86_64 = { MF_ARCH_X86, { .x86 = { 64, false } } };

static bool is_x86_64(const mf_architecture_ident *arch) {
  return arch->tag == MF_ARCH_X86 && arch->value.x86.bits == 64 && !arch->value.x86.address_extensions;
}

static void connector_drop(mf_connector_instance *connector) { mf_container_drop(connector->container); }

static void os_free(void *instance) {
  DummyOs *os = instance;
  connector_drop(&os->connector);
  free(os->processes);
  free(os);
}

/* ProcessInfo of a space; its strings are malloc'd, the receiver's to free. */
static mf_process_info space_process_info(const Space *space) {
  mf_process_info info;
  memset(&info, 0, sizeof info);
  info.address = space->base;
  info.pid = space->pid;
  info.state.tag = MF_PROCESS_STATE_ALIVE;
  info.name = strdup(space->name);
  info.path = strdup(space->path);
  info.command_line = strdup(space->command_line);
  info.sys_arch = x86_64;
  info.proc_arch = x86_64;
  info.dtb1 = space->dtb;
  info.dtb2 = MF_ADDRESS_INVALID;
  return info;
}

static const Space *process_find_address(const DummyOs *os, uint64_t address) {
  for (size_t index = 0; index < os->process_count; index++)
    if (os->processes[index].base == address) return &os->processes[index];
  return NULL;
}

static const Space *process_find_pid(const DummyOs *os, uint32_t pid) {
  for (size_t index = 0; index < os->process_count; index++)
    if (os->processes[index].pid == pid) return &os->processes[index];
  return NULL;
}

/* Every process is alive, so by name is the first exact match. */
static const Space *process_find_name(const DummyOs *os, mf_slice_ref name) {
  for (size_t index = 0; index < os->process_count; index++) {
    const char *own = os->processes[index].name;
    if (strlen(own) == name.len && memcmp(own, name.data, name.len) == 0) return &os->processes[index];
  }
  return NULL;
}

static void process_drop(void *instance) {
  DummyProcess *process = instance;
  mf_process_info_free(&process->info);
  if (process->owning) os_free(process->view.os);
  free(process);
}

static DummyProcess *process_new(DummyOs *os, const Space *space, bool owning) {
  DummyProcess *process = calloc(1, sizeof *process);
  if (!process) return NULL;
  View view = { os, space, space->dtb };
  process->view = view;
  process->owning = owning;
  process->info = space_process_info(space);
  return process;
}

/* A deep copy of the OS: its connector cloned through the connector's own clone, the layout copied. */
static DummyOs *os_copy(const DummyOs *source) {
  DummyOs *copy = malloc(sizeof *copy);
  Space *processes = malloc(source->process_count ? source->process_count * sizeof *processes : 1);
  mf_container connector = source->connector.vtbl_clone->clone(&source->connector.container);
  if (!copy || !processes || !connector.instance.instance) {
    free(copy);
    free(processes);
    mf_container_drop(connector);
    return NULL;
  }
  memcpy(copy, source, sizeof *copy);
  memcpy(processes, source->processes, source->process_count * sizeof *processes);
  copy->processes = processes;
  copy->connector.container = connector;
  copy->view.os = copy;
  copy->view.space = &copy->kernel;
  return copy;
}
