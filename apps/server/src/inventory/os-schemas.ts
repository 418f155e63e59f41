/**
 * The JSON an OS session answers with, as schemas: the OpenAPI document shows them and the types
 * below are derived from them, so the worker that writes these bodies and the document cannot
 * part ways. Field names are memflow's (`command_line`, `sys_arch`, `parent_process`), as Rust
 * tools spell them; 64-bit addresses are hex strings, which JSON numbers cannot hold.
 */
import type { ModuleInfoJson, OsInfoJson, ProcessInfoJson, SectionJson, SymbolJson } from "@memflow-ts/core";
import { type Static, t } from "elysia";

const ADDRESS = t.String({ pattern: "^0x[0-9a-f]{1,16}$", examples: ["0x7f0000000000"] });
const ARCHITECTURE = t.String({ description: "memflow's display of an ArchitectureIdent", examples: ["x86_64"] });

export const OS_INFO = t.Object(
  { base: ADDRESS, size: ADDRESS, arch: ARCHITECTURE },
  { description: "memflow's OsInfo: the kernel's base, size and architecture" },
);

export const PROCESS_INFO = t.Object(
  {
    address: ADDRESS,
    pid: t.Integer({ minimum: 0, maximum: 0xffff_ffff }),
    name: t.String(),
    state: t.UnionEnum(["Alive", "Dead", "Unknown"]),
    exit_code: t.Union([t.Integer(), t.Null()], { description: "a dead process's exit code, else null" }),
    path: t.String(),
    command_line: t.String(),
    sys_arch: ARCHITECTURE,
    proc_arch: ARCHITECTURE,
    dtb1: ADDRESS,
    dtb2: ADDRESS,
  },
  { description: "memflow's ProcessInfo" },
);

export const MODULE_INFO = t.Object(
  {
    address: ADDRESS,
    parent_process: ADDRESS,
    base: ADDRESS,
    size: ADDRESS,
    name: t.String(),
    path: t.String(),
    arch: ARCHITECTURE,
  },
  { description: "memflow's ModuleInfo" },
);

const SYMBOL = t.Object({
  name: t.String(),
  offset: t.String({ description: "from the module's base, hex" }),
  address: ADDRESS,
});
const SECTION = t.Object({ name: t.String(), base: ADDRESS, size: ADDRESS });

export const PROCESS_LIST = t.Object({ processes: t.Array(PROCESS_INFO) });
export const MODULE_LIST = t.Object({ modules: t.Array(MODULE_INFO) });
export const EXPORT_LIST = t.Object({ module: MODULE_INFO, exports: t.Array(SYMBOL) });
export const IMPORT_LIST = t.Object({ module: MODULE_INFO, imports: t.Array(SYMBOL) });
export const SECTION_LIST = t.Object({ module: MODULE_INFO, sections: t.Array(SECTION) });

/** Unmapped stretches of a virtual read: their bytes are zero in the answer. */
export const UNREADABLE = t.Array(t.Object({ address: ADDRESS, length: t.Integer({ minimum: 1 }) }), {
  description: "the stretches that could not be read (unmapped or paged out); their bytes are zero",
});

export const VIRTUAL_READ = t.Object({
  pid: t.Integer(),
  address: ADDRESS,
  length: t.Integer(),
  hex: t.String(),
  unreadable: UNREADABLE,
});

export type { ModuleInfoJson, OsInfoJson, ProcessInfoJson, SectionJson, SymbolJson } from "@memflow-ts/core";

/** Whether two types are the same, both ways. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;
/** These schemas document core's JSON shapes (os/os-json.ts): this stops compiling if the two part ways. */
export type SchemasMatchCore = [
  Holds<Same<OsInfoJson, Static<typeof OS_INFO>>>,
  Holds<Same<ProcessInfoJson, Static<typeof PROCESS_INFO>>>,
  Holds<Same<ModuleInfoJson, Static<typeof MODULE_INFO>>>,
  Holds<Same<SymbolJson, Static<typeof SYMBOL>>>,
  Holds<Same<SectionJson, Static<typeof SECTION>>>,
];
export type UnreadableJson = Static<typeof UNREADABLE>;
