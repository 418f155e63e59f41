/*
 * Part of shim.c (included once, there, after transfer.h): readBatch's and writeBatch's batches,
 * handed to the plugin as JavaScript laid them out. Each request is a 24-byte BatchRecord
 * (batch-results.ts's BATCH_RECORD) whose bytes lie at `offset` in the batch's one buffer; the
 * iterators read the records in place and the callbacks count the reported parts into them, so
 * a batch costs no copy of its table in either direction (decision 0022).
 *
 * A read's buffer may be an earlier batch's (batch-pool.ts), not zeroed: every byte the plugin
 * does not report read is zeroed here instead. Its failed parts as they are reported; then, unless
 * every request was reported read whole (the common case, told by one counter), each request
 * whose reports do not add up to its length is zeroed whole, since which of its bytes were
 * written is unknown (a plugin that stopped early, or broke memflow's contract).
 */
#ifndef MEMFLOW_TS_TRANSFER_RECORDS_H
#define MEMFLOW_TS_TRANSFER_RECORDS_H

/* One request as readBatch and writeBatch lay it out: 24 bytes, no pointer, so JavaScript
   allocates and fills less per request and never asks where the buffer lives. Offsets and counts
   fit 32 bits because a batch's buffer does (MAX_BATCH_BYTES). The records lie in request order
   with their bytes back to back: offsets never decrease, which `records_find` relies on. */
typedef struct { uint64_t address; uint32_t offset; uint32_t length; uint32_t done; uint32_t failed; } BatchRecord;

typedef struct {
  BatchRecord *records;
  uint8_t *bytes;
  uint64_t count;
  /* Records handed to the plugin so far. */
  uint64_t next;
  /* The record of the last report that was not the fast path's. */
  uint64_t hint;
  /* Records reported read whole in one piece, each counted once (records_read_done's fast path). */
  uint64_t whole;
  /* A read: failed and unreported bytes are zeroed (the buffer may hold an earlier batch's). */
  bool reading;
} RecordBatch;

/* The next record, its counts reset (a reused table holds an earlier batch's); NULL at the end. */
static BatchRecord *records_take(RecordBatch *batch) {
  if (batch->next >= batch->count) return 0;
  BatchRecord *record = &batch->records[batch->next++];
  record->done = 0;
  record->failed = 0;
  return record;
}

static int32_t records_next(void *iter, void *out) {
  RecordBatch *batch = iter;
  BatchRecord *record = records_take(batch);
  if (!record) return 1;
  physical_item(out, record->address, batch->bytes + record->offset, record->length);
  return 0;
}

static int32_t records_next_raw(void *iter, void *out) {
  RecordBatch *batch = iter;
  BatchRecord *record = records_take(batch);
  if (!record) return 1;
  raw_item(out, record->address, batch->bytes + record->offset, record->length);
  return 0;
}

static bool record_holds(const BatchRecord *record, uint64_t at) {
  return at >= record->offset && at - record->offset < record->length;
}

/* The record whose bytes hold `data`: the last report's or the one after (reports mostly come in
   request order), else found by bisection over the offsets; NULL for bytes outside the batch. */
static BatchRecord *records_find(RecordBatch *batch, const uint8_t *data) {
  if (data < batch->bytes) return 0;
  uint64_t at = (uint64_t)(data - batch->bytes);
  uint64_t hint = batch->hint;
  if (record_holds(&batch->records[hint], at)) return &batch->records[hint];
  if (hint + 1 < batch->count && record_holds(&batch->records[hint + 1], at)) {
    batch->hint = hint + 1;
    return &batch->records[hint + 1];
  }
  /* The last record starting at or before `at` is the only one that can hold it. */
  uint64_t low = 0, high = batch->count;
  while (high - low > 1) {
    uint64_t middle = low + (high - low) / 2;
    if (batch->records[middle].offset <= at) low = middle;
    else high = middle;
  }
  if (!record_holds(&batch->records[low], at)) return 0;
  batch->hint = low;
  return &batch->records[low];
}

/* Adds to a u32 count, saturating (a plugin reporting the same bytes again must not wrap it). */
static void count_add(uint32_t *count, size_t length) {
  uint64_t sum = (uint64_t)*count + length;
  *count = sum > UINT32_MAX ? UINT32_MAX : (uint32_t)sum;
}

static bool records_count(RecordBatch *batch, const uint8_t *data, size_t length, bool failed) {
  BatchRecord *record = records_find(batch, data);
  if (record) count_add(failed ? &record->failed : &record->done, length);
  return true;
}

/* A read's bytes, done. Checked first, with two comparisons (most of the shim's own cost per
   request): a connector reporting, whole, the record it was handed last. */
static bool records_read_done(void *context, mf_read_data part) {
  RecordBatch *batch = context;
  if (batch->next > 0) {
    BatchRecord *last = &batch->records[batch->next - 1];
    if (part.data.data == batch->bytes + last->offset && part.data.len == last->length) {
      if (last->done == 0) batch->whole++;
      count_add(&last->done, part.data.len);
      return true;
    }
  }
  return records_count(batch, part.data.data, part.data.len, false);
}

/* Only reads are reported here: a write's failures go to records_write_failed. */
static bool records_read_failed(void *context, mf_read_data part) {
  RecordBatch *batch = context;
  if (part.data.len) memset(part.data.data, 0, part.data.len);
  return records_count(batch, part.data.data, part.data.len, true);
}

static bool records_write_done(void *batch, mf_write_data part) {
  return records_count(batch, part.data.data, part.data.len, false);
}

static bool records_write_failed(void *batch, mf_write_data part) {
  return records_count(batch, part.data.data, part.data.len, true);
}

static const TransferCalls RECORD_CALLS = {
  records_next, records_next_raw, records_read_done, records_read_failed, records_write_done, records_write_failed,
};

/* Zeroes the bytes of every read record whose reports do not account for all of them. */
static void records_zero_unread(RecordBatch *batch) {
  for (uint64_t index = 0; index < batch->count; index++) {
    BatchRecord *record = &batch->records[index];
    if (record->done == record->length || (uint64_t)record->done + record->failed == record->length) continue;
    memset(batch->bytes + record->offset, 0, record->length);
  }
}

/* A batch of BatchRecords over `bytes`, run as `how` says; each record's done and failed counts
   are written in place. */
int32_t mf_transfer_records(const void *vtbl, mf_container *cont, BatchRecord *records, uint8_t *bytes,
                            uint64_t count, uint32_t how, const char *who) {
  if (count == 0) return 0;
  RecordBatch batch = { records, bytes, count, 0, 0, 0, !(how & TRANSFER_WRITE) };
  int32_t result = transfer(vtbl, cont, &batch, &RECORD_CALLS, how, who);
  /* A plugin may stop iterating early: the records it never took count nothing. */
  for (uint64_t index = batch.next; index < count; index++) {
    records[index].done = 0;
    records[index].failed = 0;
  }
  if (batch.reading && batch.whole != count) records_zero_unread(&batch);
  return result;
}

#endif
