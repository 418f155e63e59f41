/**
 * A TypeScript OS as the input of a native connector plugin (memflow's nested chains, the qemu
 * pattern): testmem's `proc=<name>` opens a process of its input OS and serves that process's
 * virtual memory as its physical memory. Over the TypeScript `patternos` it reads what the
 * process gives directly, as it does over the native testos; errors and throwing layers become
 * memflow errors, the OS is closed once with the connector, a plugin thread is refused and logged.
 */
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { dirname } from "node:path";
import { scriptInputsHeld } from "../src/ffi/script-input.ts";
import { type Connector, Inventory, type PluginLogRecord } from "../src/index.ts";
import { hostFor } from "../src/plugin-files.ts";
import { PROCESS_SIZE, patternOs, processByte } from "./support/pattern-os.ts";
import { buildTestos, expectMemflowError } from "./support/testos.ts";
import { openLedger } from "./support/testos-ledger.ts";

const plugins = buildTestos("memflow-ts-script-os-input-");
const ledger = openLedger(plugins);
const pattern = patternOs();
const records: PluginLogRecord[] = [];
const inventory = Inventory.scanPath(dirname(plugins.inventory.plugins()[0]?.path ?? "."), {
  host: hostFor("linux", process.arch),
  warn: () => {},
  log: (record) => records.push(record),
  logLevel: "info",
}).register(pattern.definition);
const heldBefore = scriptInputsHeld();

afterEach(() => {
  pattern.failing = false;
  records.length = 0;
  ledger.expectNothingAlive();
  expect(scriptInputsHeld()).toBe(heldBefore);
});
afterAll(() => {
  inventory.close();
  plugins.remove();
});

/** `-c testmem -o <os> -c testmem::<args>`: a native connector over the OS. */
function overOs(os: "patternos" | "testos", args: string, osArgs = ""): Connector {
  return inventory
    .builder()
    .connector("testmem")
    .args(":size=300000,fill=5b")
    .os(os)
    .args(osArgs)
    .connector("testmem")
    .args(`:${args}`)
    .build();
}

function patternBytes(pid: number, address: number, length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, index) => processByte(pid, address + index));
}

function logged(): string[] {
  inventory.flushLogs();
  return records.map((record) => record.message);
}

describe("a native connector over a TypeScript OS", () => {
  test("reads the process's virtual memory: the bytes the TypeScript process gives directly", () => {
    const closesBefore = pattern.closes;
    {
      using connector = overOs("patternos", "proc=beta");
      using os = inventory.builder().connector("testmem").os("patternos").build();
      using beta = os.processByName("beta");
      const read = connector.read(0x123, 0x500);
      expect(read).toEqual(patternBytes(2, 0x123, 0x500));
      expect(read).toEqual(beta.read(0x123, 0x500));
      // Past the process's memory: the part that is there, and the rest reported as failed.
      const [edge] = connector.readMany([{ address: PROCESS_SIZE - 8, length: 16 }]);
      expect(edge).toMatchObject({ done: 8, failed: 8, ok: false });
      expect(edge?.data.subarray(0, 8)).toEqual(patternBytes(2, PROCESS_SIZE - 8, 8));
      // The view's metadata, with a real size of 2^64 (a whole 64-bit space) cut to what a u64 holds.
      const view = beta.metadata();
      expect(view.realSize).toBe(1n << 64n);
      expect(connector.metadata()).toMatchObject({ maxAddress: view.maxAddress, realSize: (1n << 64n) - 1n });
    }
    expect(pattern.closes).toBe(closesBefore + 2);
  });

  test("writes reach the process's memory", () => {
    using connector = overOs("patternos", "proc=alpha");
    connector.write(0x40, Uint8Array.of(1, 2, 3, 4));
    expect(connector.read(0x3e, 8)).toEqual(
      Uint8Array.of(...patternBytes(1, 0x3e, 2), 1, 2, 3, 4, ...patternBytes(1, 0x44, 2)),
    );
  });

  test("the plugin lists processes and modules and reads info(): strings it owns, as memflow gives them", () => {
    using connector = overOs("patternos", "proc=alpha,proc_survey=1");
    expect(connector.read(0, 4)).toEqual(patternBytes(1, 0, 4));
    expect(logged()).toEqual(
      expect.arrayContaining([
        "survey: os ffff800000000000; processes alpha,beta,; modules kernel,libpattern.so,",
        "survey: process alpha pid 1; modules alpha@1000,libpattern.so@2000,; primary alpha" +
          "; 1234 at 201234; list 3 pieces 1 failed; back from 200000 0",
      ]),
    );
  });

  test("a process without a translation has no VirtualTranslate (memflow's optional trait)", () => {
    using connector = overOs("patternos", "proc=beta,proc_survey=1");
    expect(logged()).toContain(
      "survey: process beta pid 2; modules beta@1000,libpattern.so@2000,; primary beta; no translation",
    );
    expect(connector.read(0, 2)).toEqual(patternBytes(2, 0, 2));
  });

  test("the TypeScript OS is closed once, when the connector (which owns it) is closed", () => {
    const closesBefore = pattern.closes;
    const connector = overOs("patternos", "proc=alpha");
    expect(pattern.closes).toBe(closesBefore);
    connector.close();
    expect(pattern.closes).toBe(closesBefore + 1);
    connector.close();
    expect(pattern.closes).toBe(closesBefore + 1);
  });

  test("a missing process is memflow's (OsLayer, ProcessNotFound), and the OS is closed", () => {
    const closesBefore = pattern.closes;
    expectMemflowError(() => overOs("patternos", "proc=gamma"), "OsLayer", "ProcessNotFound");
    expect(pattern.closes).toBe(closesBefore + 1);
  });

  test("a TypeScript process that throws makes the read fail, never the process crash", () => {
    using connector = overOs("patternos", "proc=alpha");
    pattern.failing = true;
    expectMemflowError(() => connector.read(0, 16), "PhysicalMemory", "PartialData");
    const [result] = connector.readMany([{ address: 0, length: 16 }]);
    expect(result).toMatchObject({ done: 0, failed: 16, ok: false });
    pattern.failing = false;
    expect(connector.read(0, 16)).toEqual(patternBytes(1, 0, 16));
  });

  test("proc_read=thread: a read from the plugin's own thread is refused, and the shim says so", () => {
    using connector = overOs("patternos", "proc=alpha,proc_read=thread");
    expect(logged()).toEqual(
      expect.arrayContaining([
        "a TypeScript process was read from another thread; the read fails",
        "proc_read=thread: the read failed",
      ]),
    );
    // The same read on the JavaScript thread succeeds.
    expect(connector.read(0, 1)).toEqual(patternBytes(1, 0, 1));
  });
});

describe("the same connector over the native testos (the all-native chain)", () => {
  test("reads testos's process as the process reads itself, its unmapped page failing the same way", () => {
    using connector = overOs("testos", "proc=shell");
    using os = inventory.builder().connector("testmem").args(":size=300000,fill=5b").os("testos").build();
    using shell = os.processByName("shell");
    const requests = [
      { address: 0x400100, length: 0x80 },
      { address: 0x404ff0, length: 0x20 },
    ];
    const mine = connector.readMany(requests);
    const theirs = shell.readMany(requests);
    expect(mine.map(({ done, failed, data }) => ({ done, failed, data }))).toEqual(
      theirs.map(({ done, failed, data }) => ({ done, failed, data })),
    );
    expect(mine[0]?.data).toEqual(new Uint8Array(0x80).fill(0x5b));
    expect(mine[1]).toMatchObject({ done: 0x10, failed: 0x10 });
  });

  test("proc=<name> without an input OS is (Connector, ArgValidation), and the plugin says why", () => {
    expectMemflowError(
      () => inventory.instantiateConnector("testmem", undefined, ":proc=shell"),
      "Connector",
      "ArgValidation",
    );
    expect(logged()).toContain("proc=<name> reads a process of the OS given as input, and none was given");
  });
});
