/**
 * os-layouts.ts (the OS layer's offsets, vtable orders and the shim's call shapes) against what
 * gcc makes of memflow-abi-os.h and the shim's os-list.h / os-calls.h: every constant has a C
 * expression here, and each equals the compiler's value.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireTool } from "../../../tooling/testing/require-tool.ts";
import type { VtableEntry } from "../src/ffi/os-layouts.ts";
import * as osLayouts from "../src/ffi/os-layouts.ts";
import { type CExpressions, fieldNames, valuesFromGcc } from "./support/c-values.ts";

const directory = mkdtempSync(join(tmpdir(), "memflow-ts-os-layouts-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** A struct's fields: `{ FIELD: "offsetof(type, member)" }` plus its SIZE. */
function struct(type: string, fields: Record<string, string>): Record<string, string> {
  const offsets = Object.fromEntries(
    Object.entries(fields).map(([field, member]) => [field, `offsetof(${type}, ${member})`]),
  );
  return { SIZE: `sizeof(${type})`, ...offsets };
}

/**
 * A vtable: each entry of os-layouts.ts at the offset of the C member of its memflow name (which
 * must exist, or gcc fails), so a wrong name or order shows; and its SIZE.
 */
function vtable(type: string, entries: Record<string, VtableEntry | number>): Record<string, string> {
  const names = Object.values(entries).flatMap((entry) => (typeof entry === "number" ? [] : [entry.name]));
  return struct(type, Object.fromEntries(names.map((name) => [name.toUpperCase(), name])));
}

const C_EXPRESSIONS: CExpressions = {
  OS_VTBL: vtable("mf_os_vtbl", osLayouts.OS_VTBL),
  PROCESS_VTBL: vtable("mf_process_vtbl", osLayouts.PROCESS_VTBL),
  MEMORY_VIEW_VTBL: vtable("mf_memory_view_vtbl", osLayouts.MEMORY_VIEW_VTBL),
  VIRTUAL_TRANSLATE_VTBL: vtable("mf_virtual_translate_vtbl", osLayouts.VIRTUAL_TRANSLATE_VTBL),
  OS_KEYBOARD_VTBL: vtable("mf_os_keyboard_vtbl", osLayouts.OS_KEYBOARD_VTBL),
  KEYBOARD_VTBL: vtable("mf_keyboard_vtbl", osLayouts.KEYBOARD_VTBL),
  ARCHITECTURE_IDENT: struct("mf_architecture_ident", {
    TAG: "tag",
    VALUE: "value",
    X86_BITS: "value.x86.bits",
    X86_ADDRESS_EXTENSIONS: "value.x86.address_extensions",
  }),
  ARCHITECTURE_TAG: { UNKNOWN: "MF_ARCH_UNKNOWN", X86: "MF_ARCH_X86", AARCH64: "MF_ARCH_AARCH64" },
  PROCESS_STATE: struct("mf_process_state", { TAG: "tag", EXIT_CODE: "exit_code" }),
  PROCESS_STATE_TAG: {
    UNKNOWN: "MF_PROCESS_STATE_UNKNOWN",
    ALIVE: "MF_PROCESS_STATE_ALIVE",
    DEAD: "MF_PROCESS_STATE_DEAD",
  },
  OS_INFO: struct("mf_os_info", { BASE: "base", SIZE_FIELD: "size", ARCH: "arch" }),
  PROCESS_INFO: struct("mf_process_info", {
    ADDRESS: "address",
    PID: "pid",
    STATE: "state",
    NAME: "name",
    PATH: "path",
    COMMAND_LINE: "command_line",
    SYS_ARCH: "sys_arch",
    PROC_ARCH: "proc_arch",
    DTB1: "dtb1",
    DTB2: "dtb2",
  }),
  MODULE_INFO: struct("mf_module_info", {
    ADDRESS: "address",
    PARENT_PROCESS: "parent_process",
    BASE: "base",
    SIZE_FIELD: "size",
    NAME: "name",
    PATH: "path",
    ARCH: "arch",
  }),
  MODULE_ADDRESS_INFO: struct("mf_module_address_info", { ADDRESS: "address", ARCH: "arch" }),
  IMPORT_INFO: struct("mf_import_info", { NAME: "name", OFFSET: "offset" }),
  EXPORT_INFO: struct("mf_export_info", { NAME: "name", OFFSET: "offset" }),
  SECTION_INFO: struct("mf_section_info", { NAME: "name", BASE: "base", SIZE_FIELD: "size" }),
  PHYSICAL_ADDRESS: struct("mf_physical_address", {
    ADDRESS: "address",
    PAGE_TYPE: "page_type",
    PAGE_SIZE_LOG2: "page_size_log2",
  }),
  PAGE: struct("mf_page", { PAGE_TYPE: "page_type", PAGE_BASE: "page_base", PAGE_SIZE: "page_size" }),
  VTOP_RANGE: struct("mf_vtop_range", { ADDRESS: "address", SIZE_FIELD: "size" }),
  MEMORY_RANGE: struct("mf_memory_range", { ADDRESS: "address", SIZE_FIELD: "size", PAGE_TYPE: "page_type" }),
  VIRTUAL_TRANSLATION: struct("mf_virtual_translation", {
    IN_VIRTUAL: "in_virtual",
    SIZE_FIELD: "size",
    OUT_PHYSICAL: "out_physical",
  }),
  VIRTUAL_TRANSLATION_FAIL: struct("mf_virtual_translation_fail", { FROM: "from", SIZE_FIELD: "size" }),
  OPTION_ADDRESS: struct("mf_option_address", { TAG: "tag", VALUE: "value" }),
  MEMORY_VIEW_METADATA: struct("mf_memory_view_metadata", {
    MAX_ADDRESS: "max_address",
    REAL_SIZE: "real_size",
    READONLY: "readonly",
    LITTLE_ENDIAN: "little_endian",
    ARCH_BITS: "arch_bits",
  }),
  SHIM_LIST: struct("List", {
    RECORDS: "records",
    RECORDS_LENGTH: "records_length",
    RECORDS_CAPACITY: "records_capacity",
    TEXT: "text",
    TEXT_LENGTH: "text_length",
    TEXT_CAPACITY: "text_capacity",
    COUNT: "count",
    FAILED: "failed",
  }),
  SHIM_ARGUMENTS: struct("Arguments", {
    NUMBER: "number",
    NAME: "name",
    NAME_LENGTH: "name_length",
    ARCH: "arch",
    MODULE: "module",
    ITEMS: "items",
    ITEM_COUNT: "item_count",
    FAILURES: "failures",
  }),
  SHIM_SCRIPT_RESULT: {
    ...struct("ScriptResult", {
      RECORDS: "records",
      COUNT: "count",
      FAILURES: "failures",
      FAILURE_COUNT: "failure_count",
      HANDLE: "handle",
      TRANSLATES: "translates",
    }),
    TRANSLATE_ENTRIES: "SCRIPT_TRANSLATE_ENTRIES",
  },
  // os-calls.h names each shape CALL_<the same name>; the test below checks it lists no other.
  SHIM_CALL: Object.fromEntries(Object.keys(osLayouts.SHIM_CALL).map((shape) => [shape, `CALL_${shape}`])),
  KEYBOARD_SNAPSHOT: { KEYS: "KEYBOARD_KEYS" },
};

/** The TypeScript side as numbers: a vtable entry is its offset. */
const fromTypeScript = Object.fromEntries(
  Object.entries(osLayouts).map(([group, fields]) => [
    group,
    Object.fromEntries(
      Object.entries(fields).map(([field, value]) => [field, typeof value === "number" ? value : value.offset]),
    ),
  ]),
);

const gcc = requireTool("gcc", "gcc");

describe("os-layouts.ts against memflow-abi-os.h and the shim", () => {
  test("every constant in os-layouts.ts has a C expression here", () => {
    expect(fieldNames(C_EXPRESSIONS)).toEqual(fieldNames(osLayouts));
  });

  test("every call shape of os-calls.h is in SHIM_CALL", () => {
    const header = readFileSync(join(import.meta.dir, "..", "src", "ffi", "os-calls.h"), "utf8");
    const inC = [...header.matchAll(/^\s*CALL_(\w+)\s*=/gm)].map((match) => match[1]);
    expect(inC.sort()).toEqual(Object.keys(osLayouts.SHIM_CALL).sort());
  });

  test.skipIf(!gcc.available)("each size, offset and constant equals what gcc computes", () => {
    const { errors, values } = valuesFromGcc(directory, "os-layouts", C_EXPRESSIONS);
    expect(errors).toBe("");
    expect(values).toEqual(fromTypeScript);
  });
});
