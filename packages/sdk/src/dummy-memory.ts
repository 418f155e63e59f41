/**
 * memflow's dummy connector in TypeScript: zeroed memory of `size` bytes (memflow's syntax: hex
 * digits and a lower-case unit, default `2m`), rounded up to whole 4 KiB pages; reads and writes
 * past the end are reported as failed parts; clones are deep copies, as memflow's DummyMemory.
 */
import { ArgsValidator, MemflowError, type ScriptMemory } from "@memflow-ts/core";
import { defineConnector } from "./define-connector.ts";
import { parseSizeArgument } from "./size-argument.ts";

const PAGE = 4096;

export class DummyMemory implements ScriptMemory {
  readonly bytes: Uint8Array;

  constructor(size: number) {
    this.bytes = new Uint8Array(Math.ceil(size / PAGE) * PAGE);
  }

  metadata() {
    return { realSize: this.bytes.length, readonly: false };
  }

  #range(address: bigint, length: number): [number, number] {
    if (address >= BigInt(this.bytes.length)) return [0, 0];
    const start = Number(address);
    return [start, Math.min(length, this.bytes.length - start)];
  }

  read(address: bigint, buffer: Uint8Array): number {
    const [start, count] = this.#range(address, buffer.length);
    buffer.set(this.bytes.subarray(start, start + count));
    return count;
  }

  write(address: bigint, data: Uint8Array): number {
    const [start, count] = this.#range(address, data.length);
    this.bytes.set(data.subarray(0, count), start);
    return count;
  }

  clone(): DummyMemory {
    const copy = new DummyMemory(this.bytes.length);
    copy.bytes.set(this.bytes);
    return copy;
  }
}

/** memflow's `parse_size` errors, and (Connector, InvalidMemorySize) beyond what this memory holds. */
function dummySize(text: string): number {
  const size = parseSizeArgument(text);
  if (size === 0n || size > 1n << 32n) {
    throw new MemflowError(
      "Connector",
      "InvalidMemorySize",
      `size ${JSON.stringify(text)} must be between 1 byte and 4 GiB here`,
    );
  }
  return Number(size);
}

export const dummyConnector = defineConnector({
  name: "dummy",
  version: "0.2.4",
  description: "zeroed memory for testing, with memflow's dummy connector semantics (TypeScript)",
  help: "dummy: zeroed memory for testing\nsize: size of the memory, hex digits with a unit (kb, k, mb, m, gb, g), default 2m",
  args: new ArgsValidator().arg({
    name: "size",
    description: "size of the memory, hex digits with a unit, default 2m",
  }),
  create(args) {
    return new DummyMemory(dummySize(args.extraArgs.get("size") ?? "2m"));
  },
});
