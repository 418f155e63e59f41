/**
 * The `--json` shapes of what an OS reports, in memflow's field names (snake_case, as its serde
 * derives spell them). Addresses and sizes are `0x…` hex strings: JSON numbers lose precision
 * above 2^53, and kernel addresses are far above it. Architectures are memflow's Display
 * (`x86_64`, `x86_32 PAE`); a state is `Alive`, `Dead` (with `exit_code`) or `Unknown`.
 */
import {
  type ExportInfo,
  formatArchitecture,
  type ImportInfo,
  type ModuleInfo,
  type OsInfo,
  type ProcessInfo,
  type ProcessState,
  type SectionInfo,
} from "@memflow-ts/core";
import { formatAddress } from "../inventory/numbers.ts";

export function stateText(state: ProcessState): string {
  return state.kind === "Dead" ? `Dead(${state.exitCode})` : state.kind;
}

export function processJson(info: ProcessInfo) {
  return {
    pid: info.pid,
    name: info.name,
    state: info.state.kind,
    exit_code: info.state.kind === "Dead" ? info.state.exitCode : null,
    sys_arch: formatArchitecture(info.sysArch),
    proc_arch: formatArchitecture(info.procArch),
    path: info.path,
    command_line: info.commandLine,
    address: formatAddress(info.address),
    dtb1: formatAddress(info.dtb1),
    dtb2: formatAddress(info.dtb2),
  };
}

export function moduleJson(module: ModuleInfo) {
  return {
    name: module.name,
    base: formatAddress(module.base),
    size: formatAddress(module.size),
    arch: formatArchitecture(module.arch),
    path: module.path,
    address: formatAddress(module.address),
    parent_process: formatAddress(module.parentProcess),
  };
}

export function osInfoJson(info: OsInfo) {
  return { base: formatAddress(info.base), size: formatAddress(info.size), arch: formatArchitecture(info.arch) };
}

/** An import or an export: its offset from the module's base and the absolute address. */
export function symbolJson(module: ModuleInfo, symbol: ImportInfo | ExportInfo) {
  return {
    name: symbol.name,
    offset: formatAddress(symbol.offset),
    address: formatAddress(module.base + symbol.offset),
  };
}

export function sectionJson(section: SectionInfo) {
  return { name: section.name, base: formatAddress(section.base), size: formatAddress(section.size) };
}
