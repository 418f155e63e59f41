/**
 * What to do next after a MemflowError, by its kind (and origin or detail where the kind alone
 * is ambiguous): the hint line `error-report.ts` prints below memflow's own text.
 */
import type { MemflowError } from "@memflow-ts/core/plugin-files";

const CHECK_SETUP = "Run 'memflow-ts doctor' to see which plugins memflow finds and why others are skipped.";
const ARGUMENT_SYNTAX =
  "Connector arguments are -c name:target:key=value,... (e.g. -c dummy::size=1m), OS arguments -o name:target:key=value; " +
  "a chain alternates -c and -o in the order given. 'memflow-ts help <plugin>' shows what a plugin accepts.";

export function memflowNextStep({ origin, kind, detail = "" }: MemflowError): string {
  switch (kind) {
    case "PluginNotFound":
      return `Run 'memflow-ts list' to see the plugins found; install one with 'memflow-ts pull <name>'. ${CHECK_SETUP}`;
    case "VersionMismatch":
    case "InvalidAbi":
    case "InvalidArchitecture":
      return `The plugin was built for another memflow ABI or machine. ${CHECK_SETUP}`;
    case "UnableToLoadLibrary":
    case "MemflowExportsNotFound":
      return "The library could not be loaded: check its dependencies with 'ldd <file>' and reinstall it.";
    case "InvalidMemorySize":
    case "InvalidMemorySizeUnit":
      return "Sizes are hex digits with a lower-case unit: size=1m (1 MiB), size=400k (1 MiB), size=10m (16 MiB).";
    case "ArgNotExists":
    case "ArgValidation":
    case "RequiredArgNotFound":
    case "InvalidArgument":
    case "Configuration":
      return ARGUMENT_SYNTAX;
    case "PartialData":
    case "OutOfBounds":
    case "OutOfMemoryRange":
      if (origin === "VirtualMemory") {
        return "Part of the range is not mapped in the process: 'memflow-ts modules -c <connector> -o <os> <pid|name>' shows where its modules are.";
      }
      return detail.includes("could not be written")
        ? "The range is outside the connector's memory, or the connector is read-only ('memflow-ts help <plugin>' says how to open it writable)."
        : "Part of the range is outside the connector's memory: read a smaller range or give the connector more memory.";
    case "ReadOnly":
      return "The connector is read-only; 'memflow-ts help <plugin>' shows whether it can be opened writable.";
    case "NotSupported":
    case "UnsupportedOptionalFeature":
      return origin === "Connector" || origin === "OsLayer"
        ? "The plugin does not offer this; 'memflow-ts list' shows the other plugins."
        : CHECK_SETUP;
    case "ProcessNotFound":
      return "'memflow-ts ps -c <connector> -o <os>' lists the processes; by name, memflow picks the first of that exact name that is not dead.";
    case "ModuleNotFound":
      return "'memflow-ts modules -c <connector> -o <os> <pid|name>' lists the process's modules by their exact names.";
    case "Uninitialized":
      return "The instance was closed or handed to another plugin; this is a bug in memflow-ts, please report it.";
    default:
      return CHECK_SETUP;
  }
}
