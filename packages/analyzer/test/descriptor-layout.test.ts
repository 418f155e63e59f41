import { describe, expect, test } from "bun:test";
import { DESCRIPTOR_LAYOUT_32, DESCRIPTOR_LAYOUT_64 } from "../src/index.ts";

// memflow asserts these sizes for PluginDescriptorInfo64/32 (plugin_analyzer.rs).
describe("descriptor layouts", () => {
  test("the 64-bit descriptor is 0x60 bytes with slices at 0x18, 0x28 and 0x38", () => {
    expect(DESCRIPTOR_LAYOUT_64.size).toBe(0x60);
    expect(DESCRIPTOR_LAYOUT_64.strings.map((field) => [field.name, field.pointerAt, field.lengthAt])).toEqual([
      ["name", 0x18, 0x20],
      ["version", 0x28, 0x30],
      ["description", 0x38, 0x40],
    ]);
  });

  test("the 32-bit descriptor is 0x34 bytes with slices at 0x10, 0x18 and 0x20", () => {
    expect(DESCRIPTOR_LAYOUT_32.size).toBe(0x34);
    expect(DESCRIPTOR_LAYOUT_32.strings.map((field) => [field.name, field.pointerAt, field.lengthAt])).toEqual([
      ["name", 0x10, 0x14],
      ["version", 0x18, 0x1c],
      ["description", 0x20, 0x24],
    ]);
  });
});
