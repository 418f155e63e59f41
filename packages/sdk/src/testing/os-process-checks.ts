/**
 * OS-plugin checks on processes: the descriptor, starting over the input connector, and the
 * lookups memflow's `Os` trait defines — by pid (the first with that pid), by address (exact),
 * by name (the first listed with that name that is not dead) — and their errors.
 */
import type { Os, ProcessInfo } from "@memflow-ts/core";
import type { CheckResult } from "./check-result.ts";
import { descriptorCheck } from "./descriptor-check.ts";
import {
  fail,
  hex,
  memflowErrorOf,
  type OsCheck,
  type OsCheckContext,
  openOs,
  pass,
  processLabel,
  summarize,
} from "./os-check-context.ts";

/** Two infos say the same when every field does (the plugin's copies, compared by value). */
function sameInfo(a: ProcessInfo, b: ProcessInfo): boolean {
  return Bun.deepEquals(a, b);
}

/** A pid no listed process has, and a name none has. */
function unknownPid(list: readonly ProcessInfo[]): number {
  const pids = new Set(list.map((info) => info.pid));
  let pid = 0x7fff_fff0;
  while (pids.has(pid)) pid -= 1;
  return pid;
}

/** Lookups of one listed process by pid (the first listed with it) and by address (exact). */
function lookupProblems(os: Os, list: readonly ProcessInfo[], info: ProcessInfo): string[] {
  const problems: string[] = [];
  const firstWithPid = list.find((candidate) => candidate.pid === info.pid) ?? info;
  const byPid = os.processInfoByPid(info.pid);
  if (!sameInfo(byPid, firstWithPid))
    problems.push(`by pid ${info.pid} gave ${processLabel(byPid)} at ${hex(byPid.address)}`);
  const byAddress = os.processInfoByAddress(info.address);
  if (!sameInfo(byAddress, info)) problems.push(`by address ${hex(info.address)} gave ${processLabel(byAddress)}`);
  using process = os.processByPid(info.pid);
  if (process.info().pid !== info.pid) problems.push(`process_by_pid(${info.pid}) opened pid ${process.info().pid}`);
  return problems;
}

/** memflow's rule: by name is the first listed process of that name that is not dead, else ProcessNotFound. */
function byNameProblem(os: Os, list: readonly ProcessInfo[], name: string): string | undefined {
  const quoted = JSON.stringify(name);
  const expected = list.find((info) => info.name === name && info.state.kind !== "Dead");
  const error = memflowErrorOf(() => os.processInfoByName(name));
  if (expected === undefined) {
    if (error?.is("OsLayer", "ProcessNotFound")) return undefined;
    const outcome = error ? `failed with ${error.message}` : `gave ${processLabel(os.processInfoByName(name))}`;
    return `${quoted}: every such process is dead, yet by name ${outcome}, not (OsLayer, ProcessNotFound)`;
  }
  if (error) return `${quoted}: by name failed (${error.message}), expected ${processLabel(expected)}`;
  const found = os.processInfoByName(name);
  if (!sameInfo(found, expected)) {
    const dead = found.state.kind === "Dead" ? ", a dead process" : "";
    return `${quoted}: by name gave ${processLabel(found)}${dead}, expected ${processLabel(expected)}`;
  }
  using process = os.processByName(name);
  const opened = process.info().pid;
  return opened === expected.pid
    ? undefined
    : `process_by_name(${quoted}) opened pid ${opened}, expected ${expected.pid}`;
}

/** Opens the OS, lists its processes and fails with the problems `inspect` finds in them. */
function overProcesses(
  context: OsCheckContext,
  inspect: (os: Os, list: readonly ProcessInfo[]) => string[],
): CheckResult {
  using os = openOs(context);
  const list = os.processInfoList();
  const problems = inspect(os, list);
  const dead = list.filter((info) => info.state.kind === "Dead").length;
  return problems.length === 0 ? pass(`${list.length} processes, ${dead} dead`) : fail(summarize(problems));
}

const UNKNOWN_NAME = "memflow-ts: no such process";

export const OS_PROCESS_CHECKS: readonly OsCheck[] = [
  {
    id: "os-descriptor",
    title: "descriptor: MEMFLOW_OS_ export named after the plugin, plugin_version 1, a version, valid strings",
    run({ descriptors, name }) {
      return descriptorCheck(descriptors, "os", name);
    },
  },
  {
    id: "os-create",
    title: "create: starts over the input connector with the sample arguments, lists processes",
    run(context) {
      const started: string[] = [];
      for (const args of context.sampleArgs.length === 0 ? [undefined] : context.sampleArgs) {
        using os = openOs(context, args);
        const count = os.processInfoList().length;
        started.push(`${args === undefined ? "no arguments" : JSON.stringify(args)}: ${count} processes`);
      }
      return pass(`over ${context.connector}: ${started.join(", ")}`);
    },
  },
  {
    id: "process-lookup",
    title: "every listed process is found by pid and by address, and the address list matches",
    run: (context) =>
      overProcesses(context, (os, list) => {
        const sameAddresses = Bun.deepEquals(
          os.processAddressList(),
          list.map((info) => info.address),
        );
        const problems = sameAddresses ? [] : ["process_address_list differs from the addresses of process_info_list"];
        return [...problems, ...list.flatMap((info) => lookupProblems(os, list, info))];
      }),
  },
  {
    id: "process-by-name",
    title: "by name gives the first listed process of that name that is not dead",
    run: (context) =>
      overProcesses(context, (os, list) =>
        [...new Set(list.map((info) => info.name))].flatMap((name) => byNameProblem(os, list, name) ?? []),
      ),
  },
  {
    id: "process-not-found",
    title: "an unknown pid and name fail with (OsLayer, ProcessNotFound)",
    run(context) {
      using os = openOs(context);
      const pid = unknownPid(os.processInfoList());
      const calls: [string, () => unknown][] = [
        [`process_info_by_pid(${pid})`, () => os.processInfoByPid(pid)],
        [`process_info_by_name(${JSON.stringify(UNKNOWN_NAME)})`, () => os.processInfoByName(UNKNOWN_NAME)],
        [`process_by_pid(${pid})`, () => os.processByPid(pid).close()],
        [`process_by_name(${JSON.stringify(UNKNOWN_NAME)})`, () => os.processByName(UNKNOWN_NAME).close()],
      ];
      const problems: string[] = [];
      for (const [call, run] of calls) {
        const error = memflowErrorOf(run);
        if (!error) problems.push(`${call} succeeded`);
        else if (!error.is("OsLayer", "ProcessNotFound")) problems.push(`${call} failed with ${error.message}`);
      }
      return problems.length === 0 ? pass() : fail(summarize(problems));
    },
  },
];
