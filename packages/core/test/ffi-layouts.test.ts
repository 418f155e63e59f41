import { describe, expect, test } from "bun:test";
import {
  CONNECTOR_ARGS,
  CONNECTOR_INSTANCE,
  DESCRIPTOR,
  OS_ARGS,
  OS_INSTANCE,
  SHIM_REQUEST,
} from "../src/ffi/layouts.ts";

// The sizes memflow (and cglue) assert for these types; the C test plugins assert the same.
describe("memflow 0.2 layouts", () => {
  test("sizes", () => {
    expect(DESCRIPTOR.SIZE).toBe(0x60);
    expect(CONNECTOR_ARGS.SIZE).toBe(96);
    expect(OS_ARGS.SIZE).toBe(48);
    expect(CONNECTOR_INSTANCE.SIZE).toBe(64);
    expect(OS_INSTANCE.SIZE).toBe(88);
    expect(SHIM_REQUEST.SIZE).toBe(40);
    expect(SHIM_REQUEST.WORDS).toBe(10);
  });

  test("the container follows the vtables", () => {
    expect(CONNECTOR_INSTANCE.CONTAINER).toBe(24);
    expect(OS_INSTANCE.CONTAINER).toBe(48);
    expect(CONNECTOR_INSTANCE.SIZE - CONNECTOR_INSTANCE.CONTAINER).toBe(40 as number);
    expect(OS_INSTANCE.SIZE - OS_INSTANCE.CONTAINER).toBe(40 as number);
    expect(DESCRIPTOR.CREATE).toBe(0x58);
    expect(CONNECTOR_ARGS.CACHE_TAG).toBe(48);
  });
});
