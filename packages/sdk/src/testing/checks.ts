/**
 * The conformance checks `describePlugin` runs against a connector plugin. They run in a child
 * process for native plugins (see child.ts), so each returns a plain result instead of
 * asserting.
 */
import type { PluginDescriptorInfo } from "@memflow-ts/analyzer";
import { type Connector, type Inventory, MemflowError } from "@memflow-ts/core";
import { type CheckResult, fail, pass } from "./check-result.ts";
import { descriptorCheck } from "./descriptor-check.ts";
import { leakCheck } from "./leak-check.ts";

export type { CheckResult } from "./check-result.ts";

/** What a run of the checks is told: the same whether they run here or in a child process. */
export interface CheckSettings {
  /** The connector's name in the inventory. */
  readonly name: string;
  /** Arguments the connector should start with (`target:extra:middleware`). */
  readonly sampleArgs: readonly string[];
  /** Arguments the connector must refuse with a MemflowError. */
  readonly badArgs: readonly string[];
  /** Whether memory is one linear range from 0 (max_address + 1 == real_size). */
  readonly linear: boolean;
  /** Create/drop cycles for the leak check. */
  readonly cycles: number;
}

export interface CheckContext extends CheckSettings {
  readonly inventory: Inventory;
  /** Descriptors read statically from the file. */
  readonly descriptors: readonly PluginDescriptorInfo[];
}

export interface Check {
  readonly id: string;
  readonly title: string;
  run(context: CheckContext): CheckResult;
}

function start(context: CheckContext): Connector {
  return context.inventory.instantiateConnector(context.name, undefined, context.sampleArgs[0]);
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

function pattern(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, index) => (index * 31 + seed * 7 + 1) & 0xff);
}

export const CHECKS: readonly Check[] = [
  {
    id: "descriptor",
    title: "descriptor: export named after the plugin, plugin_version 1, a version, valid strings",
    run({ descriptors, name }) {
      return descriptorCheck(descriptors, "connector", name);
    },
  },
  {
    id: "create",
    title: "create: starts without arguments and with the sample arguments",
    run(context) {
      const started: string[] = [];
      for (const args of [undefined, ...context.sampleArgs]) {
        try {
          context.inventory.instantiateConnector(context.name, undefined, args).close();
          started.push(args === undefined ? "no arguments" : JSON.stringify(args));
        } catch (error) {
          if (args === undefined && error instanceof MemflowError) {
            started.push(`no arguments refused (${error.message})`);
            continue;
          }
          return fail(
            `create with ${args === undefined ? "no arguments" : JSON.stringify(args)} failed: ${String(error)}`,
          );
        }
      }
      return pass(started.join(", "));
    },
  },
  {
    id: "bad-args",
    title: "create: bad arguments give a MemflowError",
    run(context) {
      for (const args of context.badArgs) {
        try {
          context.inventory.instantiateConnector(context.name, undefined, args).close();
          return fail(`create accepted bad arguments ${JSON.stringify(args)}`);
        } catch (error) {
          if (!(error instanceof MemflowError))
            return fail(`bad arguments ${JSON.stringify(args)} threw ${String(error)}`);
        }
      }
      return pass(context.badArgs.length === 0 ? "no bad arguments given" : `${context.badArgs.length} refused`);
    },
  },
  {
    id: "metadata",
    title: "metadata: consistent sizes and a batch size",
    run(context) {
      using connector = start(context);
      const metadata = connector.metadata();
      if (metadata.idealBatchSize <= 0) return fail("ideal_batch_size is 0");
      if (context.linear && metadata.maxAddress + 1n !== metadata.realSize) {
        return fail(`max_address + 1 (${metadata.maxAddress + 1n}) differs from real_size (${metadata.realSize})`);
      }
      return pass(`real_size ${metadata.realSize}, ${metadata.readonly ? "read-only" : "writable"}`);
    },
  },
  {
    id: "round-trip",
    title: "reads and writes: round trips at page boundaries, odd sizes and the last byte",
    run(context) {
      using connector = start(context);
      const metadata = connector.metadata();
      const size = metadata.realSize;
      const places: [bigint, number][] = [
        [0n, 1],
        [0xff0n, 0x20],
        [0x1000n - 3n, 7],
        [0x2001n, 13],
        [size - 1n, 1],
        [size - 9n, 9],
      ];
      const usable = places.filter(([address, length]) => address >= 0n && address + BigInt(length) <= size);
      for (const [index, [address, length]] of usable.entries()) {
        const before = connector.read(address, length);
        if (metadata.readonly) {
          const [result] = connector.writeMany([{ address, data: pattern(length, index) }]);
          if (result?.ok) return fail(`a read-only connector accepted a write at 0x${address.toString(16)}`);
          if (!equal(connector.read(address, length), before)) return fail("a refused write changed memory");
          continue;
        }
        const data = pattern(length, index);
        connector.write(address, data);
        const back = connector.read(address, length);
        if (!equal(back, data))
          return fail(`wrote ${length} bytes at 0x${address.toString(16)} but read back different bytes`);
      }
      return pass(`${usable.length} places${metadata.readonly ? ", writes refused (read-only)" : ""}`);
    },
  },
  {
    id: "past-end",
    title: "reads past the end are reported as failed parts, not errors",
    run(context) {
      using connector = start(context);
      const size = connector.metadata().realSize;
      const [straddling, outside] = connector.readMany([
        { address: size - 4n, length: 8 },
        { address: size + 0x1000n, length: 8 },
      ]);
      if (!straddling || !outside) return fail("readMany returned too few results");
      if (straddling.done !== 4 || straddling.failed !== 4) {
        return fail(
          `a read across the end gave ${straddling.done} read / ${straddling.failed} failed bytes, expected 4 / 4`,
        );
      }
      if (outside.done !== 0 || outside.failed !== 8) {
        return fail(`a read past the end gave ${outside.done} read / ${outside.failed} failed bytes, expected 0 / 8`);
      }
      return pass();
    },
  },
  {
    id: "batch",
    title: "a batch of reads equals the same reads one by one",
    run(context) {
      using connector = start(context);
      const size = connector.metadata().realSize;
      const requests = Array.from({ length: 32 }, (_, index) => ({
        address: (BigInt(index) * 0x457n) % (size > 64n ? size - 64n : 1n),
        length: 1 + ((index * 5) % 60),
      }));
      if (!connector.metadata().readonly) {
        for (const [index, request] of requests.entries())
          connector.write(request.address, pattern(request.length, index + 100));
      }
      const batched = connector.readMany(requests);
      for (const [index, request] of requests.entries()) {
        const single = connector.read(request.address, request.length);
        const result = batched[index];
        if (!result?.ok || !equal(result.data, single))
          return fail(`request ${index} (0x${request.address.toString(16)}) differs`);
      }
      return pass(`${requests.length} requests`);
    },
  },
  {
    id: "clone",
    title: "clone: a working copy, with its sharing reported",
    run(context) {
      using connector = start(context);
      using clone = connector.clone();
      const metadata = clone.metadata();
      if (metadata.realSize !== connector.metadata().realSize) return fail("the clone reports another size");
      if (metadata.readonly) return pass("read-only; sharing not observable");
      const before = clone.read(0, 1)[0] ?? 0;
      connector.write(0, new Uint8Array([(before + 1) & 0xff]));
      const shared = clone.read(0, 1)[0] !== before;
      return pass(shared ? "clones share memory" : "clones are independent copies");
    },
  },
  {
    id: "leaks",
    title: "create/drop cycles do not grow memory",
    run(context) {
      return leakCheck(() => start(context).close(), context.cycles, "create/drop cycles");
    },
  },
  {
    id: "help",
    title: "help text and target list are well-formed when present",
    run(context) {
      const notes: string[] = [];
      try {
        const help = context.inventory.connectorHelp(context.name);
        if (help.trim() === "") return fail("the help text is empty");
        notes.push(`help: ${help.split("\n").length} lines`);
      } catch (error) {
        if (!(error instanceof MemflowError && error.is("Connector", "NotSupported")))
          return fail(`help failed: ${String(error)}`);
        notes.push("no help");
      }
      try {
        const targets = context.inventory.connectorTargetList(context.name);
        if (targets.some((target) => target.trim() === "")) return fail("a target name is empty");
        notes.push(`${targets.length} targets`);
      } catch (error) {
        if (!(error instanceof MemflowError && error.is("Connector", "NotSupported")))
          return fail(`target list failed: ${String(error)}`);
        notes.push("no target list");
      }
      return pass(notes.join(", "));
    },
  },
];
