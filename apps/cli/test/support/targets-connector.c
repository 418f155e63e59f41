/*
 * A connector with a target list and no help text, for `memflow-ts targets` and `help`:
 * 4 KiB of zeroed memory, targets "vm-alpha" and "vm-beta".
 */
#include "memflow-plugin.h"

static void *targets_create(const mf_connector_args *args, int32_t *error) {
  (void)args;
  *error = 0;
  return calloc(1, 4096);
}

static void targets_drop(void *state) { free(state); }

static int64_t targets_read(void *state, uint64_t address, uint8_t *buffer, uint64_t length) {
  if (address >= 4096) return 0;
  uint64_t count = 4096 - address < length ? 4096 - address : length;
  memcpy(buffer, (uint8_t *)state + address, (size_t)count);
  return (int64_t)count;
}

static mf_metadata targets_metadata(void *state) {
  (void)state;
  mf_metadata metadata = { 4095, 4096, true, UINT32_MAX };
  return metadata;
}

static int32_t targets_list(void (*emit)(void *context, const char *name), void *context) {
  emit(context, "vm-alpha");
  emit(context, "vm-beta");
  return 0;
}

static const mf_connector_ops targets_ops = {
  .create = targets_create,
  .drop = targets_drop,
  .read = targets_read,
  .metadata = targets_metadata,
  .target_list = targets_list, /* no write, clone or help */
};

MEMFLOW_CONNECTOR(TARGETS, "targets", "1.0.0", "a connector that lists targets", targets_ops);
