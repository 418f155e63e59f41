/* A dummy OS whose process_info_by_name never returns: the harness must kill it and name the check. */
#define BROKEN_OS_EXPORT MEMFLOW_OS_BROKENHANG
#define BROKEN_OS_NAME "brokenhang"
#include "broken-os.h"
#include <unistd.h>

static int32_t hanging_by_name(mf_container *cont, mf_slice_ref name, mf_process_info *ok_out) {
  (void)cont;
  (void)name;
  (void)ok_out;
  for (;;) pause();
}

static void broken_patch(mf_os_vtbl *vtbl) { vtbl->process_info_by_name = hanging_by_name; }
