/**
 * The dummy OS written in TypeScript (`dummy_ts`): the twin of the native dummy OS plugin
 * (native/dummy-os.c), following its contract native/dummy-os.md. Over its input connector it
 * writes the same x86-64 page tables, contents, processes and modules for the same
 * `size`/`procs`/`seed` (the kernel's at once, a process's when it is first opened), and answers every Os and Process call through core's script host, with
 * virtual memory and translation by core's VirtualMemory: the TypeScript page walk over the
 * connector, reading the tables it wrote. A complete example of an OS layer in TypeScript.
 *
 * Where the two differ (decision 0013): a code page (module offset below 0x4000, RW clear in its
 * PTE only) is READ_ONLY here, as the CPU sees it, and WRITEABLE in the native plugin, which
 * follows memflow's rule of RW in any entry. Addresses, page sizes, bytes and ranges are the same.
 */
import {
  Args,
  type Connector,
  connectorArgs,
  defineOs,
  INVALID_ADDRESS,
  MemflowError,
  type ProcessInfo,
  ScriptConnector,
  type ScriptOsParts,
  VirtualMemory,
} from "@memflow-ts/core";
import { dummyConnector } from "../dummy-memory.ts";
import { parseSizeArgument } from "../size-argument.ts";
import { buildSpace, type DummyLayout, type DummySpace, layOut } from "./layout.ts";
import { spaceModules, X86_64 } from "./modules.ts";
import { type DummyOsOptions, dummyOsArgs, dummyOsOptions } from "./options.ts";
import { ProcessSpace } from "./process-space.ts";

/** memflow dummy's default size of its own memory. */
const OWN_MEMORY_SIZE = "2m";

function processInfo(space: DummySpace): ProcessInfo {
  return Object.freeze({
    address: space.base,
    pid: space.pid,
    state: Object.freeze({ kind: "Alive" }),
    name: space.name,
    path: space.path,
    commandLine: space.commandLine,
    sysArch: X86_64,
    procArch: X86_64,
    dtb1: space.dtb,
    dtb2: INVALID_ADDRESS,
  });
}

/** The memory to lay out in and its size: the input's (a `size` must fit in it), else memory of its own. */
function openMemory(input: Connector | undefined, options: DummyOsOptions): { memory: Connector; size: bigint } {
  if (input !== undefined) {
    const available = input.metadata().realSize;
    if (options.size !== undefined && options.size > available)
      throw new MemflowError(
        "ArgsValidator",
        "ArgValidation",
        `size ${options.sizeText} is more than the input connector's ${available} bytes`,
      );
    return { memory: input, size: options.size ?? available };
  }
  const sizeText = options.sizeText ?? OWN_MEMORY_SIZE;
  const memory = ScriptConnector.create(dummyConnector, connectorArgs(undefined, Args.new().insert("size", sizeText)));
  return { memory, size: options.size ?? parseSizeArgument(OWN_MEMORY_SIZE) };
}

/** Puts a space in memory: (PhysicalMemory, OutOfBounds) when the connector refuses part of it. */
function writeSpace(memory: Connector, space: DummySpace, seed: bigint): void {
  const writes = buildSpace(space, seed);
  const refused = memory.writeMany(writes).findIndex((result) => !result.ok);
  if (refused >= 0)
    throw new MemflowError(
      "PhysicalMemory",
      "OutOfBounds",
      `the connector refused the write at 0x${writes[refused]?.address.toString(16)}`,
    );
}

function osParts(memory: Connector, layout: DummyLayout, seed: bigint, close: (() => void) | undefined): ScriptOsParts {
  // The pids of the processes in memory: each is written when first opened (dummy-os.md "Physical layout").
  const built = new Set<number>();
  const kernel = new VirtualMemory(memory, X86_64, layout.kernel.dtb);
  const image = layout.kernel.modules[0];
  return {
    info: () => ({ base: image?.base ?? 0n, size: image?.size ?? 0n, arch: X86_64 }),
    processInfoList: () => layout.processes.map(processInfo),
    process(info) {
      const space = layout.processes.find((candidate) => candidate.base === info.address);
      if (space === undefined)
        throw new MemflowError("OsLayer", "InvalidProcessInfo", `no dummy process at 0x${info.address.toString(16)}`);
      if (!built.has(space.pid)) {
        writeSpace(memory, space, seed);
        built.add(space.pid);
      }
      // The walk starts at the process's own tables, whatever dtb the given info carries (as the native plugin).
      const view = new ProcessSpace(memory, space.dtb);
      return {
        ...spaceModules(space),
        memory: view,
        virtualTranslate: () => view,
        setDtb: (dtb1) => view.switchTo(dtb1),
      };
    },
    kernel: spaceModules(layout.kernel),
    physicalMemory: () => memory,
    memoryView: () => kernel,
    virtualTranslate: () => kernel,
    ...(close && { close }),
  };
}

export const dummyOsTs = defineOs({
  name: "dummy_ts",
  version: "0.2.4",
  description: "dummy OS for testing, in TypeScript: the native dummy OS's processes, tables and bytes",
  help:
    "dummy_ts: the dummy OS written in TypeScript, the same layout as the native dummy OS\n" +
    `${dummyOsArgs.toString()}`,
  args: dummyOsArgs,
  create(input, args) {
    const options = dummyOsOptions(args);
    const { memory, size } = openMemory(input, options);
    // Memory of its own is the OS's to close; an input is closed by the host, after the OS.
    const own = memory === input ? undefined : () => memory.close();
    try {
      const layout = layOut(size, options.procs, options.seed);
      writeSpace(memory, layout.kernel, options.seed);
      return osParts(memory, layout, options.seed, own);
    } catch (error) {
      own?.();
      throw error;
    }
  },
});
