/**
 * A TypeScript connector named `scripted` over a byte array, for tests that hand one to a native
 * plugin: it counts its closes and can be made to throw on reads.
 */
import type { ConnectorDefinition } from "../../src/index.ts";

export interface BufferConnector {
  definition: ConnectorDefinition;
  closes: number;
  failing: boolean;
}

export function bufferConnector(bytes: Uint8Array): BufferConnector {
  const state: BufferConnector = {
    closes: 0,
    failing: false,
    definition: {
      name: "scripted",
      version: "0.1.0",
      description: "a connector written in TypeScript",
      create: () => ({
        metadata: () => ({ realSize: bytes.length }),
        read: (address: bigint, buffer: Uint8Array) => {
          if (state.failing) throw new RangeError("the device went away");
          buffer.set(bytes.subarray(Number(address), Number(address) + buffer.length));
          return Math.min(buffer.length, bytes.length - Number(address));
        },
        write: (address: bigint, data: Uint8Array) => {
          bytes.set(data, Number(address));
          return data.length;
        },
        close: () => {
          state.closes += 1;
        },
      }),
    },
  };
  return state;
}
