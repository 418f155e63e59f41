/* A dummy OS whose process_info_list dereferences null: the harness must contain the crash in its child. */
#define BROKEN_OS_EXPORT MEMFLOW_OS_BROKENCRASH
#define BROKEN_OS_NAME "brokencrash"
#include "broken-os.h"

static int32_t crashing_list(mf_container *cont, mf_process_info_callback callback) {
  (void)cont;
  (void)callback;
  *(volatile int *)(uintptr_t)0 = 1;
  return 0;
}

static void broken_patch(mf_os_vtbl *vtbl) { vtbl->process_info_list_callback = crashing_list; }
