/*
 * A dummy OS whose process pid 1 is dead, yet found by name: by-name must skip dead processes
 * (memflow's rule), so the harness's `process-by-name` check must fail. Every other lookup
 * reports pid 1 as dead consistently.
 */
#define BROKEN_OS_EXPORT MEMFLOW_OS_BROKENBYNAME
#define BROKEN_OS_NAME "brokenbyname"
#include "broken-os.h"

static const mf_process_state dead = { MF_PROCESS_STATE_DEAD, 1 };

static mf_process_info with_pid_1_dead(mf_process_info info) {
  if (info.pid == 1) info.state = dead;
  return info;
}

typedef struct { mf_process_info_callback inner; } ListContext;

static bool list_one(void *context, mf_process_info info) {
  ListContext *list = context;
  return list->inner.func(list->inner.context, with_pid_1_dead(info));
}

static int32_t list_with_dead(mf_container *cont, mf_process_info_callback callback) {
  ListContext context = { callback };
  mf_process_info_callback wrapped = { &context, list_one };
  return os_process_infos(cont, wrapped);
}

#define DEAD_LOOKUP(entry, key_type)                                                  \
  static int32_t entry##_with_dead(mf_container *cont, key_type key, mf_process_info *ok_out) { \
    int32_t error = entry(cont, key, ok_out);                                         \
    if (error == 0) *ok_out = with_pid_1_dead(*ok_out);                               \
    return error;                                                                     \
  }
DEAD_LOOKUP(os_info_by_address, uint64_t)
DEAD_LOOKUP(os_info_by_pid, uint32_t)
/* The fault: the dummy OS's by-name ignores the state, so it returns pid 1 although it is dead. */
DEAD_LOOKUP(os_info_by_name, mf_slice_ref)

static void broken_patch(mf_os_vtbl *vtbl) {
  vtbl->process_info_list_callback = list_with_dead;
  vtbl->process_info_by_address = os_info_by_address_with_dead;
  vtbl->process_info_by_pid = os_info_by_pid_with_dead;
  vtbl->process_info_by_name = os_info_by_name_with_dead;
}
