/*
 * Part of shim.c (included once, there): batched reads and writes, of a connector's physical
 * memory (PhysicalMemory's phys_*_raw_iter) and of an OS's or a process's virtual memory
 * (MemoryView's *_raw_iter, memflow-os.md §6). A batch is one call from JavaScript: the iterator
 * and the callbacks stay in C, each request is a TransferBatch record, and the pieces a plugin
 * reports are counted, done or failed, on the request whose bytes they are.
 *
 * A memory view reports the parts it cannot translate (unmapped pages) to out_fail, and may split
 * a request at page boundaries; its failed bytes are zero-filled here, as memflow's read_raw_list
 * does, so a read's buffer never keeps stale bytes where nothing was read.
 */
#ifndef MEMFLOW_TS_TRANSFER_H
#define MEMFLOW_TS_TRANSFER_H

/* One request as JavaScript lays it out: 40 bytes. */
typedef struct { uint64_t address; uint8_t *data; uint64_t length; uint64_t done; uint64_t failed; } Request;

/* How a batch runs: a read or a write, through a PhysicalMemory or (TRANSFER_VIEW) a MemoryView. */
enum { TRANSFER_READ = 0, TRANSFER_WRITE = 1, TRANSFER_VIEW = 2 };

/* `addresses`, when given, holds each request's address as a double (exact below 2^53; NaN
   means "use the request's own 64-bit field"): JavaScript writes a double far faster than two
   32-bit halves. `first_failed` is where the first request's first failed byte is (its length
   when none failed), for single reads. */
typedef struct {
  Request *requests;
  const double *addresses;
  uint64_t count;
  uint64_t next;
  uint64_t hint;
  uint64_t first_failed;
  bool zero_failed;
} Batch;

/* The next request, its address taken from `addresses` and its counts reset; NULL at the end. */
static Request *batch_take(Batch *batch) {
  if (batch->next >= batch->count) return 0;
  uint64_t index = batch->next++;
  Request *request = &batch->requests[index];
  if (batch->addresses) {
    double address = batch->addresses[index];
    /* via int64_t: one instruction, where a direct double-to-unsigned conversion is a slow helper in TinyCC */
    if (address == address) request->address = (uint64_t)(int64_t)address;
  }
  request->done = 0;
  request->failed = 0;
  return request;
}

/* A PhysicalMemory's item (a read's or a write's: laid out alike, a write's buffer const) for
   `length` bytes at `data`, from `address`. */
static void physical_item(void *out, uint64_t address, uint8_t *data, uint64_t length) {
  mf_physical_read_data *item = out;
  item->addr.address = address;
  item->addr.page_type = MF_PAGE_TYPE_UNKNOWN; /* as memflow's From<Address> */
  item->addr.page_size_log2 = 0;
  item->meta_addr = address;
  item->data.data = data;
  item->data.len = length;
}

/* A MemoryView's item (mf_read_data_raw / mf_write_data_raw, alike). */
static void raw_item(void *out, uint64_t address, uint8_t *data, uint64_t length) {
  mf_read_data_raw *item = out;
  item->addr = address;
  item->meta_addr = address;
  item->data.data = data;
  item->data.len = length;
}

static int32_t batch_next(void *iter, void *out) {
  Request *request = batch_take(iter);
  if (!request) return 1;
  physical_item(out, request->address, request->data, request->length);
  return 0;
}

static int32_t batch_next_raw(void *iter, void *out) {
  Request *request = batch_take(iter);
  if (!request) return 1;
  raw_item(out, request->address, request->data, request->length);
  return 0;
}

/* Plugins may split a request; find it by where the reported bytes lie. Usually it is the
   request of the last report, or the one after it (a memory view translates every request before
   it reads, so its reports come in request order after the iterator has ended), or the request
   handed out last. Look there first: a scan per report would make a batch quadratic (and TinyCC
   code is slow: keep this path short). */
static bool batch_holds(const Request *request, const uint8_t *data) {
  return data >= request->data && data < request->data + request->length;
}

static Request *batch_find(Batch *batch, const uint8_t *data) {
  uint64_t hint = batch->hint;
  if (batch_holds(&batch->requests[hint], data)) return &batch->requests[hint];
  if (hint + 1 < batch->count && batch_holds(&batch->requests[hint + 1], data)) {
    batch->hint = hint + 1;
    return &batch->requests[hint + 1];
  }
  if (batch->next > 0 && batch_holds(&batch->requests[batch->next - 1], data)) return &batch->requests[batch->next - 1];
  for (uint64_t index = 0; index < batch->count; index++) {
    if (batch_holds(&batch->requests[index], data)) {
      batch->hint = index;
      return &batch->requests[index];
    }
  }
  return 0;
}

/* Adds `length` bytes at `data` to the done or failed count of their request. */
static bool batch_count(Batch *batch, const uint8_t *data, size_t length, bool failed) {
  Request *request = batch_find(batch, data);
  if (!request) return true;
  if (!failed) {
    request->done += length;
    return true;
  }
  request->failed += length;
  uint64_t at = (uint64_t)(data - request->data);
  if (request == batch->requests && at < batch->first_failed) batch->first_failed = at;
  return true;
}

/* A read's bytes, done. The common case is checked first, with two comparisons instead of
   batch_find's ranges (it is most of the shim's own cost per request): a connector reporting, whole,
   the request it was handed last. */
static bool read_done(void *context, mf_read_data part) {
  Batch *batch = context;
  if (batch->next > 0) {
    Request *last = &batch->requests[batch->next - 1];
    if (part.data.data == last->data && part.data.len == last->length) {
      last->done += part.data.len;
      return true;
    }
  }
  return batch_count(batch, part.data.data, part.data.len, false);
}
static bool write_done(void *batch, mf_write_data part) { return batch_count(batch, part.data.data, part.data.len, false); }
static bool write_failed(void *batch, mf_write_data part) { return batch_count(batch, part.data.data, part.data.len, true); }
static bool read_failed(void *context, mf_read_data part) {
  Batch *batch = context;
  if (batch->zero_failed && part.data.len) memset(part.data.data, 0, part.data.len);
  return batch_count(batch, part.data.data, part.data.len, true);
}

/* What a batch of one layout hands the plugin: its iterators (a PhysicalMemory's items, a
   MemoryView's) and the callbacks that count the parts it reports. `transfer` runs either layout:
   TransferBatch's Requests here, readBatch's BatchRecords (transfer-records.h). */
typedef struct {
  int32_t (*next)(void *iter, void *out);
  int32_t (*next_raw)(void *iter, void *out);
  bool (*read_done)(void *batch, mf_read_data part);
  bool (*read_failed)(void *batch, mf_read_data part);
  bool (*write_done)(void *batch, mf_write_data part);
  bool (*write_failed)(void *batch, mf_write_data part);
} TransferCalls;

/* Runs a batch as `how` says through `vtbl`, a PhysicalMemory's or a MemoryView's vtable. */
static int32_t transfer(const void *vtbl, mf_container *cont, void *batch, const TransferCalls *calls, uint32_t how,
                        const char *who) {
  mf_read_callback read_ok = { batch, calls->read_done }, read_not = { batch, calls->read_failed };
  mf_write_callback write_ok = { batch, calls->write_done }, write_not = { batch, calls->write_failed };
  const mf_physical_memory_vtbl *physical = vtbl;
  const mf_memory_view_vtbl *view = vtbl;
  int32_t result;
  switch (how) {
  case TRANSFER_READ:
    enter(who, "read");
    result = physical->phys_read_raw_iter(cont, (mf_read_ops){ { batch, calls->next }, &read_ok, &read_not });
    break;
  case TRANSFER_WRITE:
    enter(who, "write");
    result = physical->phys_write_raw_iter(cont, (mf_write_ops){ { batch, calls->next }, &write_ok, &write_not });
    break;
  case TRANSFER_VIEW:
    enter(who, "read_raw_iter");
    result = view->read_raw_iter(cont, (mf_read_raw_ops){ { batch, calls->next_raw }, &read_ok, &read_not });
    break;
  case TRANSFER_VIEW | TRANSFER_WRITE:
    enter(who, "write_raw_iter");
    result = view->write_raw_iter(cont, (mf_write_raw_ops){ { batch, calls->next_raw }, &write_ok, &write_not });
    break;
  default: return MF_ERROR(MF_ORIGIN_FFI, MF_KIND_INVALID_ARGUMENT);
  }
  leave();
  return result;
}

static const TransferCalls REQUEST_CALLS = { batch_next, batch_next_raw, read_done, read_failed, write_done, write_failed };

/* A batch of Requests: a view's failed bytes are zero-filled, as memflow's read_raw_list does. */
static int32_t transfer_requests(const void *vtbl, mf_container *cont, Batch *batch, uint32_t how, const char *who) {
  batch->zero_failed = how == TRANSFER_VIEW;
  return transfer(vtbl, cont, batch, &REQUEST_CALLS, how, who);
}

int32_t mf_transfer(const void *vtbl, mf_container *cont, Request *requests, const double *addresses, uint64_t count,
                    uint32_t how, const char *who) {
  Batch batch = { requests, addresses, count, 0, 0, UINT64_MAX, false };
  return transfer_requests(vtbl, cont, &batch, how, who);
}

/* One read without a request array: how many bytes from the buffer's start were read, or a
   negative error code. A double, so JavaScript gets a plain number (exact below 2^53) instead of
   a BigInt. */
double mf_read_into(const void *vtbl, mf_container *cont, uint64_t address, uint8_t *data, uint64_t length,
                    uint32_t how, const char *who) {
  Request request = { address, data, length, 0, 0 };
  Batch batch = { &request, 0, 1, 0, 0, length, false };
  int32_t result = transfer_requests(vtbl, cont, &batch, how & TRANSFER_VIEW, who);
  /* A view's partial-read code (memflow-core.md §1.9) is not an error: the counts say what failed. */
  bool partial = (how & TRANSFER_VIEW) && result < 0 && (-result & 0xf) != 1;
  if (result != 0 && !partial) return (double)result;
  /* A plugin that reports neither part of some bytes read none of them: the count says so. */
  return (double)(request.done < batch.first_failed ? request.done : batch.first_failed);
}

#endif
