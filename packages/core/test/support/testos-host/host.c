/*
 * testos-host: a C host that checks the testos plugin (plugins/test-os.c) against its contract,
 * plugins/test-os.md, with no TypeScript in between. It dlopens the full and the minimal build
 * and the testmem connector, calls every vtable entry directly as a memflow host does, and checks
 * the values, who owns what, and the plugin's counters: every string the plugin handed out was
 * freed here, every object it made was dropped, every library reference it cloned was dropped.
 *
 *   gcc -Wall -Wextra -Werror -pthread -I../../../native -o testos-host host.c -ldl
 *   ./testos-host libmemflow_testos.so libmemflow_testosmin.so libmemflow_testmem.so
 *
 * Prints one line per failed check and `<n> passed, <m> failed`; exits 1 when any failed.
 * test/testos-contract.test.ts builds and runs it, also under AddressSanitizer and UBSan. The
 * checks are split by concept into the files included below (one translation unit).
 */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "memflow-abi.h"
#include "../testmem-host.h"

#include "harness.c"
#include "collect.c"
#include "os-checks.c"
#include "process-checks.c"
#include "memory-checks.c"
#include "translate-checks.c"
#include "ownership-checks.c"

/* Nothing the plugins made is left, and the host freed every string handed to it. */
static void check_nothing_left(void) {
  CHECK_EQ(full.live(), 0);
  CHECK_EQ(full.live_processes(), 0);
  CHECK_EQ(full.live_owning_processes(), 0);
  CHECK_EQ(full.live_keyboards(), 0);
  CHECK_EQ(full.live_keyboard_states(), 0);
  CHECK_EQ(full.strings_out(), strings_freed);
  CHECK(full.strings_out() > 0);
  CHECK_EQ(minimal.live(), 0);
  CHECK_EQ(testmem_live(), 0);
  CHECK_EQ(lib_refs, 0);
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: testos-host <testos.so> <testosmin.so> <testmem.so>\n");
    return 2;
  }
  load_plugin(&full, argv[1], "MEMFLOW_OS_TESTOS");
  load_plugin(&minimal, argv[2], "MEMFLOW_OS_TESTOSMIN");
  void *connector = open_library(argv[3]);
  testmem = symbol(connector, "MEMFLOW_CONNECTOR_TESTMEM");
  LOAD(connector, "testmem_live_instances", testmem_live);

  check_creation();
  check_processes();
  check_kernel_modules();
  check_process_entries();
  check_memory_view();
  check_virtual_translate();
  check_process_by_info();
  check_owning_processes();
  check_borrow_violations();
  /* From here on strings_out counts from zero, as does strings_freed. */
  check_process_entries();
  check_keyboard();
  check_minimal_build();
  check_log_thread();
  check_processes();
  check_nothing_left();

  printf("%d passed, %d failed\n", passed, failed);
  fflush(stdout); /* before LeakSanitizer, which may end the process at exit */
  return failed == 0 ? 0 : 1;
}
