/**
 * The TypeScript OS-layer project: an OS layer written with defineOs that builds real x64 page
 * tables in its input connector's memory and reads every process through them with core's
 * VirtualMemory, and tests that run the OS conformance checks on the file and drive the layer
 * through an Inventory's builder. The source is a `*.memflow.ts` file, so
 * `memflow-ts plugin install` takes it as it is.
 */
import { type TemplateContext, tsInstallSection, tsProjectFiles } from "./project-files.ts";

function source(name: string, variable: string): string {
  return `/**
 * ${name}: a memflow OS layer in TypeScript. When it starts, it lays out \`procs\` processes in its
 * input connector's physical memory, each with its own x64 4-level page tables that map a small
 * image at IMAGE_BASE; from then on every read of a process goes through those tables (core's
 * VirtualMemory walks them, as memflow's MMU does), so virtual and physical addresses differ
 * exactly as on a real machine. Replace the layout with the structures of your OS: find the
 * process list in physical memory, give each process its page-table root (dtb1).
 */
import { ArgsValidator, type Connector, MemflowError, type ModuleInfo, type ProcessInfo } from "@memflow-ts/core";
import { defineOs, VirtualMemory } from "@memflow-ts/sdk";

const PAGE = 0x1000n;
const X64 = { kind: "X86", bits: 64, addressExtensions: false } as const;
/** Where each process's image is mapped in its address space. */
export const IMAGE_BASE = 0x40_0000n;
const IMAGE_PAGES = 4n;
/** Physical memory below this is left to the connector's own use. */
const LAYOUT_START = 0x1_0000n;
/** Per process: four tables (PML4, PDPT, PD, PT), then its image. */
const PAGES_PER_PROCESS = 4n + IMAGE_PAGES;
/** A page-table entry's flags: present and writable. */
const PRESENT_WRITABLE = 0b11n;
const NAMES = ["init", "shell", "editor", "compiler"];

/** The index into the table of \`level\` (3 = PML4 … 0 = PT) that translates \`address\`. */
const tableIndex = (address: bigint, level: number) => (address >> (12n + 9n * BigInt(level))) & 0x1ffn;

function writeEntry(memory: Connector, table: bigint, index: bigint, target: bigint): void {
  const entry = new DataView(new ArrayBuffer(8));
  entry.setBigUint64(0, target | PRESENT_WRITABLE, true);
  memory.write(table + index * 8n, new Uint8Array(entry.buffer));
}

/** Writes one process's tables and image at \`region\`; returns its page-table root. */
function layOutProcess(memory: Connector, region: bigint, pid: number, name: string): bigint {
  const tables = [0n, 1n, 2n, 3n].map((page) => region + page * PAGE);
  memory.write(tables[0] ?? region, new Uint8Array(Number(PAGES_PER_PROCESS * PAGE))); // zero: nothing else mapped
  for (let level = 3; level > 0; level -= 1) {
    writeEntry(memory, tables[3 - level] ?? 0n, tableIndex(IMAGE_BASE, level), tables[4 - level] ?? 0n);
  }
  for (let page = 0n; page < IMAGE_PAGES; page += 1n) {
    const physical = region + (4n + page) * PAGE;
    writeEntry(memory, tables[3] ?? 0n, tableIndex(IMAGE_BASE + page * PAGE, 0), physical);
  }
  memory.write(region + 4n * PAGE, new TextEncoder().encode(\`hello from \${name} (pid \${pid})\\0\`));
  return region;
}

function processCount(text: string | undefined): number {
  const count = Number(text ?? "2");
  if (!Number.isInteger(count) || count < 1 || count > 64) {
    throw new MemflowError("OsLayer", "InvalidArgument", \`procs \${JSON.stringify(text)}: a whole number from 1 to 64\`);
  }
  return count;
}

export const ${variable} = defineOs({
  name: "${name}",
  version: "0.1.0",
  description: "${name}: processes with x64 page tables in the input connector's memory",
  help: "${name}: processes with x64 page tables\\nprocs: how many processes to lay out (1 to 64, default 2)",
  args: new ArgsValidator().arg({ name: "procs", description: "how many processes (default 2)" }),
  create(input, args) {
    if (!input) throw new MemflowError("OsLayer", "Configuration", "${name} needs an input connector (-c dummy)");
    const count = processCount(args.extraArgs.get("procs"));
    const needed = LAYOUT_START + BigInt(count) * PAGES_PER_PROCESS * PAGE;
    if (input.metadata().realSize < needed) {
      throw new MemflowError("OsLayer", "OutOfMemoryRange", \`\${count} processes need \${needed} bytes of memory\`);
    }
    const processes: ProcessInfo[] = Array.from({ length: count }, (_, index) => {
      const pid = 100 + index;
      const name = NAMES[index % NAMES.length] + (index < NAMES.length ? "" : String(index));
      const dtb = layOutProcess(input, LAYOUT_START + BigInt(index) * PAGES_PER_PROCESS * PAGE, pid, name);
      return {
        address: 0x1000n * BigInt(index + 1),
        pid,
        state: { kind: "Alive" },
        name,
        path: \`/bin/\${name}\`,
        commandLine: \`/bin/\${name}\`,
        sysArch: X64,
        procArch: X64,
        dtb1: dtb,
        dtb2: 0xffff_ffff_ffff_ffffn,
      };
    });
    return {
      info: () => ({ base: 0n, size: 0n, arch: X64 }),
      processInfoList: () => processes,
      process(info) {
        const memory = new VirtualMemory(input, X64, info.dtb1);
        const image: ModuleInfo = {
          address: info.address + 0x10n,
          parentProcess: info.address,
          base: IMAGE_BASE,
          size: IMAGE_PAGES * PAGE,
          name: info.name,
          path: info.path,
          arch: X64,
        };
        return {
          memory,
          virtualTranslate: () => memory,
          moduleList: () => [image],
          moduleExportList: () => [{ name: "greeting", offset: 0n }],
        };
      },
      physicalMemory: () => input,
    };
  },
});
`;
}

function testFile(name: string, variable: string): string {
  return `// The OS conformance checks on the plugin file, then the layer in a chain, as the CLI runs it.
import { expect, test } from "bun:test";
import { fileURLToPath } from "node:url";
import { Inventory } from "@memflow-ts/core";
import { dummyConnector } from "@memflow-ts/sdk";
import { describeOsPlugin } from "@memflow-ts/sdk/testing";
import { IMAGE_BASE, ${variable} } from "../src/${name}.memflow.ts";

// In child processes, over the SDK's bundled dummy connector (built with the C compiler on first use).
describeOsPlugin({ path: fileURLToPath(new URL("../src/${name}.memflow.ts", import.meta.url)) }, { sampleArgs: [":procs=3"], cycles: 10 });

test("reads each process's image through its page tables, over a dummy connector", () => {
  const inventory = Inventory.empty().register(dummyConnector).register(${variable});
  using os = inventory.builder().connector("dummy").args(":size=1m").os("${name}").args(":procs=3").build();
  expect(os.processInfoList().map((info) => \`\${info.pid} \${info.name}\`)).toEqual(["100 init", "101 shell", "102 editor"]);
  let physical: bigint;
  let image: Uint8Array;
  {
    // While a process is open it borrows the OS (memflow's rule): read what we need, then close it.
    using shell = os.processByName("shell");
    const greeting = shell.moduleExportByName(shell.primaryModule(), "greeting");
    expect(new TextDecoder().decode(shell.read(IMAGE_BASE + greeting.offset, 26))).toBe("hello from shell (pid 101)");
    physical = shell.virtToPhys(IMAGE_BASE).address;
    image = shell.read(IMAGE_BASE, 64);
  }
  // The page tables put the image elsewhere in physical memory: the same bytes, read there.
  expect(physical).not.toBe(IMAGE_BASE);
  expect(os.physicalMemory()?.read(physical, 64)).toEqual(image);
});
`;
}

function readme(name: string): string {
  return `# ${name}

A memflow OS layer written in TypeScript with [@memflow-ts/sdk](https://www.npmjs.com/package/@memflow-ts/sdk):
processes whose memory is read through x64 page tables it writes into its input connector.

\`\`\`sh
bun install
bun run test    # the OS conformance checks on src/${name}.memflow.ts, and a chain through an Inventory
\`\`\`

${tsInstallSection(name, [`memflow-ts ps -c dummy -o ${name}::procs=3`, `memflow-ts read -c dummy -o ${name} -p shell 0x400000 32`])}`;
}

export function tsOsProject(context: TemplateContext): Record<string, string> {
  return tsProjectFiles(context, { source, test: testFile, readme });
}
