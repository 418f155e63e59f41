/*
 * Part of shim.c (included once, there, after transfer-records.h): writeEach's and readEach's
 * batches (each-requests.ts), items of one length whose addresses JavaScript hands over in one u64 array
 * and whose bytes lie back to back in one buffer, item i's at i × length. JavaScript lays nothing
 * out: each item's BatchRecord is written here as the plugin takes the item, so the results read
 * as readBatch's and writeBatch's do (decision 0022, "Each"), and a reported part finds its item
 * by where its bytes lie, without a search.
 */
#ifndef MEMFLOW_TS_TRANSFER_EACH_H
#define MEMFLOW_TS_TRANSFER_EACH_H

typedef struct {
  BatchRecord *records;
  const uint64_t *addresses;
  uint8_t *bytes;
  uint64_t count;
  /* Items handed to the plugin so far: their records are this batch's, the others an earlier one's. */
  uint64_t next;
  /* Items reported done whole in one piece as their first report (the fast path of each_done), and
     reports of any other kind: every item went whole exactly when whole == count and other == 0. */
  uint64_t whole;
  uint64_t other;
  /* The bytes of the item handed out last until it is reported done whole, else NULL: the fast path
     tests this, without reading the item's record back. */
  const uint8_t *awaited;
  uint32_t length;
} EachBatch;

/* Lays out item `index`'s record, counting nothing yet. */
static BatchRecord *each_record(EachBatch *batch, uint64_t index) {
  BatchRecord *record = &batch->records[index];
  /* One assignment (the compiler writes it in three stores); the offset fits: JavaScript checked
     count × length <= MAX_BATCH_BYTES. */
  *record = (BatchRecord){ batch->addresses[index], (uint32_t)(index * batch->length), batch->length, 0, 0 };
  return record;
}

/* The next item, its record laid out, as `item` makes it (physical_item or raw_item); 1 at the end. */
static inline int32_t each_item(void *iter, void *out, void (*item)(void *, uint64_t, uint8_t *, uint64_t)) {
  EachBatch *batch = iter;
  if (batch->next >= batch->count) return 1;
  BatchRecord *record = each_record(batch, batch->next++);
  batch->awaited = batch->bytes + record->offset;
  item(out, record->address, batch->bytes + record->offset, record->length);
  return 0;
}

static int32_t each_next(void *iter, void *out) { return each_item(iter, out, physical_item); }
static int32_t each_next_raw(void *iter, void *out) { return each_item(iter, out, raw_item); }

/* The record of the item whose bytes hold `data`: the one handed out last (a connector mostly
   reports an item as soon as it takes it), else the one its offset divided by the length names;
   NULL for bytes outside the items handed out. */
static BatchRecord *each_find(EachBatch *batch, const uint8_t *data) {
  if (data < batch->bytes || batch->next == 0) return 0;
  uint64_t at = (uint64_t)(data - batch->bytes);
  BatchRecord *last = &batch->records[batch->next - 1];
  /* One comparison: below the last record's offset wraps to a large number. */
  if (at - last->offset < batch->length) return last;
  uint64_t index = at / batch->length;
  return index < batch->next ? &batch->records[index] : 0;
}

static bool each_count(EachBatch *batch, const uint8_t *data, size_t length, bool failed) {
  BatchRecord *record = each_find(batch, data);
  if (record) count_add(failed ? &record->failed : &record->done, length);
  return true;
}

/* Bytes done. Checked first, with two comparisons: the item handed out last, reported done whole
   before any other report of it (what a connector does), counted without a search or saturation. */
static bool each_done(EachBatch *batch, const uint8_t *data, size_t length) {
  if (data == batch->awaited && length == batch->length) {
    batch->records[batch->next - 1].done = batch->length;
    batch->awaited = 0;
    batch->whole++;
    return true;
  }
  batch->awaited = 0;
  batch->other++;
  return each_count(batch, data, length, false);
}

static bool each_write_done(void *batch, mf_write_data part) { return each_done(batch, part.data.data, part.data.len); }
static bool each_read_done(void *batch, mf_read_data part) { return each_done(batch, part.data.data, part.data.len); }

static bool each_write_failed(void *context, mf_write_data part) {
  EachBatch *batch = context;
  batch->awaited = 0;
  batch->other++;
  return each_count(batch, part.data.data, part.data.len, true);
}

/* A read's failed bytes are zeroed as they are reported (the buffer may hold an earlier batch's). */
static bool each_read_failed(void *context, mf_read_data part) {
  EachBatch *batch = context;
  batch->awaited = 0;
  batch->other++;
  if (part.data.len) memset(part.data.data, 0, part.data.len);
  return each_count(batch, part.data.data, part.data.len, true);
}

static const TransferCalls EACH_CALLS = {
  each_next, each_next_raw, each_read_done, each_read_failed, each_write_done, each_write_failed,
};

/* What mf_transfer_each returns when the plugin returned 0 and every item was reported done whole,
   once: JavaScript then knows `allOk()` without reading the records (it cost ~1 ns an item there). */
enum { EACH_ALL_WHOLE = 1 };

/* Transfers `count` items of `length` bytes, item i between i × length of `bytes` and
   addresses[i], as `how` says (transfer.h's TRANSFER_*); each item's record is laid out in
   `records` with its done and failed counts. JavaScript checked the bounds (checkItems). A read
   leaves no byte of `bytes` as it was unless it was read, as transfer-records.h's. Returns the
   plugin's result, or EACH_ALL_WHOLE (above); a positive result, outside memflow's contract,
   becomes (Ffi, Unknown) so that it cannot be taken for that. */
int32_t mf_transfer_each(const void *vtbl, mf_container *cont, BatchRecord *records, const uint64_t *addresses,
                         uint8_t *bytes, uint64_t count, uint32_t length, uint32_t how, const char *who) {
  if (count == 0 || length == 0) return MF_ERROR(MF_ORIGIN_FFI, MF_KIND_INVALID_ARGUMENT);
  EachBatch batch = { records, addresses, bytes, count, 0, 0, 0, 0, length };
  int32_t result = transfer(vtbl, cont, &batch, &EACH_CALLS, how, who);
  if (result > 0) result = MF_ERROR(MF_ORIGIN_FFI, MF_KIND_UNKNOWN);
  bool all_whole = batch.whole == count && batch.other == 0;
  if (all_whole) return result == 0 ? EACH_ALL_WHOLE : result;
  /* A plugin may stop iterating early: the items it never took are laid out counting nothing. */
  for (uint64_t index = batch.next; index < count; index++) each_record(&batch, index);
  if (!(how & TRANSFER_WRITE)) {
    /* Not every item was read whole in one piece: those whose reports do not add up are zeroed whole. */
    RecordBatch laid_out = { records, bytes, count };
    records_zero_unread(&laid_out);
  }
  return result;
}

#endif
