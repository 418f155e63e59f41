/**
 * Who owns what between an OS, its processes and its keyboard (plugin/os.ts, decision 0012),
 * against the real testos plugin: a borrowed process or keyboard makes the OS refuse every other
 * call until it is closed, a second borrow is refused, closing the OS closes its borrower first,
 * `into…` spends the OS whether it succeeds or not, and any use after close is a MemflowError,
 * never a crash. testos counts what is alive and every OS call made while a borrow was open, so
 * after each test its counters prove that nothing leaked and that the host broke no borrow rule.
 */
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import type { Keyboard, Os, Process } from "../src/index.ts";
import { buildTestos, expectMemflowError } from "./support/testos.ts";
import { openLedger } from "./support/testos-ledger.ts";

const plugins = buildTestos("memflow-ts-os-ownership-");
const ledger = openLedger(plugins);
afterEach(() => {
  ledger.expectNothingAlive();
  ledger.reset();
});
afterAll(() => plugins.remove());

/** Every kind of OS call a borrower must block: the Os vtable and each optional part. */
const OS_CALLS: [string, (os: Os) => unknown][] = [
  ["info", (os) => os.info()],
  ["processInfoList", (os) => os.processInfoList()],
  ["processInfoByPid", (os) => os.processInfoByPid(1)],
  ["moduleList", (os) => os.moduleList()],
  ["primaryModule", (os) => os.primaryModule()],
  ["physicalMemory", (os) => os.physicalMemory()],
  ["memoryView", (os) => os.memoryView()],
  ["virtualTranslate", (os) => os.virtualTranslate()],
];

/** What a refused call throws: the OS is lent out (the error names the borrower). */
function expectRefused(os: Os, borrower: Process | Keyboard, run: (os: Os) => unknown): void {
  const error = expectMemflowError(() => run(os), "OsLayer", "AlreadyExists");
  expect(error.message).toContain("is lent to");
  expect(borrower.closed).toBe(false);
}

describe("a borrowed process", () => {
  test("makes the OS refuse every other call while open; the OS works again once it is closed", () => {
    using os = plugins.open("testos");
    const process = os.processByPid(1);
    for (const [, call] of OS_CALLS) expectRefused(os, process, call);
    // The process itself works all along.
    expect(process.info().name).toBe("init");
    process.close();
    for (const [, call] of OS_CALLS) expect(() => call(os)).not.toThrow();
    expect(os.processInfoByPid(36).name).toBe("shell");
    expect(ledger.read().testos_borrow_violations).toBe(0);
  });

  test("a handle of an optional part taken before the borrow is refused during it too", () => {
    using os = plugins.open("testos");
    const view = os.memoryView();
    const physical = os.physicalMemory();
    const translate = os.virtualTranslate();
    using process = os.processByName("shell");
    expectRefused(os, process, () => view?.read(0xfffff80000000000n, 8));
    expectRefused(os, process, () => physical?.read(0, 8));
    expectRefused(os, process, () => translate?.virtToPhys(0xfffff80000000000n));
    process.close();
    expect(view?.read(0xfffff80000000000n, 8)).toHaveLength(8);
    expect(ledger.read().testos_borrow_violations).toBe(0);
  });

  test("a second borrow, a keyboard or an into… call is refused while one is open", () => {
    using os = plugins.open("testos");
    using process = os.processByPid(36);
    expectRefused(os, process, () => os.processByPid(1));
    expectRefused(os, process, () => os.processByName("init"));
    expectRefused(os, process, () => os.keyboard());
    expectRefused(os, process, () => os.intoProcessByPid(1));
    expectRefused(os, process, () => os.intoKeyboard());
    // Refused before the plugin was called: the OS is not spent.
    expect(os.closed).toBe(false);
    expect(ledger.read()).toMatchObject({
      testos_live_processes: 1,
      testos_live_keyboards: 0,
      testos_borrow_violations: 0,
    });
  });

  test("a lent OS refuses to move into a connector (a nested chain), and is not spent", () => {
    const os = plugins.open("testos");
    const process = os.processByPid(1);
    expectRefused(os, process, (os) => plugins.inventory.instantiateConnector("testmem", os, ":size=1000"));
    expect(os.closed).toBe(false);
    process.close();
    using connector = plugins.inventory.instantiateConnector("testmem", os, ":size=1000");
    expect([os.closed, connector.closed]).toEqual([true, false]);
    expect(ledger.read()).toMatchObject({ testos_live: 1, testmem_live_instances: 2 });
  });

  test("a borrowed keyboard borrows the OS just as a process does", () => {
    using os = plugins.open("testos");
    const keyboard = os.keyboard();
    if (keyboard === undefined) throw new Error("the full build has a keyboard");
    expectRefused(os, keyboard, (os) => os.processByPid(1));
    expectRefused(os, keyboard, (os) => os.info());
    keyboard.close();
    expect(os.processByPid(1).info().pid).toBe(1);
    expect(ledger.read().testos_borrow_violations).toBe(0);
  });
});

describe("closing", () => {
  test("closing the OS closes its borrowed process first", () => {
    const os = plugins.open("testos");
    const process = os.processByPid(300);
    os.close();
    expect(process.closed).toBe(true);
    expect(os.closed).toBe(true);
    expect(ledger.read().testos_borrow_violations).toBe(0);
  });

  test("closing the OS closes its borrowed keyboard first", () => {
    const os = plugins.open("testos");
    const keyboard = os.keyboard();
    os.close();
    expect(keyboard?.closed).toBe(true);
    expect(ledger.read().testos_borrow_violations).toBe(0);
  });

  const orders: (readonly ("os" | "process")[])[] = [
    ["process", "os"],
    ["os", "process"],
    ["process", "os", "process", "os"],
  ];
  for (const order of orders) {
    test(`closing in any order is safe: ${order.join(", ")}`, () => {
      const os = plugins.open("testos");
      const process = os.processByPid(1);
      for (const which of order) (which === "os" ? os : process).close();
      expect([os.closed, process.closed]).toEqual([true, true]);
    });
  }

  test("`using` disposes the process, then the OS", () => {
    {
      using os = plugins.open("testos");
      using process = os.processByName("dæmon");
      expect(process.info().pid).toBe(4242);
      expect(ledger.read()).toMatchObject({ testos_live: 1, testos_live_processes: 1 });
    }
    expect(ledger.read()).toMatchObject({ testos_live: 0, testos_live_processes: 0, testos_borrow_violations: 0 });
  });
});

describe("into… spends the OS", () => {
  test("on success: the process owns it, and closing the process drops the OS and its connector", () => {
    const os = plugins.open("testos");
    const process = os.intoProcessByPid(1);
    expect(os.closed).toBe(true);
    os.close(); // a spent OS closes as a no-op: the process owns it
    expect(ledger.read()).toMatchObject({ testos_live: 1, testos_live_owning_processes: 1, testmem_live_instances: 1 });
    expect(process.info().name).toBe("init");
    process.close();
  });

  test("on failure (an unknown pid): the plugin drops the OS, and the host knows it is spent", () => {
    const os = plugins.open("testos");
    expectMemflowError(() => os.intoProcessByPid(12345), "OsLayer", "ProcessNotFound");
    expect(os.closed).toBe(true);
    expect(ledger.read()).toMatchObject({ testos_live: 0, testmem_live_instances: 0 });
    const error = expectMemflowError(() => os.processInfoList(), "Ffi", "Uninitialized");
    expect(error.message).toContain("moved into a process");
  });

  test("on failure of each lookup kind: by name, by address and by info", () => {
    const failures: [(os: Os) => unknown, "ProcessNotFound" | "InvalidProcessInfo"][] = [
      [(os) => os.intoProcessByName("nobody"), "ProcessNotFound"],
      [(os) => os.intoProcessByAddress(0x9000n), "ProcessNotFound"],
      [(os) => os.intoProcessByInfo({ ...os.processInfoByPid(1), address: 0x9000n }), "InvalidProcessInfo"],
    ];
    for (const [into, kind] of failures) {
      const os = plugins.open("testos");
      expectMemflowError(() => into(os), "OsLayer", kind);
      expect(os.closed).toBe(true);
      expect(ledger.read().testos_live).toBe(0);
    }
  });

  test("an owning process can open nothing from the spent OS, and the OS refuses to move again", () => {
    const os = plugins.open("testos");
    using process = os.intoProcessByName("shell");
    expectMemflowError(() => os.intoProcessByPid(1), "Ffi", "Uninitialized");
    expectMemflowError(() => os.intoKeyboard(), "Ffi", "Uninitialized");
    expect(process.info().pid).toBe(36);
  });
});

describe("use after close", () => {
  test("of the OS, of a process and of a keyboard is (Ffi, Uninitialized), never a crash", () => {
    const os = plugins.open("testos");
    const keyboard = os.keyboard();
    keyboard?.close();
    const process = os.processByPid(36);
    os.close();
    for (const [, call] of OS_CALLS) expectMemflowError(() => call(os), "Ffi", "Uninitialized");
    expectMemflowError(() => process.info(), "Ffi", "Uninitialized");
    expectMemflowError(() => process.moduleList(), "Ffi", "Uninitialized");
    expectMemflowError(() => process.read(0x400000n, 8), "Ffi", "Uninitialized");
    expectMemflowError(() => keyboard?.isDown(1), "Ffi", "Uninitialized");
    expectMemflowError(() => keyboard?.state(), "Ffi", "Uninitialized");
    const owning = plugins.open("testos").intoKeyboard();
    owning.close();
    expectMemflowError(() => owning.setDown(1, true), "Ffi", "Uninitialized");
  });

  test("a kernel view taken from a closed OS is refused", () => {
    const os = plugins.open("testos");
    const view = os.memoryView();
    const translate = os.virtualTranslate();
    os.close();
    expectMemflowError(() => view?.read(0xfffff80000000000n, 8), "Ffi", "Uninitialized");
    expectMemflowError(() => translate?.virtToPhys(0xfffff80000000000n), "Ffi", "Uninitialized");
  });
});
