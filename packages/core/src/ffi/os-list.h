/*
 * Part of shim.c (included once, there): what an OS plugin hands over, collected into one buffer
 * that TypeScript decodes at once (no JavaScript callback per item, memflow-os.md §3, §11).
 *
 * A List holds fixed-size records (memflow's own structs, copied as the plugin gave them, with
 * their string pointers set to NULL) and, in a second buffer, the strings of every record in
 * record and field order, each NUL-terminated. Lists come through callbacks, single results
 * through an ok_out; both end up here, so TypeScript has one decoder per struct.
 *
 * Strings: an OS plugin's strings (memflow's ReprCString) are malloc'd and belong to whoever
 * receives them (memflow-os.md §0.8, §8): memflow's own host frees them with free(), and so does
 * this file, once copied, with the C library's free (plugin-allocator.h: under TinyCC, plain
 * free is Bun's allocator). (The help and target strings of a plugin's descriptor are copied and
 * left alone instead, see shim.c: a handful per process, so a plugin whose allocator is not
 * malloc costs a few bytes there, where here it would be one free() per process listed.)
 * Strings the host only borrows (the ProcessInfo behind a process's `info()`) are copied and
 * left to their owner.
 */
#ifndef MEMFLOW_TS_OS_LIST_H
#define MEMFLOW_TS_OS_LIST_H

#include <stdlib.h>
#include <string.h>

typedef struct {
  uint8_t *records;
  uint64_t records_length;
  uint64_t records_capacity;
  char *text;
  uint64_t text_length;
  uint64_t text_capacity;
  uint64_t count;
  /* Non-zero when memory ran out: the plugin was told to stop, and the list is cut short. */
  uint64_t failed;
} List;

/* Makes room for `more` bytes after `length`, doubling; false when realloc fails. */
static bool list_reserve(void **data, uint64_t *capacity, uint64_t length, uint64_t more) {
  if (length + more <= *capacity) return true;
  uint64_t grown = *capacity ? *capacity : 256;
  while (grown < length + more) grown *= 2;
  void *moved = realloc(*data, grown);
  if (!moved) return false;
  *data = moved;
  *capacity = grown;
  return true;
}

static void list_text(List *list, const char *text) {
  uint64_t length = text ? strlen(text) : 0;
  if (!list_reserve((void **)&list->text, &list->text_capacity, list->text_length, length + 1)) {
    list->failed = 1;
    return;
  }
  if (length) memcpy(list->text + list->text_length, text, length);
  list->text[list->text_length + length] = 0;
  list->text_length += length + 1;
}

/*
 * Appends one record and its strings. `owned` strings are the host's to free, and are freed
 * here whatever happens; the result tells a plugin's walk whether to go on.
 */
static bool list_record(List *list, const void *record, size_t size, char *const *strings, size_t string_count,
                        bool owned) {
  if (!list->failed && list_reserve((void **)&list->records, &list->records_capacity, list->records_length, size)) {
    memcpy(list->records + list->records_length, record, size);
    list->records_length += size;
    list->count++;
    for (size_t index = 0; index < string_count; index++) list_text(list, strings[index]);
  } else {
    list->failed = 1;
  }
  if (owned)
    for (size_t index = 0; index < string_count; index++) plugin_free(strings[index]);
  return !list->failed;
}

void mf_list_free(List *list) {
  free(list->records);
  free(list->text);
  memset(list, 0, sizeof *list);
}

/* ---- one function per record type: the callbacks a plugin calls, and the ok_out copies ---- */

static bool push_process_info(List *list, const mf_process_info *info, bool owned) {
  char *strings[3] = { info->name, info->path, info->command_line };
  mf_process_info record = *info;
  record.name = record.path = record.command_line = NULL;
  return list_record(list, &record, sizeof record, strings, 3, owned);
}

static bool push_module_info(List *list, const mf_module_info *info) {
  char *strings[2] = { info->name, info->path };
  mf_module_info record = *info;
  record.name = record.path = NULL;
  return list_record(list, &record, sizeof record, strings, 2, true);
}

/* ImportInfo and ExportInfo are laid out alike: a name, then an offset. */
static bool push_named_offset(List *list, char *name, uint64_t offset) {
  mf_import_info record = { NULL, offset };
  return list_record(list, &record, sizeof record, &name, 1, true);
}

static bool push_section(List *list, const mf_section_info *info) {
  mf_section_info record = *info;
  record.name = NULL;
  return list_record(list, &record, sizeof record, &info->name, 1, true);
}

static bool collect_address(void *list, uint64_t address) {
  return list_record(list, &address, sizeof address, NULL, 0, false);
}
static bool collect_process_info(void *list, mf_process_info info) { return push_process_info(list, &info, true); }
static bool collect_module_info(void *list, mf_module_info info) { return push_module_info(list, &info); }
static bool collect_module_address(void *list, mf_module_address_info info) {
  return list_record(list, &info, sizeof info, NULL, 0, false);
}
static bool collect_import(void *list, mf_import_info info) { return push_named_offset(list, info.name, info.offset); }
static bool collect_export(void *list, mf_export_info info) { return push_named_offset(list, info.name, info.offset); }
static bool collect_section(void *list, mf_section_info info) { return push_section(list, &info); }
static bool collect_memory_range(void *list, mf_memory_range range) {
  return list_record(list, &range, sizeof range, NULL, 0, false);
}
static bool collect_translation(void *list, mf_virtual_translation translation) {
  return list_record(list, &translation, sizeof translation, NULL, 0, false);
}
static bool collect_translation_fail(void *list, mf_virtual_translation_fail fail) {
  return list_record(list, &fail, sizeof fail, NULL, 0, false);
}

#endif
