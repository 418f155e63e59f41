/*
 * broken-os.h: the SDK's dummy OS with one deliberate fault, for the OS harness's tests. A file
 * including it defines BROKEN_OS_EXPORT / BROKEN_OS_NAME and `broken_patch`, which replaces
 * entries of a copy of the dummy OS's Os vtable; the rest of the plugin is the dummy OS
 * unchanged, so each broken plugin fails the one check its fault breaks.
 *
 * Built with `-I packages/sdk/native` (see os-harness.test.ts).
 */
#define MEMFLOW_OS_DUMMY broken_os_inner_descriptor /* the dummy OS's own descriptor, renamed out of sight */
#include "dummy-os.c"

static mf_os_vtbl broken_os_vtbl;

/* Defined by each broken plugin: breaks entries of `vtbl`, a copy of the dummy OS's. */
static void broken_patch(mf_os_vtbl *vtbl);

static int32_t broken_os_create(const mf_os_args *args, mf_option_connector_instance input, mf_carc lib,
                                mf_plugin_logger *logger, mf_os_instance *out) {
  int32_t error = dummy_os_create(args, input, lib, logger, out);
  if (error != 0) return error;
  broken_os_vtbl = os_vtbl;
  broken_patch(&broken_os_vtbl);
  out->vtbl_os = &broken_os_vtbl;
  return 0;
}

MF_EXPORT const mf_plugin_descriptor BROKEN_OS_EXPORT = {
  MF_PLUGIN_VERSION, true, NULL, NULL, TEXT(BROKEN_OS_NAME), TEXT("0.0.1"),
  TEXT("the dummy OS with a deliberate fault, for the harness's tests"), NULL, NULL, { .os = broken_os_create },
};
