/**
 * A representative slice of the OS layer, run as a program so a test can run it once per shim
 * (system cc, TinyCC: the shim is built once per process) and compare: lists with strings,
 * lookups, reads across the hole, translation, and errors. Prints one JSON document: which shim
 * ran, and what each call gave (bigints as "0x…n", bytes as hex, errors as origin/kind).
 */

import { nativeShimKind } from "../../src/ffi/shim.ts";
import { MemflowError } from "../../src/index.ts";
import { buildTestos } from "./testos.ts";
import { openLedger } from "./testos-ledger.ts";

function outcome(run: () => unknown): unknown {
  try {
    return run();
  } catch (error) {
    if (error instanceof MemflowError) return { error: `${error.origin}/${error.kind}` };
    throw error;
  }
}

function encode(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return `0x${value.toString(16)}n`;
  if (value instanceof Uint8Array) return Buffer.from(value).toString("hex");
  return value;
}

const plugins = buildTestos("memflow-ts-os-slice-");
const slice: Record<string, unknown> = {};
try {
  const os = plugins.open("testos", "processes=3");
  slice.processInfoList = os.processInfoList();
  slice.kernelModules = os.moduleList();
  slice.processByName = outcome(() => os.processInfoByName("shell"));
  slice.missingProcess = outcome(() => os.processInfoByPid(7));
  slice.kernelRead = os.memoryView()?.readMany([{ address: 0xfffff80000001ff8n, length: 16 }]);
  slice.kernelTranslation = outcome(() => os.virtualTranslate()?.virtToPhys(0xfffff80000004321n));
  const process = os.processByPid(300);
  slice.info = process.info();
  slice.state = process.state();
  slice.modules = process.moduleList();
  slice.wow64 = outcome(() => process.moduleByName("wow64.dll", { kind: "X86", bits: 64, addressExtensions: false }));
  slice.missingModule = outcome(() => process.moduleByName("kernel32.dll"));
  const primary = process.primaryModule();
  slice.exports = process.moduleExportList(primary);
  slice.sections = process.moduleSectionList(primary);
  slice.missingExport = outcome(() => process.moduleExportByName(primary, "main"));
  slice.mapped = process.mappedMemRange(0x1000);
  slice.reads = process.readMany([
    { address: 0x404ff0, length: 0x20 },
    { address: 0x405000, length: 8 },
    { address: 0x40fffc, length: 8 },
  ]);
  slice.partialRead = outcome(() => process.read(0x404ffc, 8));
  slice.writes = process.writeMany([{ address: 0x405ffe, data: new Uint8Array([1, 2, 3, 4]) }]);
  slice.translation = outcome(() => process.virtualTranslate()?.virtToPhys(0x400123));
  slice.unmapped = outcome(() => process.virtualTranslate()?.virtToPhys(0x405123));
  slice.translations = process.virtualTranslate()?.virtToPhysList([{ address: 0x404800, size: 0x2000 }]);
  slice.physToVirt = process.virtualTranslate()?.physToVirt(0x136000);
  process.close();
  // process_by_info hands the plugin strings it frees: they must come from the C library's malloc.
  const shell = os.processInfoByPid(36);
  const byInfo = os.processByInfo(shell);
  slice.byInfo = byInfo.info();
  byInfo.close();
  slice.badInfo = outcome(() => os.processByInfo({ ...shell, address: 0x9000n }));
  os.close();
  const counts = openLedger(plugins).read();
  slice.counters = { liveOs: counts.testos_live, liveProcesses: counts.testos_live_processes };
  console.log(JSON.stringify({ shim: nativeShimKind(), slice }, encode));
} finally {
  plugins.remove();
}
