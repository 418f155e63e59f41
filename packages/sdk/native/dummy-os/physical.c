/*
 * dummy OS: single physical reads and writes through the connector's PhysicalMemory vtable, for
 * building the page tables and walking them (the walk reads every table entry from physical
 * memory, as the MMU does). Part of dummy-os.c.
 */

/* One request, handed out once by the connector's input iterator. */
typedef struct {
  mf_physical_read_data request; /* a write's request is laid out alike (the header asserts it) */
  bool taken;
} OneRequest;

static int32_t one_request_next(void *iter, void *out) {
  OneRequest *one = iter;
  if (one->taken) return 1;
  one->taken = true;
  memcpy(out, &one->request, sizeof one->request);
  return 0;
}

/* out_fail receivers that set the bool at `context`; a read's failed bytes are zeroed, as memflow's list reads do. */
static bool failed_read(void *context, mf_read_data data) {
  memset(data.data.data, 0, data.data.len);
  return *(bool *)context = true;
}

static bool failed_write(void *context, mf_write_data data) {
  (void)data;
  return *(bool *)context = true;
}

/* Moves `length` bytes between `buffer` and physical `address`; true when every byte moved. */
static bool physical_transfer(mf_connector_instance *connector, uint64_t address, void *buffer, uint64_t length,
                              bool write) {
  mf_physical_address at = { address, MF_PAGE_TYPE_UNKNOWN, 0 };
  OneRequest one = { { at, address, { buffer, (size_t)length } }, false };
  bool failed = false;
  mf_iterator inp = { &one, one_request_next };
  const mf_physical_memory_vtbl *vtbl = connector->vtbl_physicalmemory;
  int32_t result;
  if (write) {
    mf_write_callback on_fail = { &failed, failed_write };
    mf_write_ops ops = { inp, NULL, &on_fail };
    result = vtbl->phys_write_raw_iter(&connector->container, ops);
  } else {
    mf_read_callback on_fail = { &failed, failed_read };
    mf_read_ops ops = { inp, NULL, &on_fail };
    result = vtbl->phys_read_raw_iter(&connector->container, ops);
  }
  return result == 0 && !failed;
}

static bool physical_read(mf_connector_instance *connector, uint64_t address, void *buffer, uint64_t length) {
  return physical_transfer(connector, address, buffer, length, false);
}

static bool physical_write(mf_connector_instance *connector, uint64_t address, const void *buffer, uint64_t length) {
  return physical_transfer(connector, address, (void *)buffer, length, true);
}

static mf_physical_memory_metadata physical_metadata(const mf_connector_instance *connector) {
  return connector->vtbl_physicalmemory->metadata(&connector->container);
}
