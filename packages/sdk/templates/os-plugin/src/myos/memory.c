/*
 * myos: virtual memory. Translation is this OS's one rule: a view's virtual range maps linearly
 * onto physical memory. A real OS walks page tables here instead (see @memflow-ts/sdk's dummy OS
 * for an x86-64 walk); the MemoryView and VirtualTranslate entries below only ask
 * view_translate. Physical bytes always come from the input connector. Part of myos.c.
 */

/* Where `address` lies physically and how many bytes from it stay contiguous; false: not mapped. */
static bool view_translate(const View *view, uint64_t address, uint64_t *physical, uint64_t *contiguous) {
  if (address < view->virt_base || address - view->virt_base >= view->size) return false;
  *physical = view->phys_base + (address - view->virt_base);
  *contiguous = view->size - (address - view->virt_base);
  return true;
}

/* Bytes from `address` (unmapped) up to the next mapped byte, at most `length`. */
static uint64_t view_unmapped(const View *view, uint64_t address, uint64_t length) {
  if (address < view->virt_base && view->virt_base - address < length) return view->virt_base - address;
  return length;
}

/* ---- the connector's PhysicalMemory: one request through its raw iterator ---- */

_Static_assert(sizeof(mf_physical_read_data) == sizeof(mf_physical_write_data), "reads and writes alike");

typedef struct {
  mf_physical_read_data request;
  bool taken;
} Single;

static int32_t single_next(void *iter, void *out) {
  Single *single = iter;
  if (single->taken) return 1; /* non-zero: the iterator is exhausted */
  single->taken = true;
  memcpy(out, &single->request, sizeof single->request);
  return 0;
}

/* The connector reports the piece to `out` / `out_fail` itself, with meta_addr = `meta`. */
static int32_t physical_call(OsObject *os, bool write, uint64_t physical, uint64_t meta, uint8_t *bytes, uint64_t length,
                             void *out, void *out_fail) {
  mf_physical_address at = { physical, MF_PAGE_TYPE_WRITEABLE, 11 /* 4 KiB: memflow stores log2 - 1 */ };
  Single single = { { at, meta, { bytes, (size_t)length } }, false };
  mf_iterator inp = { &single, single_next };
  const mf_physical_memory_vtbl *vtbl = os->connector.vtbl_physicalmemory;
  if (write) {
    mf_write_ops ops = { inp, out, out_fail };
    return vtbl->phys_write_raw_iter(&os->connector.container, ops);
  }
  mf_read_ops ops = { inp, out, out_fail };
  return vtbl->phys_read_raw_iter(&os->connector.container, ops);
}

/* ---- MemoryView (memflow-os.md §6) ---- */

_Static_assert(sizeof(mf_read_data_raw) == sizeof(mf_write_data_raw), "raw reads and writes alike");
_Static_assert(sizeof(mf_read_callback) == sizeof(mf_write_callback), "and their callbacks");

/* Reports an unmapped piece to out_fail (a read's or a write's: laid out alike); false asks to stop. */
static bool report_unmapped(void *out_fail, uint64_t meta, uint8_t *bytes, uint64_t length) {
  mf_read_callback *callback = out_fail;
  mf_read_data data = { meta, { bytes, (size_t)length } };
  return !callback || callback->func(callback->context, data);
}

/* One request: mapped pieces go to the connector, unmapped ones to out_fail. */
static int32_t view_request(View *view, bool write, mf_read_data_raw item, void *out, void *out_fail) {
  uint64_t offset = 0;
  while (offset < item.data.len) {
    uint64_t address = item.addr + offset, rest = item.data.len - offset, physical, contiguous;
    if (view_translate(view, address, &physical, &contiguous)) {
      uint64_t size = contiguous < rest ? contiguous : rest;
      int32_t error = physical_call(view->os, write, physical, item.meta_addr + offset, item.data.data + offset, size,
                                    out, out_fail);
      if (error != 0) return error;
      offset += size;
    } else {
      uint64_t size = view_unmapped(view, address, rest);
      if (!report_unmapped(out_fail, item.meta_addr + offset, item.data.data + offset, size)) return 0;
      offset += size;
    }
  }
  return 0;
}

/* read_raw_iter / write_raw_iter: `inp` yields mf_read_data_raw (or the write form). */
static int32_t view_transfer(View *view, bool write, mf_iterator inp, void *out, void *out_fail) {
  mf_read_data_raw item;
  while (inp.func(inp.iter, &item) == 0) {
    int32_t error = view_request(view, write, item, out, out_fail);
    if (error != 0) return error;
  }
  return 0;
}

static int32_t view_read_raw_iter(mf_container *cont, mf_read_raw_ops ops) {
  return view_transfer(view_of(cont), false, ops.inp, ops.out, ops.out_fail);
}

static int32_t view_write_raw_iter(mf_container *cont, mf_write_raw_ops ops) {
  return view_transfer(view_of(cont), true, ops.inp, ops.out, ops.out_fail);
}

static mf_memory_view_metadata view_metadata(const mf_container *cont) {
  const View *view = view_of(cont);
  mf_memory_view_metadata metadata = { view->virt_base + view->size - 1, view->size, false, true, 64 };
  return metadata;
}

/* memflow's list forms zero a read's failed bytes and answer MF_PARTIAL_VIRTUAL_READ / _WRITE. */
static bool mark_failed(void *context, mf_read_data data) {
  if (!((bool *)context)[1]) memset(data.data.data, 0, data.data.len); /* [1]: a write, nothing to zero */
  ((bool *)context)[0] = true;
  return true;
}

/* The item forms: `items` are mf_read_data (or mf_write_data), each meta_addr its address. */
static int32_t view_items(View *view, bool write, const mf_read_data *items, size_t count, mf_iterator inp, void *out,
                          void *out_fail) {
  bool partial[2] = { false, write };
  mf_read_callback mark = { partial, mark_failed };
  mf_read_data item;
  for (size_t index = 0; items ? index < count : inp.func(inp.iter, &item) == 0; index++) {
    if (items) item = items[index];
    mf_read_data_raw raw = { item.meta_addr, item.meta_addr, item.data };
    int32_t error = view_request(view, write, raw, out, items ? (void *)&mark : out_fail);
    if (error != 0) return error;
  }
  if (!partial[0]) return 0;
  return write ? MF_PARTIAL_VIRTUAL_WRITE : MF_PARTIAL_VIRTUAL_READ;
}

static const mf_iterator no_iterator = { NULL, NULL };

static int32_t view_read_iter(mf_container *cont, mf_iterator inp, mf_read_callback *out, mf_read_callback *out_fail) {
  return view_items(view_of(cont), false, NULL, 0, inp, out, out_fail);
}

static int32_t view_write_iter(mf_container *cont, mf_iterator inp, mf_write_callback *out,
                               mf_write_callback *out_fail) {
  return view_items(view_of(cont), true, NULL, 0, inp, out, out_fail);
}

static int32_t view_read_raw_list(mf_container *cont, mf_read_data_slice data) {
  return view_items(view_of(cont), false, data.data, data.len, no_iterator, NULL, NULL);
}

static int32_t view_write_raw_list(mf_container *cont, mf_write_data_slice data) {
  return view_items(view_of(cont), true, (const mf_read_data *)data.data, data.len, no_iterator, NULL, NULL);
}

static int32_t view_read_raw_into(mf_container *cont, uint64_t address, mf_slice_mut out) {
  mf_read_data item = { address, out };
  return view_items(view_of(cont), false, &item, 1, no_iterator, NULL, NULL);
}

static int32_t view_write_raw(mf_container *cont, uint64_t address, mf_slice_ref data) {
  mf_read_data item = { address, { (uint8_t *)data.data, data.len } };
  return view_items(view_of(cont), true, &item, 1, no_iterator, NULL, NULL);
}

static const mf_memory_view_vtbl view_vtbl = {
  .read_raw_iter = view_read_raw_iter,
  .write_raw_iter = view_write_raw_iter,
  .metadata = view_metadata,
  .read_iter = view_read_iter,
  .read_raw_list = view_read_raw_list,
  .read_raw_into = view_read_raw_into,
  .write_iter = view_write_iter,
  .write_raw_list = view_write_raw_list,
  .write_raw = view_write_raw,
};
