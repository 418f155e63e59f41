/*
 * An OS plugin that crashes in process_info_list (and in process_by_pid), for crash reports of
 * the commands that look inside an OS: `-c <connector> -o crashyos` then `ps` or `modules 1`.
 * Only the entries those commands call are filled in; the host calls no other. It owns its
 * input connector, as every OS plugin does, and drops it with itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "memflow-abi.h"

static void crash(void) { *(volatile int *)(uintptr_t)0 = 1; }

static int32_t crashing_list(mf_container *cont, mf_process_info_callback callback) {
  (void)cont, (void)callback;
  crash();
  return 0;
}

static int32_t crashing_by_pid(mf_container *cont, uint32_t pid, mf_process_instance *out) {
  (void)cont, (void)pid, (void)out;
  crash();
  return 0;
}

static const mf_os_vtbl os_vtbl = {
  .process_info_list_callback = crashing_list,
  .process_by_pid = crashing_by_pid,
};

static void carc_drop(mf_carc arc) {
  if (arc.instance && arc.drop_fn) arc.drop_fn(arc.instance);
}

static void connector_drop(mf_connector_instance *connector) {
  mf_container *cont = &connector->container;
  if (cont->instance.drop_fn && cont->instance.instance) cont->instance.drop_fn(cont->instance.instance);
  carc_drop(cont->context);
}

/* The OS's state is its input connector, or nothing. */
typedef struct {
  mf_option_connector_instance input;
} CrashyOs;

static void os_drop(void *instance) {
  CrashyOs *os = instance;
  if (os->input.tag == MF_OPTION_SOME) connector_drop(&os->input.value);
  free(os);
}

/* Never cloned by the host: an empty container, whose drop does nothing. */
static mf_container no_clone(const mf_container *cont) { return (void)cont, (mf_container){ 0 }; }

static const mf_clone_vtbl clone_vtbl = { no_clone };

static int32_t create(const mf_os_args *args, mf_option_connector_instance input, mf_carc lib, mf_plugin_logger *logger,
                      mf_os_instance *out) {
  (void)args, (void)logger;
  CrashyOs *os = calloc(1, sizeof *os);
  os->input = input;
  memset(out, 0, sizeof *out);
  out->vtbl_clone = &clone_vtbl;
  out->vtbl_os = &os_vtbl;
  out->container.instance.instance = os;
  out->container.instance.drop_fn = os_drop;
  out->container.context = lib;
  return 0;
}

#define TEXT(literal) { (const uint8_t *)(literal), sizeof(literal) - 1 }

MF_EXPORT const mf_plugin_descriptor MEMFLOW_OS_CRASHYOS = {
  MF_PLUGIN_VERSION, true, NULL, NULL, TEXT("crashyos"), TEXT("0.1.0"), TEXT("an OS plugin that crashes"), NULL, NULL,
  { .os = create },
};
