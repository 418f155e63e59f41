/**
 * The TypeScript connector project: a connector written with defineConnector, and tests that run
 * the conformance harness on the definition and use it through an Inventory, as a program that
 * registers it does.
 */
import { GITIGNORE, projectPackageJson, type TemplateContext } from "./project-files.ts";

/** `my_device` → `myDevice`: the exported definition's name. */
function camelCase(name: string): string {
  return name.replace(/_+([a-z0-9])/g, (_, letter: string) => letter.toUpperCase()).replaceAll("_", "");
}

function source(name: string, variable: string): string {
  return `/**
 * ${name}: a memflow connector in TypeScript. Its memory is sparse: a 4 KiB page is allocated on
 * its first write, and pages never written read as zeros. Replace it with your source of
 * physical memory (a device, a VM, a file); keep the contracts of ScriptMemory:
 *   read/write return how many bytes from the start of the range they transferred; the rest is
 *   reported to the caller as failed, which is not an error.
 */
import { ArgsValidator, MemflowError, parseMemflowSize, type ScriptMemory } from "@memflow-ts/core";
import { defineConnector } from "@memflow-ts/sdk";

const PAGE = 0x1000;

class SparseMemory implements ScriptMemory {
  readonly #pages = new Map<number, Uint8Array>();
  readonly #size: number;

  constructor(size: number) {
    this.#size = size;
  }

  metadata() {
    return { realSize: this.#size, readonly: false };
  }

  /** Calls \`each\` for every page-bounded piece of the part of [address, address + length) inside the memory. */
  #pieces(address: bigint, length: number, each: (page: number, offset: number, at: number, size: number) => void) {
    if (address >= BigInt(this.#size)) return 0;
    const start = Number(address);
    const count = Math.min(length, this.#size - start);
    for (let done = 0; done < count; ) {
      const offset = (start + done) % PAGE;
      const size = Math.min(PAGE - offset, count - done);
      each(Math.floor((start + done) / PAGE), offset, done, size);
      done += size;
    }
    return count;
  }

  read(address: bigint, buffer: Uint8Array): number {
    return this.#pieces(address, buffer.length, (page, offset, at, size) => {
      const bytes = this.#pages.get(page);
      if (bytes) buffer.set(bytes.subarray(offset, offset + size), at);
      else buffer.fill(0, at, at + size);
    });
  }

  write(address: bigint, data: Uint8Array): number {
    return this.#pieces(address, data.length, (page, offset, at, size) => {
      let bytes = this.#pages.get(page);
      if (!bytes) {
        bytes = new Uint8Array(PAGE);
        this.#pages.set(page, bytes);
      }
      bytes.set(data.subarray(at, at + size), offset);
    });
  }

  clone(): SparseMemory {
    const copy = new SparseMemory(this.#size);
    for (const [page, bytes] of this.#pages) copy.#pages.set(page, bytes.slice());
    return copy;
  }
}

/** memflow's size syntax (\`10m\` = 16 MiB), at least a page; memflow's error when it is not. */
function memorySize(text: string): number {
  const parsed = parseMemflowSize(text);
  if ("error" in parsed || parsed.value < PAGE || parsed.value > 1n << 40n) {
    throw new MemflowError("Connector", "InvalidMemorySize", \`size \${JSON.stringify(text)}\`);
  }
  return Number(parsed.value);
}

export const ${variable} = defineConnector({
  name: "${name}",
  version: "0.1.0",
  description: "${name}: sparse memory, pages allocated on first write",
  help: "${name}: sparse memory\\nsize: size of the memory, hex digits with a unit (k, m, g), default 1m",
  args: new ArgsValidator().arg({ name: "size", description: "size of the memory (default 1m)" }),
  create: (args) => new SparseMemory(memorySize(args.extraArgs.get("size") ?? "1m")),
});
`;
}

function testFile(name: string, variable: string): string {
  return `// The conformance harness on the definition, then the connector as a program uses it.
import { expect, test } from "bun:test";
import { Inventory } from "@memflow-ts/core";
import { describePlugin } from "@memflow-ts/sdk/testing";
import { ${variable} } from "../src/${name}.ts";

describePlugin({ definition: ${variable} }, { sampleArgs: [":size=2m"], badArgs: [":size=4M", ":colour=red"] });

test("found and started by name through an Inventory", () => {
  const inventory = Inventory.empty().register(${variable});
  expect(inventory.availableConnectors()).toEqual(["${name}"]);
  using connector = inventory.instantiateConnector("${name}", undefined, ":size=8k");
  connector.write(0x1ffe, new Uint8Array([1, 2]));
  expect(connector.read(0x1ffc, 4)).toEqual(new Uint8Array([0, 0, 1, 2]));
  expect(connector.metadata().realSize).toBe(0x2000n);
});
`;
}

function readme(name: string, variable: string): string {
  return `# ${name}

A memflow connector written in TypeScript with [@memflow-ts/sdk](https://www.npmjs.com/package/@memflow-ts/sdk).

\`\`\`sh
bun install
bun run test    # the memflow-ts conformance harness, in-process
\`\`\`

Use it from a program by registering it with an inventory; it is then found, started and
chained by name like a plugin file:

\`\`\`ts
import { Inventory } from "@memflow-ts/core";
import { ${variable} } from "./src/${name}.ts";

const inventory = Inventory.scan().register(${variable});
using connector = inventory.instantiateConnector("${name}", undefined, ":size=4m");
\`\`\`
`;
}

export function tsConnectorProject(context: TemplateContext): Record<string, string> {
  const { name } = context;
  const variable = camelCase(name);
  return {
    "package.json": projectPackageJson(context, { test: "bun test" }, true),
    [`src/${name}.ts`]: source(name, variable),
    [`test/${name}.test.ts`]: testFile(name, variable),
    ".gitignore": GITIGNORE,
    "README.md": readme(name, variable),
  };
}
