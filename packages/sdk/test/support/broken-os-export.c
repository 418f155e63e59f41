/* A dummy OS whose kernel modules list one export past their end: the harness's `exports` check must fail. */
#define BROKEN_OS_EXPORT MEMFLOW_OS_BROKENEXPORT
#define BROKEN_OS_NAME "brokenexport"
#include "broken-os.h"

static int32_t exports_and_one_outside(mf_container *cont, const mf_module_info *info, mf_export_callback callback) {
  int32_t error = image_exports(cont, info, callback);
  if (error != 0) return error;
  mf_export_info outside = { strdup("beyond_the_end"), info->size };
  callback.func(callback.context, outside);
  return 0;
}

static void broken_patch(mf_os_vtbl *vtbl) { vtbl->module_export_list_callback = exports_and_one_outside; }
