/**
 * ps, info, modules, exports, imports and sections against real OS plugins built with gcc: the
 * SDK's native dummy OS over the dummy connector (as `memflow-ts setup` installs them) and core's
 * C test OS, whose every value is fixed by packages/core/test/support/plugins/test-os.md (a dead
 * process sharing a name with a live one, a 32-bit process, a UTF-8 name).
 */
import { describe, expect, test } from "bun:test";
import { ExitCode } from "../src/index.ts";
import { buildDummyWithOs, buildTestOs, TESTOS_CHAIN } from "./support/os-plugins.ts";
import { osSandbox } from "./support/os-sandbox.ts";
import { gcc } from "./support/plugins.ts";

const { run } = osSandbox("memflow-ts-os-", (plugins) => {
  buildDummyWithOs(plugins);
  buildTestOs(plugins);
});

const DUMMY = ["-c", "dummy::size=4m", "-o", "dummy::procs=2,seed=7"];
const testos = (command: string, ...args: string[]) => run([command, ...TESTOS_CHAIN, ...args]);

describe.skipIf(!gcc.available)("ps", () => {
  test("the dummy OS's processes as a table, in the OS's order", async () => {
    expect(await run(["ps", ...DUMMY])).toEqual({
      code: ExitCode.ok,
      stdout:
        "PID     NAME             ARCH       STATE      PATH                         COMMAND LINE\n" +
        "1       dummy1           x86_64     Alive      /usr/bin/dummy1              /usr/bin/dummy1 --seed 7\n" +
        "2       dummy2           x86_64     Alive      /usr/bin/dummy2              /usr/bin/dummy2 --seed 7\n",
      stderr: "",
    });
  });

  test("the process's own architecture, Dead with its exit code, Unknown, UTF-8 names; -q drops the header", async () => {
    const listed = await testos("ps", "-q");
    expect(listed.code).toBe(ExitCode.ok);
    expect(listed.stdout).toBe(
      "1       init             x86_64     Alive      /sbin/init                   /sbin/init splash\n" +
        '20      shell            x86_64     Dead(3)    /bin/sh                      sh -c "exit 3"\n' +
        "36      shell            x86_64     Alive      /bin/sh                      /bin/sh -l\n" +
        "300     legacy32         x86_32     Alive      C:\\legacy\\legacy32.exe       legacy32.exe /quiet\n" +
        "4242    dæmon            x86_64     Unknown    /usr/sbin/dæmon              dæmon --foreground\n",
    );
  });

  test("--json: memflow's field names, addresses as hex strings, the state and exit code apart", async () => {
    const listed = await testos("ps", "--json");
    expect(listed.code).toBe(ExitCode.ok);
    const processes = JSON.parse(listed.stdout);
    expect(processes).toHaveLength(5);
    expect(processes[1]).toEqual({
      pid: 20,
      name: "shell",
      state: "Dead",
      exit_code: 3,
      sys_arch: "x86_64",
      proc_arch: "x86_64",
      path: "/bin/sh",
      command_line: 'sh -c "exit 3"',
      address: "0x2000",
      dtb1: "0x20000",
      dtb2: "0xffffffffffffffff",
    });
    expect(processes[3]).toMatchObject({ pid: 300, state: "Alive", exit_code: null, proc_arch: "x86_32" });
    expect(processes[4]).toMatchObject({ name: "dæmon", state: "Unknown" });
  });

  test("a chain that ends with a connector is a usage error that says to add -o", async () => {
    const listed = await run(["ps", "-c", "dummy"]);
    expect(listed.code).toBe(ExitCode.usage);
    expect(listed.stderr).toStartWith("[X] ps needs a chain that ends with an OS: add -o <name[:target[:args]]>");
  });

  test("arguments after ps are a usage error", async () => {
    const listed = await run(["ps", ...DUMMY, "extra"]);
    expect(listed.code).toBe(ExitCode.usage);
    expect(listed.stderr).toStartWith("[X] ps takes no arguments (got extra)");
  });

  test("an OS plugin's bad argument is its error with memflow's argument syntax as the hint", async () => {
    const listed = await run(["ps", "-c", "dummy::size=4m", "-o", "dummy::procs=many"]);
    expect(listed.code).toBe(ExitCode.failed);
    expect(listed.stderr).toStartWith("[X] args validator: ");
    expect(listed.stderr).toContain("'memflow-ts help <plugin>' shows what a plugin accepts");
  });
});

describe.skipIf(!gcc.available)("info", () => {
  test("the kernel's base, size and architecture; --json", async () => {
    expect(await testos("info")).toEqual({
      code: ExitCode.ok,
      stdout: "os    testos\nbase  0xfffff80000000000\nsize  0x800000\narch  x86_64\n",
      stderr: "",
    });
    const json = await testos("info", "--json");
    expect(JSON.parse(json.stdout)).toEqual({
      os: "testos",
      base: "0xfffff80000000000",
      size: "0x800000",
      arch: "x86_64",
    });
  });
});

describe.skipIf(!gcc.available)("modules", () => {
  test("by pid: name, base, size, architecture, path", async () => {
    expect(await testos("modules", "300")).toEqual({
      code: ExitCode.ok,
      stdout:
        "NAME                 BASE               SIZE       ARCH       PATH\n" +
        "legacy32             0x400000           0x10000    x86_32     C:\\legacy\\legacy32.exe\n" +
        "libc.so.6            0x7f0000000000     0x200000   x86_32     /lib/libc.so.6\n" +
        "wow64.dll            0x7ff000000000     0x100000   x86_64     C:\\Windows\\System32\\wow64.dll\n",
      stderr: "",
    });
  });

  test("by name, memflow's rule: the live shell (pid 36), not the dead one listed first", async () => {
    const listed = await testos("modules", "shell", "--json");
    expect(listed.code).toBe(ExitCode.ok);
    expect(JSON.parse(listed.stdout)).toEqual([
      {
        name: "shell",
        base: "0x400000",
        size: "0x10000",
        arch: "x86_64",
        path: "/bin/sh",
        address: "0x3100",
        parent_process: "0x3000",
      },
      {
        name: "libc.so.6",
        base: "0x7f0000000000",
        size: "0x200000",
        arch: "x86_64",
        path: "/lib/libc.so.6",
        address: "0x3200",
        parent_process: "0x3000",
      },
    ]);
  });

  test("a dead process by pid", async () => {
    const listed = await testos("modules", "20", "-q");
    expect(listed.code).toBe(ExitCode.ok);
    expect(listed.stdout).toContain("shell                0x400000");
  });

  test("a pid that is no process: memflow's error naming it, and where to look; exit 1", async () => {
    expect(await testos("modules", "99")).toEqual({
      code: ExitCode.failed,
      stdout: "",
      stderr:
        "[X] oslayer: process not found (no process with pid 99 in os testos)\n" +
        "    'memflow-ts ps -c <connector> -o <os>' lists the processes; by name, memflow picks the first of that exact name that is not dead.\n",
    });
  });

  test("a name that is no live process; names are exact", async () => {
    const listed = await run(["modules", ...DUMMY, "Dummy1"]);
    expect(listed.code).toBe(ExitCode.failed);
    expect(listed.stderr).toStartWith(
      '[X] oslayer: process not found (no process with name "Dummy1" that is alive in os dummy)\n',
    );
  });

  test("a pid past u32 is a usage error; so is a missing process", async () => {
    const big = await testos("modules", "4294967296");
    expect(big.code).toBe(ExitCode.usage);
    expect(big.stderr).toStartWith("[X] pid 4294967296 is out of range: pids are 0 to 4294967295");
    const none = await testos("modules");
    expect(none.code).toBe(ExitCode.usage);
    expect(none.stderr).toStartWith("[X] modules needs one process, a pid or a name (got nothing)");
  });
});

describe.skipIf(!gcc.available)("exports, imports, sections", () => {
  test("exports: offset from the base and absolute address", async () => {
    expect(await testos("exports", "init", "init")).toEqual({
      code: ExitCode.ok,
      stdout:
        "NAME                     OFFSET             ADDRESS\n" +
        "start                    0x1000             0x401000\n" +
        "helper                   0x1800             0x401800\n",
      stderr: "",
    });
  });

  test("imports --json", async () => {
    const listed = await testos("imports", "36", "libc.so.6", "--json");
    expect(JSON.parse(listed.stdout)).toEqual([
      { name: "malloc", offset: "0x2000", address: "0x7f0000002000" },
      { name: "free", offset: "0x2008", address: "0x7f0000002008" },
    ]);
  });

  test("sections of the dummy OS's module, table and --json", async () => {
    const table = await run(["sections", ...DUMMY, "2", "libc.so.6", "-q"]);
    expect(table.code).toBe(ExitCode.ok);
    const rows = table.stdout.trimEnd().split("\n");
    expect(rows.map((row) => row.split(/ +/)[0])).toEqual([".text", ".rodata", ".data"]);
    const listed = await run(["sections", ...DUMMY, "dummy2", "libc.so.6", "--json"]);
    const sections = JSON.parse(listed.stdout) as { name: string; base: string; size: string }[];
    // dummy-os.md: .text at base + 1000 (size 2000), .rodata at base + 3000 (size 1000).
    const modules = JSON.parse((await run(["modules", ...DUMMY, "2", "--json"])).stdout) as {
      name: string;
      base: string;
    }[];
    const base = BigInt(modules.find((module) => module.name === "libc.so.6")?.base ?? "0");
    expect(sections.slice(0, 2)).toEqual([
      { name: ".text", base: `0x${(base + 0x1000n).toString(16)}`, size: "0x2000" },
      { name: ".rodata", base: `0x${(base + 0x3000n).toString(16)}`, size: "0x1000" },
    ]);
  });

  test("a module that is not there: memflow's error naming it; exit 1", async () => {
    expect(await testos("exports", "1", "libc.so")).toEqual({
      code: ExitCode.failed,
      stdout: "",
      stderr:
        '[X] oslayer: module not found (no module named "libc.so" in the process with pid 1)\n' +
        "    'memflow-ts modules -c <connector> -o <os> <pid|name>' lists the process's modules by their exact names.\n",
    });
  });

  test("a missing module name is a usage error", async () => {
    const listed = await testos("sections", "1");
    expect(listed.code).toBe(ExitCode.usage);
    expect(listed.stderr).toStartWith("[X] sections needs a process (pid or name) and a module name (got 1)");
  });
});
