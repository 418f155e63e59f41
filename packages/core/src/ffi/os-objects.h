/*
 * Part of os-calls.h (included once, there): the calls whose result is written to `out` as the
 * plugin gives it: processes and keyboards opened (borrowed, or owning the OS they consume), the
 * OS's info, a process's state, one translation, the keyboard, a view's metadata.
 */
#ifndef MEMFLOW_TS_OS_OBJECTS_H
#define MEMFLOW_TS_OS_OBJECTS_H

/* A copy from the C library's malloc, as memflow's host makes a ReprCString (the plugin frees it). */
static char *malloc_copy(const char *text) {
  size_t length = text ? strlen(text) : 0;
  char *copy = plugin_malloc(length + 1);
  if (!copy) return NULL;
  if (length) memcpy(copy, text, length);
  copy[length] = 0;
  return copy;
}

/* process_by_info takes the info by value and frees its strings (memflow-os.md §8): they must be
   malloc'd, whatever memory the host keeps its own copy in. */
static mf_process_info moved_info(const void *items) {
  mf_process_info info = *(const mf_process_info *)items;
  info.name = malloc_copy(info.name);
  info.path = malloc_copy(info.path);
  info.command_line = malloc_copy(info.command_line);
  return info;
}

/* The host's container, moved into a consuming entry: the host forgets it, whether the entry
   succeeds (its object moves into the result) or fails (the plugin drops it), §8. */
static mf_container take(mf_container *cont) {
  mf_container moved = *cont;
  memset(cont, 0, sizeof *cont);
  return moved;
}

/* The virtual-key codes a snapshot is asked about: 0 to 255, as win32's VK_*. */
#define KEYBOARD_KEYS 256

/* Asks a keyboard for a snapshot, each key of it once, and drops the snapshot. */
static int32_t keyboard_snapshot(int32_t (*state)(mf_container *, mf_keyboard_state *), mf_container *cont,
                                 uint8_t *keys) {
  mf_keyboard_state snapshot;
  int32_t result = state(cont, &snapshot);
  if (result != 0) return result;
  for (int32_t key = 0; key < KEYBOARD_KEYS; key++) keys[key] = snapshot.vtbl->is_down(&snapshot.container, key);
  drop_container(&snapshot.container);
  return 0;
}

static int32_t make(uint32_t shape, entry_fn fn, mf_container *cont, const Arguments *in, void *out) {
  const uint64_t *n = in->number;
  mf_slice_ref name = name_of(in);
  switch (shape) {
  case CALL_PRIMARY_MODULE_ADDRESS: return AS(mf_process_vtbl, primary_module_address)(cont, out);
  case CALL_OS_INFO: {
    const mf_os_info *info = AS(mf_os_vtbl, info)(cont);
    if (!info) return CALL_REFUSED;
    memcpy(out, info, sizeof *info);
    return 0;
  }
  case CALL_PROCESS_STATE: *(mf_process_state *)out = AS(mf_process_vtbl, state)(cont); return 0;
  case CALL_SET_DTB: return AS(mf_process_vtbl, set_dtb)(cont, n[0], n[1]);
  case CALL_VIRT_TO_PHYS: return AS(mf_virtual_translate_vtbl, virt_to_phys)(cont, n[0], out);
  case CALL_VIRT_PAGE_INFO: return AS(mf_virtual_translate_vtbl, virt_page_info)(cont, n[0], out);
  case CALL_PHYS_TO_VIRT: *(mf_option_address *)out = AS(mf_virtual_translate_vtbl, phys_to_virt)(cont, n[0]); return 0;
  case CALL_PROCESS_BY_ADDRESS: return AS(mf_os_vtbl, process_by_address)(cont, n[0], out);
  case CALL_PROCESS_BY_PID: return AS(mf_os_vtbl, process_by_pid)(cont, (uint32_t)n[0], out);
  case CALL_PROCESS_BY_NAME: return AS(mf_os_vtbl, process_by_name)(cont, name, out);
  case CALL_PROCESS_BY_INFO: return AS(mf_os_vtbl, process_by_info)(cont, moved_info(in->items), out);
  case CALL_INTO_PROCESS_BY_ADDRESS: return AS(mf_os_vtbl, into_process_by_address)(take(cont), n[0], out);
  case CALL_INTO_PROCESS_BY_PID: return AS(mf_os_vtbl, into_process_by_pid)(take(cont), (uint32_t)n[0], out);
  case CALL_INTO_PROCESS_BY_NAME: return AS(mf_os_vtbl, into_process_by_name)(take(cont), name, out);
  case CALL_INTO_PROCESS_BY_INFO:
    return AS(mf_os_vtbl, into_process_by_info)(take(cont), moved_info(in->items), out);
  case CALL_KEYBOARD: return AS(mf_os_keyboard_vtbl, keyboard)(cont, out);
  case CALL_INTO_KEYBOARD: return AS(mf_os_keyboard_vtbl, into_keyboard)(take(cont), out);
  case CALL_KEY_IS_DOWN: *(uint8_t *)out = AS(mf_keyboard_vtbl, is_down)(cont, (int32_t)n[0]); return 0;
  case CALL_KEY_SET_DOWN: AS(mf_keyboard_vtbl, set_down)(cont, (int32_t)n[0], n[1] != 0); return 0;
  case CALL_KEYBOARD_SNAPSHOT: return keyboard_snapshot(AS(mf_keyboard_vtbl, state), cont, out);
  case CALL_VIEW_METADATA: *(mf_memory_view_metadata *)out = AS(mf_memory_view_vtbl, metadata)(cont); return 0;
  default: return CALL_REFUSED;
  }
}

#endif
