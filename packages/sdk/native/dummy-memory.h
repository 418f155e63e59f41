/*
 * dummy-memory.h: the memory of the dummy connector, zeroed memory of `size` bytes with memflow's
 * semantics (memflow's dummy/mem.rs): `size` in memflow's syntax (hex digits and a lower-case
 * unit, default "2m"), rounded up to whole 4 KiB pages; metadata max_address = size - 1; reads
 * and writes outside the memory are reported as failed parts; clones are deep copies.
 *
 * Shared by the dummy connector (dummy.c) and the dummy OS (dummy-os.c), which uses it as its
 * physical memory when it is given no connector. It defines no descriptor: each plugin file
 * exports its own.
 */
#ifndef DUMMY_MEMORY_H
#define DUMMY_MEMORY_H

#include "memflow-plugin.h"

#define DUMMY_PAGE_SIZE 4096ull

typedef struct {
  uint8_t *bytes;
  uint64_t size;
} dummy;

static const char *const dummy_known_arguments[] = { "size", NULL };

/* Zeroed memory of `size` bytes rounded up to whole pages, or NULL with *error set. */
static dummy *dummy_allocate(uint64_t size, int32_t *error) {
  uint64_t pages = (size + DUMMY_PAGE_SIZE - 1) / DUMMY_PAGE_SIZE;
  if (pages == 0 || pages > (SIZE_MAX / DUMMY_PAGE_SIZE)) {
    *error = MF_ERROR(MF_ORIGIN_CONNECTOR, MF_KIND_INVALID_MEMORY_SIZE);
    return NULL;
  }
  dummy *memory = malloc(sizeof *memory);
  if (!memory) return NULL;
  memory->size = pages * DUMMY_PAGE_SIZE;
  memory->bytes = calloc(1, (size_t)memory->size);
  if (!memory->bytes) {
    free(memory);
    *error = MF_ERROR(MF_ORIGIN_CONNECTOR, MF_KIND_INVALID_MEMORY_SIZE);
    return NULL;
  }
  return memory;
}

static void *dummy_create(const mf_connector_args *args, int32_t *error) {
  if ((*error = mf_args_check_known(args, dummy_known_arguments)) != 0) return NULL;
  const char *text = mf_args_get(args, "size");
  uint64_t size = 0;
  if ((*error = mf_parse_size(text ? text : "2m", &size)) != 0) return NULL;
  return dummy_allocate(size, error);
}

static void dummy_drop(void *state) {
  dummy *memory = state;
  free(memory->bytes);
  free(memory);
}

static int64_t dummy_read(void *state, uint64_t address, uint8_t *buffer, uint64_t length) {
  const dummy *memory = state;
  return mf_memory_read(memory->bytes, memory->size, address, buffer, length);
}

static int64_t dummy_write(void *state, uint64_t address, const uint8_t *buffer, uint64_t length) {
  dummy *memory = state;
  return mf_memory_write(memory->bytes, memory->size, address, buffer, length);
}

static mf_metadata dummy_metadata(void *state) {
  const dummy *memory = state;
  mf_metadata metadata = { memory->size - 1, memory->size, false, UINT32_MAX };
  return metadata;
}

/* memflow's DummyMemory clones its buffer: clones do not share memory. */
static void *dummy_clone(void *state) {
  const dummy *source = state;
  dummy *copy = malloc(sizeof *copy);
  if (!copy) return NULL;
  copy->size = source->size;
  copy->bytes = malloc((size_t)source->size);
  if (!copy->bytes) {
    free(copy);
    return NULL;
  }
  memcpy(copy->bytes, source->bytes, (size_t)source->size);
  return copy;
}

static const char *dummy_help(void) {
  return "dummy: zeroed memory for testing\n"
         "size: size of the memory, hex digits with a unit (kb, k, mb, m, gb, g), default 2m";
}

static const mf_connector_ops dummy_ops = {
  .create = dummy_create,
  .drop = dummy_drop,
  .read = dummy_read,
  .write = dummy_write,
  .metadata = dummy_metadata,
  .clone = dummy_clone,
  .help = dummy_help,
  .target_list = NULL,
};

#endif /* DUMMY_MEMORY_H */
