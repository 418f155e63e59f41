/*
 * dummy OS: virtual memory (MemoryView) of a View, as memflow's VirtualDma works (memflow-os.md
 * §6): each request is translated first, a page at a time with the MMU walk, and what does not
 * translate goes to out_fail at once; then ONE physical transfer of the connector carries every
 * translated piece, forwarding out/out_fail. Pieces end at the end of the page that maps them
 * (4 KiB, 2 MiB or 1 GiB), each reported with meta_addr plus its offset in the request. Part of
 * dummy-os.c.
 */

/* A translated piece: where it is physically, and which part of a request it is. */
typedef struct {
  mf_physical_address physical;
  uint64_t meta;
  uint8_t *bytes;
  uint64_t length;
} Piece;

typedef struct {
  Piece *items;
  size_t count, capacity;
  size_t next; /* the physical phase's position */
} Pieces;

static bool pieces_push(Pieces *pieces, Piece piece) {
  if (pieces->count == pieces->capacity) {
    size_t capacity = pieces->capacity ? pieces->capacity * 2 : 16;
    Piece *grown = realloc(pieces->items, capacity * sizeof *grown);
    if (!grown) return false;
    pieces->items = grown;
    pieces->capacity = capacity;
  }
  pieces->items[pieces->count++] = piece;
  return true;
}

/* The physical phase's input: each piece as a physical request (a write's is laid out alike). */
static int32_t pieces_next(void *iter, void *out) {
  Pieces *pieces = iter;
  if (pieces->next == pieces->count) return 1;
  const Piece *piece = &pieces->items[pieces->next++];
  mf_physical_read_data request = { piece->physical, piece->meta, { piece->bytes, (size_t)piece->length } };
  memcpy(out, &request, sizeof request);
  return 0;
}

/* Reports a part of a request that did not translate; false asks to stop. */
static bool report_untranslated(bool write, void *out_fail, uint64_t meta, uint8_t *bytes, uint64_t length) {
  if (!out_fail) return true;
  if (write) {
    mf_write_callback *callback = out_fail;
    mf_write_data data = { meta, { bytes, (size_t)length } };
    return callback->func(callback->context, data);
  }
  mf_read_callback *callback = out_fail;
  mf_read_data data = { meta, { bytes, (size_t)length } };
  return callback->func(callback->context, data);
}

/* read_raw_iter / write_raw_iter. `inp` yields mf_read_data_raw (or the write form, laid out alike). */
static int32_t view_transfer(View *view, bool write, mf_iterator inp, void *out, void *out_fail) {
  mf_connector_instance *connector = &view->os->connector;
  Pieces pieces = { NULL, 0, 0, 0 };
  Leaf leaf = { 0, 0, 0, 0 }; /* the last page found: consecutive pieces in it need no walk */
  mf_read_data_raw item;
  int32_t result = 0;
  bool stopped = false;
  while (!stopped && inp.func(inp.iter, &item) == 0) {
    uint64_t offset = 0, length = item.data.len;
    while (offset < length && !stopped) {
      uint64_t address = item.addr + offset;
      bool cached = leaf.size && address - leaf.virtual_base < leaf.size;
      if (cached || translate_address(connector, view->dtb, address, &leaf)) {
        uint64_t left = leaf.virtual_base + leaf.size - address;
        uint64_t size = left < length - offset ? left : length - offset;
        Piece piece = { leaf_physical(&leaf, address), item.meta_addr + offset, item.data.data + offset, size };
        if (!pieces_push(&pieces, piece)) {
          result = MF_ERROR(MF_ORIGIN_VIRTUAL_MEMORY, MF_KIND_UNKNOWN);
          stopped = true;
        }
        offset += size;
        continue;
      }
      leaf.size = 0;
      uint64_t failed = offset; /* the untranslatable stretch runs to the next page that translates */
      do {
        uint64_t to_page = KIB4 - ((item.addr + offset) & (KIB4 - 1));
        offset += to_page < length - offset ? to_page : length - offset;
      } while (offset < length && !translate_address(connector, view->dtb, item.addr + offset, &leaf));
      stopped = !report_untranslated(write, out_fail, item.meta_addr + failed, item.data.data + failed, offset - failed);
    }
  }
  if (!stopped && pieces.count > 0) {
    mf_iterator requests = { &pieces, pieces_next };
    const mf_physical_memory_vtbl *vtbl = connector->vtbl_physicalmemory;
    if (write) {
      mf_write_ops ops = { requests, out, out_fail };
      result = vtbl->phys_write_raw_iter(&connector->container, ops);
    } else {
      mf_read_ops ops = { requests, out, out_fail };
      result = vtbl->phys_read_raw_iter(&connector->container, ops);
    }
  }
  free(pieces.items);
  return result;
}

/* The vtable's raw entries, one direction each. */
#define VIEW_RAW_ENTRY(entry, Ops, write) \
  static int32_t entry(mf_container *cont, Ops ops) { return view_transfer(view_of(cont), write, ops.inp, ops.out, ops.out_fail); }
VIEW_RAW_ENTRY(view_read_raw_iter, mf_read_raw_ops, false)
VIEW_RAW_ENTRY(view_write_raw_iter, mf_write_raw_ops, true)

static mf_memory_view_metadata view_metadata(const mf_container *cont) {
  mf_physical_memory_metadata physical = physical_metadata(&view_of(cont)->os->connector);
  mf_memory_view_metadata metadata = { physical.max_address, physical.real_size, physical.readonly, true, 64 };
  return metadata;
}

/* ---- the item forms: a request whose meta_addr is its address (mf_read_data / mf_write_data) ---- */

_Static_assert(sizeof(mf_read_data) == sizeof(mf_write_data), "read and write items are laid out alike");
_Static_assert(sizeof(mf_read_data_raw) == sizeof(mf_write_data_raw), "so are their raw forms");

typedef struct {
  mf_iterator source; /* yields items, or ... */
  const mf_read_data *list; /* ... a list of them (a write list is laid out alike) */
  size_t count, next;
} ItemSource;

static int32_t items_next(void *iter, void *out) {
  ItemSource *source = iter;
  mf_read_data item;
  if (source->list) {
    if (source->next == source->count) return 1;
    item = source->list[source->next++];
  } else if (source->source.func(source->source.iter, &item) != 0) {
    return 1;
  }
  mf_read_data_raw raw = { item.meta_addr, item.meta_addr, item.data };
  memcpy(out, &raw, sizeof raw);
  return 0;
}

/* memflow's list forms zero a read's failed bytes (failed_read) and answer with a partial-result code. */
static int32_t view_list(View *view, bool write, const void *list, size_t count) {
  ItemSource source = { { NULL, NULL }, list, count, 0 };
  mf_iterator inp = { &source, items_next };
  bool failed = false;
  mf_read_callback read_fail = { &failed, failed_read };
  mf_write_callback write_fail = { &failed, failed_write };
  int32_t result = view_transfer(view, write, inp, NULL, write ? (void *)&write_fail : (void *)&read_fail);
  if (result != 0 || !failed) return result;
  return write ? MF_PARTIAL_VIRTUAL_WRITE : MF_PARTIAL_VIRTUAL_READ;
}

static int32_t view_read_iter(mf_container *cont, mf_iterator inp, mf_read_callback *out, mf_read_callback *out_fail) {
  ItemSource source = { inp, NULL, 0, 0 };
  mf_iterator items = { &source, items_next };
  return view_transfer(view_of(cont), false, items, out, out_fail);
}

static int32_t view_write_iter(mf_container *cont, mf_iterator inp, mf_write_callback *out,
                               mf_write_callback *out_fail) {
  ItemSource source = { inp, NULL, 0, 0 };
  mf_iterator items = { &source, items_next };
  return view_transfer(view_of(cont), true, items, out, out_fail);
}

static int32_t view_read_raw_list(mf_container *cont, mf_read_data_slice data) {
  return view_list(view_of(cont), false, data.data, data.len);
}

static int32_t view_write_raw_list(mf_container *cont, mf_write_data_slice data) {
  return view_list(view_of(cont), true, data.data, data.len);
}

static int32_t view_read_raw_into(mf_container *cont, uint64_t address, mf_slice_mut out) {
  mf_read_data item = { address, out };
  return view_list(view_of(cont), false, &item, 1);
}

static int32_t view_write_raw(mf_container *cont, uint64_t address, mf_slice_ref data) {
  mf_write_data item = { address, data };
  return view_list(view_of(cont), true, &item, 1);
}

static const mf_memory_view_vtbl view_vtbl = {
  view_read_raw_iter, view_write_raw_iter, view_metadata,       view_read_iter, view_read_raw_list,
  view_read_raw_into, view_write_iter,     view_write_raw_list, view_write_raw,
};
