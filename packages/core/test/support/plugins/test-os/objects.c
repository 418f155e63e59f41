/*
 * testos: the objects the plugin hands out (the OS, processes, keyboards), their lifetimes, and
 * the counters test-os.md lists, which let a host check its own hygiene. Part of test-os.c.
 */

/* ---- counters (exported; test-os.md "Counters") ---- */

static int live_os, live_processes, live_owning_processes, live_keyboards, live_keyboard_states;
static int strings_out, infos_in, borrow_violations;

MF_EXPORT int testos_live(void) { return live_os; }
MF_EXPORT int testos_live_processes(void) { return live_processes; }
MF_EXPORT int testos_live_owning_processes(void) { return live_owning_processes; }
MF_EXPORT int testos_live_keyboards(void) { return live_keyboards; }
MF_EXPORT int testos_live_keyboard_states(void) { return live_keyboard_states; }
MF_EXPORT int testos_strings_out(void) { return strings_out; }
MF_EXPORT int testos_infos_in(void) { return infos_in; }
MF_EXPORT int testos_borrow_violations(void) { return borrow_violations; }
MF_EXPORT void testos_reset_counters(void) { strings_out = infos_in = borrow_violations = 0; }

/* A string the host receives and must free(): malloc'd, and counted. */
static char *handed_string(const char *text) {
  strings_out++;
  return strdup(text);
}

/* ---- the library reference (CArc) every container carries ---- */

static mf_carc carc_clone(mf_carc arc) {
  if (arc.instance && arc.clone_fn) arc.instance = arc.clone_fn(arc.instance);
  return arc;
}

static void carc_drop(mf_carc arc) {
  if (arc.instance && arc.drop_fn) arc.drop_fn(arc.instance);
}

/*
 * Clone: the host never clones an OS, a process or a keyboard (test-os.md "Clone"), so every
 * clone entry returns an empty container: a NULL instance and no library reference, whose drop
 * does nothing.
 */
static mf_container empty_clone(const mf_container *cont) {
  (void)cont;
  mf_container none;
  memset(&none, 0, sizeof none);
  return none;
}

static const mf_clone_vtbl clone_vtbl = { empty_clone };

/* ---- objects ---- */

typedef struct TestOs TestOs;

/*
 * An address space: the OS's (the kernel's) or a process's. Memory goes through its OS's
 * connector. It is the first member of TestOs and TestProcess, so the MemoryView and
 * VirtualTranslate vtables serve both from the container's instance.
 */
typedef struct {
  TestOs *os;
  bool kernel;            /* the OS's own: its entries are OS entries, checked for borrows */
  uint64_t process_index; /* else its process's row in the process list */
  Table table;
  uint8_t arch_bits;
  void *scratch; /* the translated pieces of one read or write, reused */
  size_t scratch_bytes;
} AddressSpace;

struct TestOs {
  AddressSpace space;
  mf_connector_instance connector;
  mf_os_info info;
  uint64_t generated; /* processes=<n> */
  int borrowers;      /* borrowed processes and keyboards alive */
  bool dropped;       /* dropped while borrowed: freed when its last borrower goes */
  bool keys[256];
};

/* The scratch area, grown to at least `bytes` with its contents kept. */
static void *scratch_reserve(AddressSpace *space, size_t bytes) {
  if (bytes > space->scratch_bytes) {
    size_t grown = space->scratch_bytes ? space->scratch_bytes : 4096;
    while (grown < bytes) grown *= 2;
    space->scratch = realloc(space->scratch, grown);
    space->scratch_bytes = grown;
  }
  return space->scratch;
}

/*
 * Every OS entry starts here: while a borrowed process or keyboard lives, Rust would not let
 * anything touch the OS (the borrower holds `&mut os`), so a call now is a host bug, counted.
 */
static TestOs *os_entry(const mf_container *cont) {
  TestOs *os = cont->instance.instance;
  if (os->borrowers > 0) borrow_violations++;
  return os;
}

static void connector_drop(mf_connector_instance *connector) {
  mf_container *cont = &connector->container;
  if (cont->instance.drop_fn && cont->instance.instance) cont->instance.drop_fn(cont->instance.instance);
  carc_drop(cont->context);
}

static void os_free(TestOs *os) {
  free(os->space.scratch);
  free(os);
}

/*
 * Drops the OS and its connector. Dropped while borrowed (a counted host bug), its memory stays
 * until the last borrower is dropped, so dropping those stays safe; their memory calls fail.
 */
static void os_drop(void *instance) {
  TestOs *os = instance;
  if (os->borrowers > 0) borrow_violations++;
  connector_drop(&os->connector);
  os->dropped = true;
  live_os--;
  if (os->borrowers == 0) os_free(os);
}

static TestOs *os_borrow(TestOs *os) {
  os->borrowers++;
  return os;
}

static void os_unborrow(TestOs *os) {
  if (--os->borrowers == 0 && os->dropped) os_free(os);
}

/* A consuming entry (into_*) that failed drops the OS it was given, and its library reference. */
static int32_t os_consumed_on_failure(mf_container cont, int32_t error) {
  os_drop(cont.instance.instance);
  carc_drop(cont.context);
  return error;
}
