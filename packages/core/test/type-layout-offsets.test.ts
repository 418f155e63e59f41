/**
 * Where the host reads abi_stable's TypeLayout, checked on memflow's own plugin binary (built
 * against memflow 0.2.1, cglue 0.2.14, abi_stable 0.10.3): its descriptor's layouts must name
 * `COption` and `OsInstance` with the sizes memflow 0.2 uses. The dylib is arm64 and cannot be
 * loaded here, so its pointers are followed statically (chained fixups, identity-mapped file).
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { MEMFLOW_DYLIB, requireMemflowDylib } from "../../../tooling/testing/shared-fixtures.ts";
import { MONO_TYPE_LAYOUT, TYPE_LAYOUT } from "../src/ffi/layouts.ts";

const path = MEMFLOW_DYLIB;
const present = requireMemflowDylib("the TypeLayout offsets check");

describe.skipIf(!present)("abi_stable TypeLayout offsets", () => {
  test("memflow's native dylib: COption of 72 bytes in, OsInstance of 88 bytes out", () => {
    const bytes = new Uint8Array(readFileSync(path));
    const view = new DataView(bytes.buffer);
    // A DYLD_CHAINED_PTR_64_OFFSET rebase keeps its target in the low 36 bits.
    const pointer = (at: number) => Number(view.getBigUint64(at, true) & 0xf_ffff_ffffn);
    // The descriptor's name slice points at "native" (6 bytes); the descriptor starts 0x18 before.
    let descriptor = -1;
    for (let at = 0; at + 16 <= bytes.length && descriptor < 0; at += 8) {
      const target = pointer(at);
      if (
        view.getBigUint64(at + 8, true) === 6n &&
        new TextDecoder().decode(bytes.subarray(target, target + 6)) === "native"
      ) {
        descriptor = at - 0x18;
      }
    }
    expect(descriptor).toBeGreaterThan(0);
    const describe_ = (layout: number) => {
      const mono = pointer(layout + TYPE_LAYOUT.MONO);
      const name = pointer(mono + MONO_TYPE_LAYOUT.NAME_PTR);
      const nameLength = view.getUint16(mono + MONO_TYPE_LAYOUT.NAME_LEN, true);
      const packageAt = pointer(mono + MONO_TYPE_LAYOUT.PACKAGE_AND_VERSION_PTR);
      const packageLength = Number(view.getBigUint64(mono + MONO_TYPE_LAYOUT.PACKAGE_AND_VERSION_LEN, true));
      return {
        size: Number(view.getBigUint64(layout + TYPE_LAYOUT.SIZE, true)),
        alignment: 2 ** (bytes[layout + TYPE_LAYOUT.ALIGNMENT_POWER] ?? 0),
        name: new TextDecoder().decode(bytes.subarray(name, name + nameLength)),
        package: new TextDecoder().decode(bytes.subarray(packageAt, packageAt + packageLength)),
      };
    };
    expect(describe_(pointer(descriptor + 0x08))).toEqual({
      size: 72,
      alignment: 8,
      name: "COption",
      package: "cglue;0.2.14",
    });
    expect(describe_(pointer(descriptor + 0x10))).toEqual({
      size: 88,
      alignment: 8,
      name: "OsInstance",
      package: "memflow;0.2.1",
    });
  });
});
