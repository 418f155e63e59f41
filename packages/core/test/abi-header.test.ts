/**
 * memflow-abi.h is the one C copy of memflow's plugin ABI: it must compile with every compiler
 * that builds plugins or the shim, its size and offset asserts must be live, and layouts.ts (the
 * TypeScript copy of its offsets) must say what a compiler makes of it.
 */

import { cc } from "bun:ffi";
import { afterAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { requireTool } from "../../../tooling/testing/require-tool.ts";
import * as layouts from "../src/ffi/layouts.ts";
import { ABI_HEADER_FILES, ABI_INCLUDE_DIRECTORY } from "../src/install.ts";
import { type CExpressions, fieldNames, valuesFromGcc } from "./support/c-values.ts";

const HEADER = join(ABI_INCLUDE_DIRECTORY, "memflow-abi.h");
const directory = mkdtempSync(join(tmpdir(), "memflow-ts-abi-header-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** A copy of the header (and its layout asserts) whose PhysicalMemoryMetadata has a u64 batch size: 32 bytes, not 24. */
const BROKEN_FOLDER = join(directory, "broken");
const BROKEN_ASSERT = "mf_physical_memory_metadata is 24 bytes";
const broken = readFileSync(HEADER, "utf8").replace("uint32_t ideal_batch_size;", "uint64_t ideal_batch_size;");
mkdirSync(BROKEN_FOLDER);
writeFileSync(join(BROKEN_FOLDER, "memflow-abi.h"), broken);
for (const header of ABI_HEADER_FILES.slice(1)) copyFileSync(header, join(BROKEN_FOLDER, basename(header)));

/** A translation unit that only includes the header, written once per test. */
function includer(name: string, extra = ""): string {
  const path = join(directory, name);
  writeFileSync(
    path,
    `#include "memflow-abi.h"\n${extra}int mf_abi_probe(void) { return (int)sizeof(mf_plugin_descriptor); }\n`,
  );
  return path;
}

function compile(command: string, flags: readonly string[], include: string, source: string) {
  const run = Bun.spawnSync(
    [
      command,
      "-std=c11",
      "-Wall",
      "-Wextra",
      "-Wpedantic",
      "-Werror",
      "-fsyntax-only",
      ...flags,
      `-I${include}`,
      source,
    ],
    { stdout: "pipe", stderr: "pipe" },
  );
  return { exitCode: run.exitCode, output: `${run.stdout}${run.stderr}` };
}

const SYSTEM_COMPILERS = [
  { command: "gcc", debianPackage: "gcc", target: "the host" },
  { command: "clang", debianPackage: "clang", target: "the host" },
  { command: "x86_64-w64-mingw32-gcc", debianPackage: "gcc-mingw-w64-x86-64", target: "Windows x64 (LLP64)" },
].map((compiler) => ({ ...compiler, tool: requireTool(compiler.command, compiler.debianPackage) }));

describe("memflow-abi.h with each compiler", () => {
  for (const { command, target, tool } of SYSTEM_COMPILERS) {
    test.skipIf(!tool.available)(`compiles with ${command} for ${target}`, () => {
      expect(compile(command, [], ABI_INCLUDE_DIRECTORY, includer(`${command}.c`))).toEqual({
        exitCode: 0,
        output: "",
      });
    });

    test.skipIf(!tool.available)(`${command} rejects a header whose metadata struct grew`, () => {
      expect(broken).not.toBe(readFileSync(HEADER, "utf8"));
      const result = compile(command, [], BROKEN_FOLDER, includer(`${command}-broken.c`));
      expect(result.exitCode).not.toBe(0);
      expect(result.output).toContain(BROKEN_ASSERT);
    });
  }

  test("compiles with TinyCC through bun:ffi cc, as the shim does without a system compiler", () => {
    const library = cc({
      source: includer("tinycc.c"),
      include: [ABI_INCLUDE_DIRECTORY],
      symbols: { mf_abi_probe: { args: [], returns: "i32" } },
    });
    expect(library.symbols.mf_abi_probe()).toBe(0x60);
  });

  test("TinyCC rejects a header whose metadata struct grew", () => {
    const source = includer("tinycc-broken.c");
    expect(() =>
      cc({ source, include: [BROKEN_FOLDER], symbols: { mf_abi_probe: { args: [], returns: "i32" } } }),
    ).toThrow(BROKEN_ASSERT);
  });

  // -ffreestanding: gcc's own stdint.h, so no 32-bit C library needs to be installed.
  const gcc32 = SYSTEM_COMPILERS[0]?.tool.available === true && process.arch === "x64";
  test.skipIf(!gcc32)("a 32-bit build skips the 64-bit asserts and checks the 0x34-byte descriptor", () => {
    const source = includer("gcc-m32.c", '_Static_assert(sizeof(void *) == 4, "a 32-bit target");\n');
    expect(compile("gcc", ["-m32", "-ffreestanding"], ABI_INCLUDE_DIRECTORY, source)).toEqual({
      exitCode: 0,
      output: "",
    });
  });
});

/** What each of layouts.ts's constants is in C: memflow-abi.h's types, and the shim's own. */
const C_EXPRESSIONS: CExpressions = {
  DESCRIPTOR: {
    SIZE: "sizeof(mf_plugin_descriptor)",
    PLUGIN_VERSION: "offsetof(mf_plugin_descriptor, plugin_version)",
    ACCEPT_INPUT: "offsetof(mf_plugin_descriptor, accept_input)",
    INPUT_LAYOUT: "offsetof(mf_plugin_descriptor, input_layout)",
    OUTPUT_LAYOUT: "offsetof(mf_plugin_descriptor, output_layout)",
    NAME: "offsetof(mf_plugin_descriptor, name)",
    VERSION: "offsetof(mf_plugin_descriptor, version)",
    DESCRIPTION: "offsetof(mf_plugin_descriptor, description)",
    HELP_CALLBACK: "offsetof(mf_plugin_descriptor, help_callback)",
    TARGET_LIST_CALLBACK: "offsetof(mf_plugin_descriptor, target_list_callback)",
    CREATE: "offsetof(mf_plugin_descriptor, create)",
  },
  CONNECTOR_ARGS: {
    SIZE: "sizeof(mf_connector_args)",
    TARGET: "offsetof(mf_connector_args, target)",
    ARGS_DATA: "offsetof(mf_connector_args, extra_args.data)",
    ARGS_LEN: "offsetof(mf_connector_args, extra_args.len)",
    ARGS_CAPACITY: "offsetof(mf_connector_args, extra_args.capacity)",
    ARGS_DROP_FN: "offsetof(mf_connector_args, extra_args.drop_fn)",
    ARGS_RESERVE_FN: "offsetof(mf_connector_args, extra_args.reserve_fn)",
    CACHE_TAG: "offsetof(mf_connector_args, middleware_args.cache.tag)",
    CACHE_VALUE: "offsetof(mf_connector_args, middleware_args.cache.value)",
    CACHE_SIZE: "offsetof(mf_connector_args, middleware_args.cache_size)",
    CACHE_VALIDITY_TIME: "offsetof(mf_connector_args, middleware_args.cache_validity_time)",
    CACHE_PAGE_SIZE: "offsetof(mf_connector_args, middleware_args.cache_page_size)",
    DELAY: "offsetof(mf_connector_args, middleware_args.delay)",
    METRICS: "offsetof(mf_connector_args, middleware_args.metrics)",
  },
  OS_ARGS: { SIZE: "sizeof(mf_os_args)" },
  ARG_ENTRY: {
    SIZE: "sizeof(mf_arg_entry)",
    KEY: "offsetof(mf_arg_entry, key)",
    VALUE: "offsetof(mf_arg_entry, value)",
  },
  CONNECTOR_INSTANCE: {
    SIZE: "sizeof(mf_connector_instance)",
    VTBL_CLONE: "offsetof(mf_connector_instance, vtbl_clone)",
    VTBL_PHYSICAL_MEMORY: "offsetof(mf_connector_instance, vtbl_physicalmemory)",
    VTBL_CPU_STATE: "offsetof(mf_connector_instance, vtbl_connectorcpustate)",
    CONTAINER: "offsetof(mf_connector_instance, container)",
  },
  OS_INSTANCE: {
    SIZE: "sizeof(mf_os_instance)",
    VTBL_CLONE: "offsetof(mf_os_instance, vtbl_clone)",
    VTBL_OS: "offsetof(mf_os_instance, vtbl_os)",
    VTBL_MEMORY_VIEW: "offsetof(mf_os_instance, vtbl_memoryview)",
    VTBL_KEYBOARD: "offsetof(mf_os_instance, vtbl_oskeyboard)",
    VTBL_PHYSICAL_MEMORY: "offsetof(mf_os_instance, vtbl_physicalmemory)",
    VTBL_VIRTUAL_TRANSLATE: "offsetof(mf_os_instance, vtbl_virtualtranslate)",
    CONTAINER: "offsetof(mf_os_instance, container)",
  },
  CONTAINER: { SIZE: "sizeof(mf_container)" },
  METADATA: {
    SIZE: "sizeof(mf_physical_memory_metadata)",
    MAX_ADDRESS: "offsetof(mf_physical_memory_metadata, max_address)",
    REAL_SIZE: "offsetof(mf_physical_memory_metadata, real_size)",
    READONLY: "offsetof(mf_physical_memory_metadata, readonly)",
    IDEAL_BATCH_SIZE: "offsetof(mf_physical_memory_metadata, ideal_batch_size)",
  },
  PROCESS_INSTANCE: {
    SIZE: "sizeof(mf_process_instance)",
    VTBL_MEMORY_VIEW: "offsetof(mf_process_instance, vtbl_memoryview)",
    VTBL_PROCESS: "offsetof(mf_process_instance, vtbl_process)",
    VTBL_VIRTUAL_TRANSLATE: "offsetof(mf_process_instance, vtbl_virtualtranslate)",
    CONTAINER: "offsetof(mf_process_instance, container)",
  },
  INTO_PROCESS_INSTANCE: {
    SIZE: "sizeof(mf_into_process_instance)",
    VTBL_CLONE: "offsetof(mf_into_process_instance, vtbl_clone)",
    VTBL_MEMORY_VIEW: "offsetof(mf_into_process_instance, vtbl_memoryview)",
    VTBL_PROCESS: "offsetof(mf_into_process_instance, vtbl_process)",
    VTBL_VIRTUAL_TRANSLATE: "offsetof(mf_into_process_instance, vtbl_virtualtranslate)",
    CONTAINER: "offsetof(mf_into_process_instance, container)",
  },
  KEYBOARD_INSTANCE: {
    SIZE: "sizeof(mf_keyboard)",
    VTBL_KEYBOARD: "offsetof(mf_keyboard, vtbl)",
    CONTAINER: "offsetof(mf_keyboard, container)",
  },
  INTO_KEYBOARD_INSTANCE: {
    SIZE: "sizeof(mf_into_keyboard)",
    VTBL_CLONE: "offsetof(mf_into_keyboard, vtbl_clone)",
    VTBL_KEYBOARD: "offsetof(mf_into_keyboard, vtbl_keyboard)",
    CONTAINER: "offsetof(mf_into_keyboard, container)",
  },
  SHIM_REQUEST: { SIZE: "sizeof(Request)", WORDS: "sizeof(Request) / 4" },
  SHIM_BATCH_RECORD: {
    SIZE: "sizeof(BatchRecord)",
    ADDRESS: "offsetof(BatchRecord, address)",
    OFFSET: "offsetof(BatchRecord, offset)",
    LENGTH: "offsetof(BatchRecord, length)",
    DONE: "offsetof(BatchRecord, done)",
    FAILED: "offsetof(BatchRecord, failed)",
  },
  SHIM_TRANSFER: { READ: "TRANSFER_READ", WRITE: "TRANSFER_WRITE", VIEW: "TRANSFER_VIEW" },
  SHIM_EACH: { ALL_WHOLE: "EACH_ALL_WHOLE" },
  SHIM_STRINGS: { SIZE: "sizeof(Strings)" },
};

/** abi_stable's types, which no C here defines: type-layout-offsets.test.ts checks them on memflow's own binary. */
const NOT_IN_C = ["TYPE_LAYOUT", "MONO_TYPE_LAYOUT"];

const gcc = SYSTEM_COMPILERS[0]?.tool ?? { available: false };
const inC = Object.fromEntries(Object.entries(layouts).filter(([name]) => !NOT_IN_C.includes(name)));

describe("layouts.ts against memflow-abi.h", () => {
  test("every constant in layouts.ts has a C expression here, or is abi_stable's", () => {
    expect(fieldNames(C_EXPRESSIONS)).toEqual(fieldNames(inC));
  });

  test.skipIf(!gcc.available)("each size and offset equals what gcc computes from the header and the shim", () => {
    const { errors, values } = valuesFromGcc(directory, "layouts", C_EXPRESSIONS);
    expect(errors).toBe("");
    expect(values).toEqual(inC);
  });
});
