import { describe, expect, test } from "bun:test";
import { sameArchitecture, targetLabel } from "../src/plugin-files/plugin-target.ts";

// targetLabel reuses the label of the call before for the same named target: every label must
// still be the one for its own target, whatever came before it.
describe("targetLabel", () => {
  test("labels each target as memflowup does, whatever the call before asked", () => {
    const labels = [
      targetLabel({ file_type: "elf", architecture: "x86_64" }),
      targetLabel({ file_type: "elf", architecture: "x86_64" }),
      targetLabel({ file_type: "pe", architecture: "x86_64" }),
      targetLabel({ file_type: "pe", architecture: "arm64" }),
      targetLabel({ file_type: "pe", architecture: { unknown: 62 } }),
      targetLabel({ file_type: "pe", architecture: { unknown: 183 } }),
      targetLabel({ file_type: "mach", architecture: "arm64" }),
      targetLabel({ file_type: "elf", architecture: "x86_64" }),
    ];
    expect(labels).toEqual([
      "elf/x86_64",
      "elf/x86_64",
      "pe/x86_64",
      "pe/arm64",
      "pe/unknown(62)",
      "pe/unknown(183)",
      "mach/arm64",
      "elf/x86_64",
    ]);
  });

  test("sameArchitecture compares names and unknown numbers", () => {
    const unknown = { unknown: 62 };
    expect(sameArchitecture("x86_64", "x86_64")).toBe(true);
    expect(sameArchitecture(unknown, unknown)).toBe(true);
    expect(sameArchitecture({ unknown: 62 }, { unknown: 62 })).toBe(true);
    expect(sameArchitecture({ unknown: 62 }, { unknown: 63 })).toBe(false);
    expect(sameArchitecture("x86_64", "arm64")).toBe(false);
  });
});
