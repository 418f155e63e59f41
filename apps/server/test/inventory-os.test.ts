/**
 * Issue 16, the server's routes into an OS: processes, modules, their contents and virtual memory
 * of a session whose chain ends with an OS, against the SDK's native dummy OS (checked against its
 * contract, dummy-os.md) and core's test OS (test-os.md), with memflow's errors as HTTP statuses,
 * unmapped memory reported rather than failed, and a crashing OS plugin that ends only its session.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { dummyOsBytes } from "@memflow-ts/sdk";
import { getSchemaValidator, type TSchema } from "elysia";
import { requireTool } from "../../../tooling/testing/require-tool.ts";
import { ChainPolicy } from "../src/inventory/chain-policy.ts";
import * as schemas from "../src/inventory/os-schemas.ts";
import { PathConfinement } from "../src/inventory/path-confinement.ts";
import { SessionPool } from "../src/inventory/session-pool.ts";
import {
  BUILD_TIMEOUT_MS,
  CRASHOS_CHAIN,
  DUMMY_OS_CHAIN,
  DUMMY_SEED,
  osServerForTests,
  TESTOS_CHAIN,
  TESTOSMIN_CHAIN,
} from "./os-plugins.ts";

const gcc = requireTool("gcc", "gcc");
const server = osServerForTests(gcc.available);
const { call, open, logs, pluginDir } = server;

async function json<T = Record<string, unknown>>(path: string, init?: RequestInit): Promise<T> {
  const response = await call(path, init);
  if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** The JSON error body's code and the status, for a client that asks for JSON. */
async function failure(
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; code: string; message: string }> {
  const response = await call(path, { ...init, headers: { ...init.headers, accept: "application/json" } });
  const body = (await response.json()) as { error: { code: string; message: string } };
  return { status: response.status, ...body.error };
}

interface Process {
  pid: number;
  name: string;
  address: string;
  state: string;
  exit_code: number | null;
  command_line: string;
  proc_arch: string;
}
interface Module {
  name: string;
  base: string;
  size: string;
  arch: string;
}

describe.skipIf(!gcc.available)("a session on the SDK's dummy OS", () => {
  let id = "";
  beforeAll(async () => {
    id = await open(DUMMY_OS_CHAIN);
  }, BUILD_TIMEOUT_MS);

  test("opens with the OS's info beside the physical memory's metadata", async () => {
    const listed = (await json<{ sessions: { id: string }[] }>("/api/inventory/sessions")).sessions;
    expect(listed.map((session) => session.id)).toContain(id);
    const info = await json(`/api/inventory/sessions/${id}/os`);
    expect(info.arch).toBe("x86_64");
    expect(BigInt(info.base as string) >= 0xffff_f800_0000_0000n).toBe(true);
  });

  test("lists the four processes the contract promises", async () => {
    const { processes } = await json<{ processes: Process[] }>(`/api/inventory/sessions/${id}/processes`);
    expect(processes.map((p) => [p.pid, p.name, p.state, p.exit_code, p.command_line, p.proc_arch])).toEqual(
      [1, 2, 3, 4].map((pid) => [pid, `dummy${pid}`, "Alive", null, `/usr/bin/dummy${pid} --seed 7`, "x86_64"]),
    );
  });

  test("finds a process by pid and by name, the same one", async () => {
    const byPid = await json<Process>(`/api/inventory/sessions/${id}/processes/3`);
    const byName = await json<Process>(`/api/inventory/sessions/${id}/processes/dummy3`);
    expect(byName).toEqual(byPid);
    expect(byPid.pid).toBe(3);
  });

  test("lists a process's modules and the first module's exports, imports and sections", async () => {
    const { modules } = await json<{ modules: Module[] }>(`/api/inventory/sessions/${id}/processes/2/modules`);
    const process = await json<Process>(`/api/inventory/sessions/${id}/processes/2`);
    expect(modules[0]).toMatchObject({ name: "dummy2", base: process.address, arch: "x86_64" });
    expect(modules.slice(1).map((module) => module.name)).toEqual(
      ["libc.so.6", "libm.so.6", "libdummy.so"].slice(0, modules.length - 1),
    );
    const base = BigInt(process.address);
    const exports = await json<{ exports: { name: string; offset: string; address: string }[] }>(
      `/api/inventory/sessions/${id}/processes/2/modules/libc.so.6/exports`,
    );
    // An export's address is its module's base plus its offset.
    const libc = BigInt(modules[1]?.base ?? "-1");
    expect(exports.exports.slice(0, 2)).toEqual([
      { name: "start", offset: "0x1000", address: `0x${(libc + 0x1000n).toString(16)}` },
      { name: "run", offset: "0x1100", address: `0x${(libc + 0x1100n).toString(16)}` },
    ]);
    const imports = await json<{ imports: { name: string; offset: string; address: string }[] }>(
      `/api/inventory/sessions/${id}/processes/dummy2/modules/dummy2/imports`,
    );
    expect(imports.imports[0]).toEqual({
      name: "malloc",
      offset: "0x3000",
      address: `0x${(base + 0x3000n).toString(16)}`,
    });
    const sections = await json<{ module: Module; sections: { name: string; base: string; size: string }[] }>(
      `/api/inventory/sessions/${id}/processes/2/modules/dummy2/sections`,
    );
    expect(sections.module.name).toBe("dummy2");
    expect(sections.sections.slice(0, 2)).toEqual([
      { name: ".text", base: `0x${(base + 0x1000n).toString(16)}`, size: "0x2000" },
      { name: ".rodata", base: `0x${(base + 0x3000n).toString(16)}`, size: "0x1000" },
    ]);
  });

  test("reads a module's memory with the contract's bytes, and reports its hole instead of failing", async () => {
    const { modules } = await json<{ modules: Module[] }>(`/api/inventory/sessions/${id}/processes/1/modules`);
    const module = modules[0] as Module;
    const base = BigInt(module.base);
    const pages = Number(BigInt(module.size) / 0x1000n);
    const hole = base + BigInt(Math.floor(pages / 2) * 0x1000);
    // From the page before the hole to the page after it: mapped, unmapped, mapped.
    const start = hole - 0x800n;
    const read = await json<{ pid: number; hex: string; unreadable: { address: string; length: number }[] }>(
      `/api/inventory/sessions/${id}/processes/dummy1/memory?address=0x${start.toString(16)}&length=${0x2000}`,
    );
    expect(read.pid).toBe(1);
    expect(read.unreadable).toEqual([{ address: `0x${hole.toString(16)}`, length: 0x1000 }]);
    const bytes = Buffer.from(read.hex, "hex");
    expect(bytes.subarray(0, 0x800)).toEqual(Buffer.from(dummyOsBytes(DUMMY_SEED, 1, start, 0x800)));
    expect(bytes.subarray(0x800, 0x1800)).toEqual(Buffer.alloc(0x1000));
    expect(bytes.subarray(0x1800)).toEqual(Buffer.from(dummyOsBytes(DUMMY_SEED, 1, hole + 0x1000n, 0x800)));

    const binary = await call(
      `/api/inventory/sessions/${id}/processes/1/memory?address=${base}&length=16&format=binary`,
    );
    expect(binary.headers.get("content-type")).toBe("application/octet-stream");
    expect(JSON.parse(binary.headers.get("x-memflow-unreadable") ?? "")).toEqual([]);
    expect(Buffer.from(await binary.arrayBuffer())).toEqual(Buffer.from(dummyOsBytes(DUMMY_SEED, 1, base, 16)));
  });

  test("answers with the bodies the OpenAPI document describes", async () => {
    const session = `/api/inventory/sessions/${id}`;
    const { address } = await json<Process>(`${session}/processes/1`);
    for (const [schema, path] of [
      [schemas.OS_INFO, "/os"],
      [schemas.PROCESS_LIST, "/processes"],
      [schemas.PROCESS_INFO, "/processes/dummy1"],
      [schemas.MODULE_LIST, "/processes/1/modules"],
      [schemas.EXPORT_LIST, "/processes/1/modules/dummy1/exports"],
      [schemas.IMPORT_LIST, "/processes/1/modules/dummy1/imports"],
      [schemas.SECTION_LIST, "/processes/1/modules/dummy1/sections"],
      [schemas.VIRTUAL_READ, `/processes/1/memory?address=${address}&length=64`],
    ] as [TSchema, string][]) {
      expect({ path, valid: getSchemaValidator(schema).Check(await json(`${session}${path}`)) }).toEqual({
        path,
        valid: true,
      });
    }
  });

  test("an address nothing maps reads as zeroes, all of it reported", async () => {
    const read = await json<{ hex: string; unreadable: unknown[] }>(
      `/api/inventory/sessions/${id}/processes/1/memory?address=0x10&length=32`,
    );
    expect(read.hex).toBe("00".repeat(32));
    expect(read.unreadable).toEqual([{ address: "0x10", length: 32 }]);
  });

  test("writes a process's memory where the policy allows writes; a write to unmapped memory is a 422", async () => {
    const { address } = await json<Process>(`/api/inventory/sessions/${id}/processes/4`);
    const at = BigInt(address) + 0x10n;
    const written = await call(`/api/inventory/sessions/${id}/processes/4/memory?address=${at}`, {
      method: "PUT",
      body: new Uint8Array([0xde, 0xad, 0xbe, 0xef]),
    });
    expect(written.status).toBe(204);
    const read = await json<{ hex: string }>(`/api/inventory/sessions/${id}/processes/4/memory?address=${at}&length=4`);
    expect(read.hex).toBe("deadbeef");
    const unmapped = await failure(`/api/inventory/sessions/${id}/processes/4/memory?address=0x10`, {
      method: "PUT",
      body: new Uint8Array(4),
    });
    expect(unmapped).toMatchObject({ status: 422, code: "memory-error" });
  });

  test("an unknown pid, name or module is memflow's error as a 404; bad input a 400", async () => {
    const base = `/api/inventory/sessions/${id}/processes`;
    expect(await failure(`${base}/99`)).toMatchObject({ status: 404, code: "not-found" });
    expect((await failure(`${base}/99`)).message).toBe("oslayer: process not found (no process with pid 99)");
    expect((await failure(`${base}/nobody/modules`)).message).toContain('no process with name "nobody"');
    expect(await failure(`${base}/1/modules/nothing.so/exports`)).toMatchObject({
      status: 404,
      message: expect.stringContaining("module not found"),
    });
    expect(await failure(`${base}/99999999999`)).toMatchObject({ status: 400, code: "bad-request" });
    expect(await failure(`${base}/1/memory?address=0x1g&length=4`)).toMatchObject({ status: 400 });
    expect(await failure(`${base}/1/memory?address=0x10&length=0`)).toMatchObject({ status: 400 });
    expect(await failure(`${base}/1/memory?address=0xffffffffffffffff&length=4`)).toMatchObject({
      status: 400,
      message: expect.stringContaining("64-bit address space"),
    });
    expect(await failure("/api/inventory/sessions/none/processes")).toMatchObject({ status: 404 });
  });
});

describe.skipIf(!gcc.available)("a session on core's test OS", () => {
  let id = "";
  beforeAll(async () => {
    id = await open(TESTOS_CHAIN);
  }, BUILD_TIMEOUT_MS);

  test("lists its five processes, dead and unknown ones too, UTF-8 names intact", async () => {
    const { processes } = await json<{ processes: Process[] }>(`/api/inventory/sessions/${id}/processes`);
    expect(processes.map((p) => [p.pid, p.name, p.state, p.exit_code])).toEqual([
      [1, "init", "Alive", null],
      [20, "shell", "Dead", 3],
      [36, "shell", "Alive", null],
      [300, "legacy32", "Alive", null],
      [4242, "dæmon", "Unknown", null],
    ]);
    expect(processes[3]?.proc_arch).toBe("x86_32");
  });

  test("by name, the first process that is not dead; names that need escaping in a path work", async () => {
    expect((await json<Process>(`/api/inventory/sessions/${id}/processes/shell`)).pid).toBe(36);
    expect((await json<Process>(`/api/inventory/sessions/${id}/processes/${encodeURIComponent("dæmon")}`)).pid).toBe(
      4242,
    );
  });

  test("modules, exports and a read across its hole", async () => {
    const { modules } = await json<{ modules: Module[] }>(`/api/inventory/sessions/${id}/processes/legacy32/modules`);
    expect(modules.map((module) => [module.name, module.base, module.arch])).toEqual([
      ["legacy32", "0x400000", "x86_32"],
      ["libc.so.6", "0x7f0000000000", "x86_32"],
      ["wow64.dll", "0x7ff000000000", "x86_64"],
    ]);
    const exports = await json<{ exports: unknown[] }>(
      `/api/inventory/sessions/${id}/processes/1/modules/init/exports`,
    );
    expect(exports.exports).toEqual([
      { name: "start", offset: "0x1000", address: "0x401000" },
      { name: "helper", offset: "0x1800", address: "0x401800" },
    ]);
    const read = await json<{ unreadable: unknown[]; length: number }>(
      `/api/inventory/sessions/${id}/processes/1/memory?address=0x404000&length=${0x3000}`,
    );
    expect(read.length).toBe(0x3000);
    expect(read.unreadable).toEqual([{ address: "0x405000", length: 0x1000 }]);
  });

  test("a session whose plugins may not write refuses a virtual write with a 403", async () => {
    const refused = await failure(`/api/inventory/sessions/${id}/processes/1/memory?address=0x400000`, {
      method: "PUT",
      body: new Uint8Array(4),
    });
    expect(refused).toMatchObject({ status: 403, code: "not-allowed" });
  });
});

describe.skipIf(!gcc.available)("a session on an OS that exposes no physical memory", () => {
  test("opens with null metadata; physical reads are refused, its processes' memory is not", async () => {
    const response = await call("/api/inventory/sessions", {
      method: "POST",
      body: JSON.stringify({ chain: TESTOSMIN_CHAIN }),
      headers: { "content-type": "application/json" },
    });
    const opened = (await response.json()) as { id: string; metadata: unknown; os: { arch: string } };
    expect([response.status, opened.metadata, opened.os.arch]).toEqual([201, null, "x86_64"]);
    const physical = await failure(`/api/inventory/sessions/${opened.id}/memory?address=0&length=8`);
    expect(physical).toMatchObject({ status: 422, message: expect.stringContaining("exposes no physical memory") });
    expect((await failure(`/api/inventory/sessions/${opened.id}`)).status).toBe(422);
    const read = await json<{ unreadable: unknown[] }>(
      `/api/inventory/sessions/${opened.id}/processes/init/memory?address=0x400000&length=16`,
    );
    expect(read.unreadable).toEqual([]);
  });
});

describe.skipIf(!gcc.available)("the OS routes' guards", () => {
  test("want the inventory token", async () => {
    const id = await open(DUMMY_OS_CHAIN);
    for (const path of ["processes", "processes/1", "processes/1/modules", "processes/1/memory?address=0&length=1"]) {
      expect((await call(`/api/inventory/sessions/${id}/${path}`, {}, null)).status).toBe(401);
      expect((await call(`/api/inventory/sessions/${id}/${path}`, {}, "wrong-token")).status).toBe(401);
    }
    expect((await call(`/api/inventory/sessions/${id}`, { method: "DELETE" })).status).toBe(204);
  });

  test("a session on a connector has no processes: 400 not-an-os", async () => {
    const id = await open("-c dummy::size=1m");
    expect(await failure(`/api/inventory/sessions/${id}/processes`)).toMatchObject({ status: 400, code: "not-an-os" });
    expect((await call(`/api/inventory/sessions/${id}`, { method: "DELETE" })).status).toBe(204);
  });

  test("an OS the operator did not allow is refused before it starts", async () => {
    const strict = new SessionPool(
      { pluginDirectories: [pluginDir] },
      {
        policy: new ChainPolicy([{ name: "dummy", write: false }], new PathConfinement([])),
      },
    );
    const refused = await strict.open(["-c", "dummy", "-o", "testos"]).catch((error: Error) => error);
    expect(refused).toMatchObject({ reason: "not-allowed", message: expect.stringContaining('"testos" (-o)') });
    expect(strict.size).toBe(0);
  });
});

describe.skipIf(!gcc.available)("an OS plugin that crashes in process_info_list", () => {
  test("ends its own session with a 502 naming the plugin; the server and other sessions carry on", async () => {
    const other = await open(DUMMY_OS_CHAIN);
    const id = await open(CRASHOS_CHAIN);
    // Everything but the process list works.
    expect((await json<Process>(`/api/inventory/sessions/${id}/processes/1`)).name).toBe("dummy1");
    const crashed = await failure(`/api/inventory/sessions/${id}/processes`);
    expect(crashed).toMatchObject({ status: 502, code: "plugin-crashed" });
    expect(crashed.message).toBe("the plugin crashos crashed: its session process was killed by SIGSEGV");
    expect(logs.some((line) => line.includes(`session ${id}: ended: the plugin crashos crashed`))).toBe(true);
    const gone = await failure(`/api/inventory/sessions/${id}/processes`);
    expect(gone).toMatchObject({
      status: 404,
      message: expect.stringContaining("has ended: the plugin crashos crashed"),
    });
    expect((await call("/health")).status).toBe(200);
    expect((await json<{ processes: unknown[] }>(`/api/inventory/sessions/${other}/processes`)).processes).toHaveLength(
      4,
    );
    const again = await open(CRASHOS_CHAIN);
    expect((await json<Process>(`/api/inventory/sessions/${again}/processes/dummy2`)).pid).toBe(2);
  });
});
