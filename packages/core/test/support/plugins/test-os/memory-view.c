/*
 * testos: virtual memory (MemoryView) of an address space, the kernel's or a process's, as
 * memflow's VirtualDma does it (memflow-os.md §6): every item translated first, untranslatable
 * pieces reported to out_fail at once, then ONE physical read or write of the connector for all
 * translated pieces, split at 4 KiB pages, each reported with meta_addr + its offset in the item.
 * The list forms on top are memflow's defaults, with its partial-result codes. Part of test-os.c.
 *
 * Reads and writes share one body: their items, requests and reports are laid out alike (the
 * header asserts it), so the body moves them as bytes (memcpy, unions) and only the calls of
 * typed callbacks and connector entries are per direction.
 */

#define OS_GONE MF_ERROR(MF_ORIGIN_OS_LAYER, MF_KIND_UNINITIALIZED)

typedef enum { READ, WRITE } Direction;

_Static_assert(sizeof(mf_read_data_raw) == sizeof(mf_write_data_raw), "raw items are laid out alike");
_Static_assert(sizeof(mf_read_data) == sizeof(mf_write_data), "items are laid out alike");
_Static_assert(sizeof(mf_physical_read_data) == sizeof(mf_physical_write_data), "requests are laid out alike");

/* A raw item of either direction (a write's buffer is only read, through the read member's pointer). */
typedef union {
  mf_read_data_raw read;
  mf_write_data_raw write;
} RawItem;

/* A translated piece of an item, waiting for the physical transfer. */
typedef struct { uint64_t pa; uint64_t meta; uint8_t *data; uint64_t size; } Piece;

/* Phase 1 of a transfer: the pieces collected so far, and the item being translated. */
typedef struct {
  AddressSpace *space;
  Direction direction;
  void *out_fail; /* mf_read_callback * or mf_write_callback *, may be NULL */
  size_t count;
  uint64_t addr;
  uint64_t meta;
  uint8_t *data;
} Transfer;

static bool transfer_piece(void *context, uint64_t va, uint64_t size, uint64_t pa) {
  Transfer *transfer = context;
  Piece *pieces = scratch_reserve(transfer->space, (transfer->count + 1) * sizeof(Piece));
  uint64_t offset = va - transfer->addr;
  Piece piece = { pa, transfer->meta + offset, transfer->data + offset, size };
  pieces[transfer->count++] = piece;
  return true;
}

/* An untranslatable piece, to out_fail at once; false stops the transfer. */
static bool transfer_hole(void *context, uint64_t va, uint64_t size) {
  Transfer *transfer = context;
  uint64_t offset = va - transfer->addr;
  if (!transfer->out_fail) return true;
  if (transfer->direction == READ) {
    const mf_read_callback *callback = transfer->out_fail;
    mf_read_data failed = { transfer->meta + offset, { transfer->data + offset, size } };
    return callback->func(callback->context, failed);
  }
  const mf_write_callback *callback = transfer->out_fail;
  mf_write_data failed = { transfer->meta + offset, { transfer->data + offset, size } };
  return callback->func(callback->context, failed);
}

/* Phase 2: the collected pieces as the connector's requests. */
typedef struct { const Piece *pieces; size_t count; size_t next; } PieceIter;

static int32_t next_piece(void *iter, void *out) {
  PieceIter *pieces = iter;
  if (pieces->next == pieces->count) return 1;
  const Piece *piece = &pieces->pieces[pieces->next++];
  mf_physical_read_data request = { mapped_physical(piece->pa), piece->meta, { piece->data, piece->size } };
  memcpy(out, &request, sizeof request);
  return 0;
}

/* read_raw_iter / write_raw_iter: `inp` gives raw items; out and out_fail are the direction's callbacks. */
static int32_t space_transfer(AddressSpace *space, Direction direction, mf_iterator inp, void *out, void *out_fail) {
  if (space->os->dropped) return OS_GONE;
  Transfer transfer = { .space = space, .direction = direction, .out_fail = out_fail };
  RawItem item;
  while (inp.func(inp.iter, &item) == 0) {
    transfer.addr = item.read.addr;
    transfer.meta = item.read.meta_addr;
    transfer.data = item.read.data.data;
    if (!table_walk(space->table, item.read.addr, range_end(item.read.addr, item.read.data.len), transfer_piece,
                    transfer_hole, &transfer))
      return 0;
  }
  PieceIter pieces = { space->scratch, transfer.count, 0 };
  mf_iterator requests = { &pieces, next_piece };
  mf_connector_instance *connector = &space->os->connector;
  if (direction == READ) {
    mf_read_ops ops = { requests, out, out_fail };
    return connector->vtbl_physicalmemory->phys_read_raw_iter(&connector->container, ops);
  }
  mf_write_ops ops = { requests, out, out_fail };
  return connector->vtbl_physicalmemory->phys_write_raw_iter(&connector->container, ops);
}

/* ---- read_iter and the lists: items whose meta is their address ---- */

/* A raw item made of an item (either direction): meta = address. */
static int32_t raw_from(const void *source, void *out) {
  mf_read_data item;
  memcpy(&item, source, sizeof item);
  mf_read_data_raw raw = { item.meta_addr, item.meta_addr, item.data };
  memcpy(out, &raw, sizeof raw);
  return 0;
}

static int32_t next_from_iter(void *iter, void *out) {
  mf_iterator *inner = iter;
  union {
    mf_read_data read;
    mf_write_data write;
  } item;
  return inner->func(inner->iter, &item) != 0 ? 1 : raw_from(&item, out);
}

typedef struct { const uint8_t *items; size_t count; size_t next; } ListIter;

static int32_t next_from_list(void *iter, void *out) {
  ListIter *list = iter;
  return list->next == list->count ? 1 : raw_from(list->items + sizeof(mf_read_data) * list->next++, out);
}

/* The lists' out_fail: memflow zeroes a read's failed bytes, and remembers that something failed. */
static bool zero_failed(void *context, mf_read_data data) {
  memset(data.data.data, 0, data.data.len);
  *(bool *)context = true;
  return true;
}

static bool note_failed(void *context, mf_write_data data) {
  (void)data;
  *(bool *)context = true;
  return true;
}

/* read_raw_list and write_raw_list: 0, the partial code (MF_PARTIAL_VIRTUAL_READ / _WRITE) or the error. */
static int32_t transfer_list(AddressSpace *space, Direction direction, const void *items, size_t count) {
  bool partial = false;
  mf_read_callback zero = { &partial, zero_failed };
  mf_write_callback note = { &partial, note_failed };
  ListIter list = { items, count, 0 };
  mf_iterator inp = { &list, next_from_list };
  int32_t result = space_transfer(space, direction, inp, NULL, direction == READ ? (void *)&zero : (void *)&note);
  if (result != 0 || !partial) return result;
  return direction == READ ? MF_PARTIAL_VIRTUAL_READ : MF_PARTIAL_VIRTUAL_WRITE;
}

/* ---- the vtable ---- */

/* The kernel's view is the OS's: its entries are OS entries (borrow-checked). */
static AddressSpace *view_entry(const mf_container *cont) {
  AddressSpace *space = cont->instance.instance;
  if (space->kernel) os_entry(cont);
  return space;
}

static int32_t view_read_raw_iter(mf_container *cont, mf_read_raw_ops ops) {
  return space_transfer(view_entry(cont), READ, ops.inp, ops.out, ops.out_fail);
}

static int32_t view_write_raw_iter(mf_container *cont, mf_write_raw_ops ops) {
  return space_transfer(view_entry(cont), WRITE, ops.inp, ops.out, ops.out_fail);
}

static mf_memory_view_metadata view_metadata(const mf_container *cont) {
  AddressSpace *space = view_entry(cont);
  mf_memory_view_metadata metadata;
  memset(&metadata, 0, sizeof metadata);
  if (space->os->dropped) return metadata;
  mf_connector_instance *connector = &space->os->connector;
  mf_physical_memory_metadata physical = connector->vtbl_physicalmemory->metadata(&connector->container);
  metadata.max_address = physical.max_address;
  metadata.real_size = physical.real_size;
  metadata.readonly = physical.readonly;
  metadata.little_endian = true;
  metadata.arch_bits = space->arch_bits;
  return metadata;
}

/*
 * read_iter, read_raw_list, read_raw_into and their write forms differ only in their types: one
 * body each, instantiated per direction. The iter forms give the transfer's result (0 or a hard
 * error, never a partial code); the list forms memflow's partial codes.
 */
#define VIEW_ITEM_ENTRIES(direction, Callback, Items, Bytes, Item, iter_entry, list_entry, single_entry) \
  static int32_t iter_entry(mf_container *cont, mf_iterator inp, Callback *out, Callback *out_fail) { \
    mf_iterator raw = { &inp, next_from_iter }; \
    return space_transfer(view_entry(cont), direction, raw, out, out_fail); \
  } \
  static int32_t list_entry(mf_container *cont, Items items) { \
    return transfer_list(view_entry(cont), direction, items.data, items.len); \
  } \
  static int32_t single_entry(mf_container *cont, uint64_t address, Bytes bytes) { \
    Item item = { address, bytes }; \
    return transfer_list(view_entry(cont), direction, &item, 1); \
  }

VIEW_ITEM_ENTRIES(READ, mf_read_callback, mf_read_data_slice, mf_slice_mut, mf_read_data, view_read_iter,
                  view_read_raw_list, view_read_raw_into)
VIEW_ITEM_ENTRIES(WRITE, mf_write_callback, mf_write_data_slice, mf_slice_ref, mf_write_data, view_write_iter,
                  view_write_raw_list, view_write_raw)

static const mf_memory_view_vtbl memory_view_vtbl = {
  view_read_raw_iter, view_write_raw_iter, view_metadata,       view_read_iter, view_read_raw_list,
  view_read_raw_into, view_write_iter,     view_write_raw_list, view_write_raw,
};
