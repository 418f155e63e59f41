/* A connector whose read crashes (a null write): the harness must survive it. */
#include "memflow-plugin.h"

typedef struct { uint64_t size; } crashing;

static void *crashing_create(const mf_connector_args *args, int32_t *error) {
  (void)args;
  (void)error;
  crashing *state = malloc(sizeof *state);
  if (state) state->size = 0x10000;
  return state;
}

static void crashing_drop(void *state) { free(state); }

static int64_t crashing_read(void *state, uint64_t address, uint8_t *buffer, uint64_t length) {
  (void)state;
  (void)address;
  (void)buffer;
  (void)length;
  *(volatile int *)(uintptr_t)0 = 1;
  return 0;
}

static mf_metadata crashing_metadata(void *state) {
  const crashing *memory = state;
  mf_metadata metadata = { memory->size - 1, memory->size, false, 64 };
  return metadata;
}

static const mf_connector_ops crashing_ops = {
  .create = crashing_create,
  .drop = crashing_drop,
  .read = crashing_read,
  .metadata = crashing_metadata,
};

MEMFLOW_CONNECTOR(CRASHING, "crashing", "0.0.1", "a connector whose read crashes", crashing_ops);
