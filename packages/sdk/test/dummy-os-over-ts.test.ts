/**
 * The native dummy OS over the SDK's TypeScript dummy connector (`-c <ts connector> -o dummy`):
 * it builds its page tables through the TypeScript connector and shows the same processes and
 * bytes as over the native dummy connector; the OS owns the connector and closes it once.
 */
import { describe, expect, test } from "bun:test";
import { Inventory } from "@memflow-ts/core";
import { dummyConnector } from "../src/index.ts";
import { hex, inventory, openOs } from "./support/dummy-os-inventory.ts";

const scripts = Inventory.empty().register(dummyConnector);

describe("the native dummy OS over a TypeScript connector", () => {
  test("lists the same processes and reads the same pages as over the native connector", () => {
    const scripted = scripts.instantiateConnector("dummy", undefined, ":size=4m");
    using overScript = inventory.instantiateOs("dummy", scripted, ":procs=2,seed=7");
    using overNative = openOs("size=4m", "procs=2,seed=7");
    const processes = overScript.processInfoList();
    expect(processes.length).toBeGreaterThan(1);
    expect(processes).toEqual(overNative.processInfoList());
    for (const info of processes) {
      using mine = overScript.processByInfo(info);
      using theirs = overNative.processByInfo(info);
      const modules = mine.moduleList();
      expect(modules.length).toBeGreaterThan(0);
      expect(modules).toEqual(theirs.moduleList());
      for (const module of modules.slice(0, 2)) {
        expect(hex(mine.read(module.base, 0x1000))).toBe(hex(theirs.read(module.base, 0x1000)));
      }
    }
    expect(hex(overScript.physicalMemory()?.read(0, 0x1000) ?? new Uint8Array())).toBe(
      hex(overNative.physicalMemory()?.read(0, 0x1000) ?? new Uint8Array(1)),
    );
  });

  test("closing the OS closes the TypeScript connector it was given", () => {
    const scripted = scripts.instantiateConnector("dummy", undefined, ":size=4m");
    const os = inventory.instantiateOs("dummy", scripted, ":procs=1");
    expect(scripted.closed).toBe(false);
    os.close();
    expect(scripted.closed).toBe(true);
  });
});
