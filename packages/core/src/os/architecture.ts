/**
 * memflow's `ArchitectureIdent`: what a process, a module or an OS runs as. X86 carries its width
 * and whether address extensions are on (PAE on 32-bit, LA57 on 64-bit); AArch64 its page size;
 * Unknown the plugin's own number.
 */

export type ArchitectureIdent =
  | { readonly kind: "Unknown"; readonly id: bigint }
  | { readonly kind: "X86"; readonly bits: number; readonly addressExtensions: boolean }
  | { readonly kind: "AArch64"; readonly pageSize: bigint };

/** memflow's Display: `x86_64`, `x86_32 PAE`, `AArch64`, `Unknown(3)`. */
export function formatArchitecture(arch: ArchitectureIdent): string {
  switch (arch.kind) {
    case "X86": {
      if (arch.bits === 32) return arch.addressExtensions ? "x86_32 PAE" : "x86_32";
      if (arch.bits === 64) return arch.addressExtensions ? "x86_64 LA57" : "x86_64";
      return "x86";
    }
    case "AArch64":
      return "AArch64";
    case "Unknown":
      return `Unknown(${arch.id})`;
  }
}

/** Equal as memflow compares them: the kind and the payload the kind uses. */
export function sameArchitectureIdent(a: ArchitectureIdent, b: ArchitectureIdent): boolean {
  if (a.kind === "X86" && b.kind === "X86") return a.bits === b.bits && a.addressExtensions === b.addressExtensions;
  if (a.kind === "AArch64" && b.kind === "AArch64") return a.pageSize === b.pageSize;
  if (a.kind === "Unknown" && b.kind === "Unknown") return a.id === b.id;
  return false;
}
