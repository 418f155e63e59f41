/**
 * OS plugins in the Inventory's builder and in chains, as memflow builds them: a chain that ends
 * with an OS gives the Os with the full API, one that ends with a connector gives the connector,
 * nested chains hand each OS to the next connector (which owns it), and an OS plugin's logs,
 * from its own thread too, reach the host's sink. Against the real testos and testmem plugins.
 */
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { dirname } from "node:path";
import { ConnectorChain, chainArguments, Inventory, type Os, OsChain, type PluginLogRecord } from "../src/index.ts";
import { hostFor } from "../src/plugin-files.ts";
import { bufferConnector } from "./support/buffer-connector.ts";
import { buildTestos, expectMemflowError, physicalBytes } from "./support/testos.ts";
import { openLedger } from "./support/testos-ledger.ts";

const plugins = buildTestos("memflow-ts-os-chains-");
const ledger = openLedger(plugins);
afterEach(() => ledger.expectNothingAlive());
afterAll(() => plugins.remove());

const { inventory } = plugins;

function osChain(argv: string[]): OsChain {
  const { connectors, osLayers } = chainArguments(argv);
  return OsChain.fromArgs(connectors, osLayers);
}

/** The test-os.md facts an Os built any way must show. */
function expectTestos(os: Os): void {
  expect(os.name).toBe("testos");
  expect(os.processInfoByName("shell").pid).toBe(36);
  expect(os.primaryModule().name).toBe("ntoskrnl.exe");
  using process = os.processByPid(1);
  expect(process.moduleList().map((module) => module.name)).toEqual(["init", "libc.so.6"]);
}

describe("building an OS", () => {
  test("the builder: connector, its arguments, then the OS with its arguments", () => {
    using os = inventory.builder().connector("testmem").args(":size=300000").os("testos").args(":processes=2").build();
    expectTestos(os);
    expect(os.processAddressList()).toHaveLength(7);
  });

  test("an OsChain from -c testmem::size=300000 -o testos", () => {
    using os = inventory
      .builder()
      .osChain(osChain(["-c", "testmem::size=300000", "-o", "testos"]))
      .build();
    expectTestos(os);
    expect(ledger.read()).toMatchObject({ testos_live: 1, testmem_live_instances: 1 });
  });

  test("a nested chain -c testmem -o testos -c testmem -o testos: each OS is owned by the connector after it", () => {
    const chain = osChain(["-c", "testmem::size=300000", "-o", "testos", "-c", "testmem::size=300000", "-o", "testos"]);
    const os = inventory.builder().osChain(chain).build();
    expectTestos(os);
    // The outer OS reads the second connector's memory, not the first OS's.
    os.physicalMemory()?.write(0, new Uint8Array([1, 2, 3]));
    expect(os.memoryView()?.read(0xfffff80000000000n, 3)).toEqual(new Uint8Array([1, 2, 3]));
    expect(ledger.read()).toMatchObject({ testos_live: 2, testmem_live_instances: 2 });
    // Closing the outer OS drops its connector, which drops the inner OS and the connector under it.
    os.close();
  });

  test("a chain that ends with a connector gives the connector, which owns the OS before it", () => {
    const { connectors, osLayers } = chainArguments([
      "-c",
      "testmem::size=300000",
      "-o",
      "testos",
      "-c",
      "testmem::size=1000,fill=7",
    ]);
    using connector = inventory.builder().connectorChain(ConnectorChain.fromArgs(connectors, osLayers)).build();
    expect(connector.name).toBe("testmem");
    expect(connector.metadata().realSize).toBe(0x1000n);
    expect(connector.read(0, 2)).toEqual(new Uint8Array([7, 7]));
    expect(ledger.read()).toMatchObject({ testos_live: 1, testmem_live_instances: 2 });
  });

  test("an OS whose create fails drops the connector it was given, and the chain says why", () => {
    const chain = osChain(["-c", "testmem::size=300000", "-o", "testos::log=everything"]);
    expectMemflowError(() => inventory.builder().osChain(chain).build(), "ArgsValidator", "ArgValidation");
    expectMemflowError(
      () => inventory.builder().connector("testmem").args(":size=300000").os("testos").args(":processes=many").build(),
      "ArgsValidator",
      "ArgValidation",
    );
  });

  test("the OS owns the connector: the physical memory it offers is the connector's", () => {
    using os = plugins.open("testos");
    expect(os.physicalMemory()?.read(0x2ffff0, 16)).toEqual(physicalBytes(0x2ffff0, 16));
    expect(os.physicalMemory()?.metadata().realSize).toBe(0x300000n);
  });
});

describe("an OS plugin's logs", () => {
  const records: PluginLogRecord[] = [];
  const logging = Inventory.scanPath(dirname(plugins.inventory.plugins()[0]?.path ?? "."), {
    host: hostFor("linux", process.arch),
    warn: () => {},
    log: (record) => records.push(record),
    logLevel: "info",
  });
  afterAll(() => logging.close());

  test("log=thread: the record the plugin logs from a thread of its own reaches the host's sink", () => {
    using os = logging.builder().connector("testmem").args(":size=300000").os("testos").args(":log=thread").build();
    logging.flushLogs();
    expect(records.filter((record) => record.target === "testos")).toEqual([
      expect.objectContaining({ level: "info", target: "testos", message: "testos started on its own thread" }),
    ]);
    expect(os.closed).toBe(false);
  });

  test("read=thread: a TypeScript connector refuses a read from the plugin's own thread, and says so", () => {
    records.length = 0;
    const scripted = logging.register(bufferConnector(new Uint8Array(0x300000)).definition);
    const connector = scripted.instantiateConnector("scripted");
    expectMemflowError(
      () => scripted.instantiateOs("testos", connector, ":read=thread"),
      "Connector",
      "UnableToReadMemory",
    );
    expect(connector.closed).toBe(true);
    logging.flushLogs();
    expect(records).toContainEqual(
      expect.objectContaining({
        level: "error",
        message: "a TypeScript connector was read from another thread; the read fails",
      }),
    );
    // The same read from the plugin's thread of a native connector succeeds.
    using os = logging.builder().connector("testmem").args(":size=300000").os("testos").args(":read=thread").build();
    expect(os.closed).toBe(false);
  });

  test("without log=thread the OS plugin logs nothing", () => {
    records.length = 0;
    using os = logging.builder().connector("testmem").args(":size=300000").os("testos").build();
    logging.flushLogs();
    expect(records.filter((record) => record.target === "testos")).toEqual([]);
    expect(os.closed).toBe(false);
  });
});
