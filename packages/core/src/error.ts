/**
 * memflow's error model: `Error(origin, kind)` with memflow 0.2's ordinals and display strings,
 * and the packed integer that crosses the plugin ABI (error.rs `IntError`). Every error core
 * throws is a MemflowError, so a caller can match on origin and kind like a Rust caller would.
 */

/** `ErrorOrigin` in declaration order: the index is the ordinal used by the integer encoding. */
const ORIGINS = [
  ["Pointer", "pointer"],
  ["Args", "args"],
  ["ArgsValidator", "args validator"],
  ["Memory", "memory"],
  ["Mmu", "mmu"],
  ["MemoryMap", "memory map"],
  ["PhysicalMemory", "physical memory"],
  ["VirtualTranslate", "virtual translate"],
  ["Cache", "cache"],
  ["TlbCache", "tlb cache"],
  ["PageCache", "page cache"],
  ["VirtualMemory", "virtual memory"],
  ["Inventory", "inventory"],
  ["Connector", "connector"],
  ["OsLayer", "oslayer"],
  ["Ffi", "ffi"],
  ["Other", "other"],
] as const;

/** `ErrorKind` in declaration order, with memflow's `to_str` (including its "unitialized" typo). */
const KINDS = [
  ["Uninitialized", "unitialized"],
  ["NotSupported", "not supported"],
  ["NotImplemented", "not implemented"],
  ["Configuration", "configuration error"],
  ["Offset", "offset error"],
  ["Http", "http error"],
  ["ArgNotExists", "the given argument does not exist"],
  ["ArgValidation", "the argument could not be validated"],
  ["RequiredArgNotFound", "required argument is not set"],
  ["InvalidArgument", "invalid argument passed"],
  ["PartialData", "partial data"],
  ["NotFound", "not found"],
  ["OutOfBounds", "out of bounds"],
  ["OutOfMemoryRange", "out of memory range"],
  ["Encoding", "encoding error"],
  ["InvalidPath", "invalid path"],
  ["ReadOnly", "trying to write to a read only resource"],
  ["UnableToReadDir", "unable to read directory"],
  ["UnableToReadDirEntry", "unable to read directory entry"],
  ["UnableToReadFile", "unable to read file"],
  ["UnableToCreateDirectory", "unable to create directory"],
  ["UnableToWriteFile", "unable to write file"],
  ["UnableToSeekFile", "unable to seek file"],
  ["UnableToMapFile", "unable to map file"],
  ["MemoryMapOutOfRange", "memory map is out of range"],
  ["UnableToReadMemory", "unable to read memory"],
  ["InvalidArchitecture", "invalid architecture"],
  ["InvalidMemorySize", "invalid memory size"],
  ["InvalidMemorySizeUnit", "invalid memory size units (or none)"],
  ["UnableToLoadLibrary", "unable to load library"],
  ["InvalidExeFile", "file is not a valid executable file"],
  ["MemflowExportsNotFound", "file does not contain any memflow exports"],
  ["VersionMismatch", "version mismatch"],
  ["AlreadyExists", "already exists"],
  ["PluginNotFound", "plugin not found"],
  ["TargetNotFound", "specified (connector) target could not be found"],
  ["InvalidAbi", "invalid plugin ABI"],
  ["UnsupportedOptionalFeature", "unsupported optional feature"],
  ["ProcessNotFound", "process not found"],
  ["InvalidProcessInfo", "invalid process info"],
  ["ModuleNotFound", "module not found"],
  ["ExportNotFound", "export not found"],
  ["ImportNotFound", "import not found"],
  ["SectionNotFound", "section not found"],
  ["Unknown", "unknown error"],
] as const;

export type ErrorOrigin = (typeof ORIGINS)[number][0];
export type ErrorKind = (typeof KINDS)[number][0];

/**
 * Ordinals by name, e.g. `ErrorOrigin.Inventory === 12`. Indexed loops: these are built when any
 * command starts, where a callback destructuring each pair runs an iterator, cold, 62 times
 * (0.3 ms of a listing's start-up in a profile of the executable; decision 0007).
 */
function ordinals(table: readonly (readonly [string, string])[]): Record<string, number> {
  const byName: Record<string, number> = {};
  for (let index = 0; index < table.length; index += 1) byName[(table[index] as readonly [string, string])[0]] = index;
  return byName;
}
export const ErrorOrigin = ordinals(ORIGINS) as { readonly [Name in ErrorOrigin]: number };
export const ErrorKind = ordinals(KINDS) as { readonly [Name in ErrorKind]: number };

export function originDisplay(origin: ErrorOrigin): string {
  return ORIGINS[ErrorOrigin[origin]]?.[1] ?? "other";
}

export function kindDisplay(kind: ErrorKind): string {
  return KINDS[ErrorKind[kind]]?.[1] ?? "unknown error";
}

export class MemflowError extends Error {
  override readonly name = "MemflowError";
  readonly origin: ErrorOrigin;
  readonly kind: ErrorKind;
  /** What memflow would pass to `log_error`: the specifics (which file, which argument). */
  readonly detail: string | undefined;

  constructor(origin: ErrorOrigin, kind: ErrorKind, detail?: string, options?: { cause?: unknown }) {
    const display = `${originDisplay(origin)}: ${kindDisplay(kind)}`;
    super(detail === undefined ? display : `${display} (${detail})`, options);
    this.origin = origin;
    this.kind = kind;
    this.detail = detail;
  }

  /** memflow's `Display`: `"{origin}: {kind}"`, without the detail. */
  display(): string {
    return `${originDisplay(this.origin)}: ${kindDisplay(this.kind)}`;
  }

  /** Whether this is `Error(origin, kind)`, ignoring the detail. */
  is(origin: ErrorOrigin, kind: ErrorKind): boolean {
    return this.origin === origin && this.kind === kind;
  }

  /** The negative integer a plugin returns for this error (`IntError::into_int_err`). */
  toInt(): number {
    return encodeError(this.origin, this.kind);
  }

  /** Decodes a non-zero plugin result code (`IntError::from_int_err`); out-of-range parts become Other/Unknown. */
  static fromInt(code: number, detail?: string): MemflowError {
    const [origin, kind] = decodeError(code);
    return new MemflowError(origin, kind, detail);
  }
}

export function encodeError(origin: ErrorOrigin, kind: ErrorKind): number {
  const originBits = ((ErrorOrigin[origin] + 1) & 0xfff) << 4;
  const kindBits = ((ErrorKind[kind] + 1) & 0xfff) << 16;
  return -(1 + originBits + kindBits);
}

export function decodeError(code: number): [ErrorOrigin, ErrorKind] {
  const magnitude = -code - 1;
  const originBits = (magnitude >> 4) & 0xfff;
  const kindBits = (magnitude >> 16) & 0xfff;
  const origin = originBits >= 1 && originBits <= ORIGINS.length ? ORIGINS[originBits - 1]?.[0] : undefined;
  const kind = kindBits >= 1 && kindBits <= KINDS.length ? KINDS[kindBits - 1]?.[0] : undefined;
  return [origin ?? "Other", kind ?? "Unknown"];
}

/** A memory operation's result code: memflow's `PartialError<()>` encoding. */
export type PartialResult =
  | { kind: "ok" }
  | { kind: "error"; error: MemflowError }
  | { kind: "partial-read" }
  | { kind: "partial-write" };

export function decodePartialResult(code: number): PartialResult {
  if (code === 0) return { kind: "ok" };
  switch (-code & 0xf) {
    case 1:
      return { kind: "error", error: MemflowError.fromInt(code) };
    case 2:
      return { kind: "partial-read" };
    case 3:
      return { kind: "partial-write" };
    default:
      return { kind: "error", error: new MemflowError("Ffi", "Unknown") };
  }
}
