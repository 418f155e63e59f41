/*
 * Part of shim.c (included once, there, after transfer-records.h): writeEach's batches
 * (each-requests.ts), items of one length whose addresses JavaScript hands over in one u64 array
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
  uint32_t length;
} EachBatch;

/* Lays out item `index`'s record, counting nothing yet. */
static BatchRecord *each_record(EachBatch *batch, uint64_t index) {
  BatchRecord *record = &batch->records[index];
  record->address = batch->addresses[index];
  /* Fits: JavaScript checked count × length <= MAX_BATCH_BYTES. */
  record->offset = (uint32_t)(index * batch->length);
  record->length = batch->length;
  record->done = 0;
  record->failed = 0;
  return record;
}

/* The next item, its record laid out, as `item` makes it (physical_item or raw_item); 1 at the end. */
static int32_t each_item(void *iter, void *out, void (*item)(void *, uint64_t, uint8_t *, uint64_t)) {
  EachBatch *batch = iter;
  if (batch->next >= batch->count) return 1;
  BatchRecord *record = each_record(batch, batch->next++);
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

static bool each_write_done(void *batch, mf_write_data part) {
  return each_count(batch, part.data.data, part.data.len, false);
}

static bool each_write_failed(void *batch, mf_write_data part) {
  return each_count(batch, part.data.data, part.data.len, true);
}

/* Writes only (mf_transfer_each refuses reads): `transfer` never hands a plugin read callbacks here. */
static const TransferCalls EACH_CALLS = { each_next, each_next_raw, 0, 0, each_write_done, each_write_failed };

/* Writes `count` items of `length` bytes, item i from i × length of `bytes` to addresses[i]
   (`how`: TRANSFER_WRITE, with TRANSFER_VIEW for a MemoryView); each item's record is laid out
   in `records` with its done and failed counts. JavaScript checked the bounds (checkEach). */
int32_t mf_transfer_each(const void *vtbl, mf_container *cont, BatchRecord *records, const uint64_t *addresses,
                         uint8_t *bytes, uint64_t count, uint32_t length, uint32_t how, const char *who) {
  if (count == 0 || length == 0 || !(how & TRANSFER_WRITE)) return MF_ERROR(MF_ORIGIN_FFI, MF_KIND_INVALID_ARGUMENT);
  EachBatch batch = { records, addresses, bytes, count, 0, length };
  int32_t result = transfer(vtbl, cont, &batch, &EACH_CALLS, how, who);
  /* A plugin may stop iterating early: the items it never took are laid out counting nothing. */
  for (uint64_t index = batch.next; index < count; index++) each_record(&batch, index);
  return result;
}

#endif
