/*
 * A connector whose memory has a hole, for partial reads: 0x3000 bytes where 0x1000-0x1fff
 * cannot be read. Each byte holds the low byte of its address. Like any connector built on the
 * SDK's header, a read reports the bytes it transferred from the start of the range, so a read
 * across the hole reports everything from the hole on as failed, readable or not.
 */
#include "memflow-plugin.h"

#define SIZE 0x3000u
#define HOLE_START 0x1000u
#define HOLE_END 0x2000u

static void *holey_create(const mf_connector_args *args, int32_t *error) {
  (void)args;
  *error = 0;
  uint8_t *memory = malloc(SIZE);
  if (memory)
    for (uint32_t address = 0; address < SIZE; address++) memory[address] = (uint8_t)address;
  return memory;
}

static void holey_drop(void *state) { free(state); }

static int64_t holey_read(void *state, uint64_t address, uint8_t *buffer, uint64_t length) {
  uint64_t count = 0;
  while (count < length && address + count < SIZE &&
         (address + count < HOLE_START || address + count >= HOLE_END)) {
    buffer[count] = ((uint8_t *)state)[address + count];
    count++;
  }
  return (int64_t)count;
}

/* Read-only, and one batch is as good as any other. */
static mf_metadata holey_metadata(void *state) {
  (void)state;
  return (mf_metadata){ SIZE - 1, SIZE, true, UINT32_MAX };
}

static const mf_connector_ops holey_ops = { .create = holey_create, .drop = holey_drop, .read = holey_read, .metadata = holey_metadata };

MEMFLOW_CONNECTOR(HOLEY, "holey", "1.0.0", "a connector whose memory has a hole", holey_ops);
