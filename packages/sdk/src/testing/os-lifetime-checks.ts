/**
 * OS-plugin checks on lifetimes: closing in any order — a borrowed process before or after its
 * OS, a process that consumed its OS, a failed `intoProcessBy…` that spends the OS anyway — ends
 * in the state memflow's ownership gives (decision 0012) and, repeated, does not grow memory.
 */
import { leakCheck } from "./leak-check.ts";
import {
  fail,
  memflowErrorOf,
  type OsCheck,
  type OsCheckContext,
  openOs,
  pass,
  summarize,
} from "./os-check-context.ts";

/** One open/close order; returns a problem, or undefined. */
type Order = (context: OsCheckContext, pid: number) => string | undefined;

const ORDERS: readonly [string, Order][] = [
  [
    "process, then OS",
    (context, pid) => {
      const os = openOs(context);
      const process = os.processByPid(pid);
      process.close();
      os.close();
      return process.closed && os.closed ? undefined : "closing the process, then the OS, left one open";
    },
  ],
  [
    "OS, then process",
    (context, pid) => {
      const os = openOs(context);
      const process = os.processByPid(pid);
      os.close();
      const closedWithOs = process.closed;
      process.close();
      return closedWithOs ? undefined : "closing the OS did not close the process borrowing it";
    },
  ],
  [
    "into a process",
    (context, pid) => {
      const os = openOs(context);
      const process = os.intoProcessByPid(pid);
      const spent = os.closed;
      process.moduleList();
      process.close();
      return spent ? undefined : "intoProcessByPid left the OS usable";
    },
  ],
  [
    "into an unknown pid",
    (context) => {
      const os = openOs(context);
      const error = memflowErrorOf(() => os.intoProcessByPid(0x7fff_fff0).close());
      const spent = os.closed;
      os.close();
      if (!error?.is("OsLayer", "ProcessNotFound"))
        return "intoProcessByPid of an unknown pid did not fail with (OsLayer, ProcessNotFound)";
      return spent ? undefined : "a failed intoProcessByPid left the OS usable";
    },
  ],
];

function firstPid(context: OsCheckContext): number | undefined {
  using os = openOs(context);
  return os.processInfoList()[0]?.pid;
}

export const OS_LIFETIME_CHECKS: readonly OsCheck[] = [
  {
    id: "close-order",
    title: "closing in any order (process before or after the OS, into a process) ends as memflow's ownership",
    run(context) {
      const pid = firstPid(context);
      if (pid === undefined) {
        openOs(context).close();
        return pass("the OS lists no process: only the OS was opened and closed");
      }
      const problems = ORDERS.flatMap(([name, order]) => {
        const problem = order(context, pid);
        return problem === undefined ? [] : [`${name}: ${problem}`];
      });
      return problems.length === 0 ? pass(`${ORDERS.length} orders`) : fail(summarize(problems));
    },
  },
  {
    id: "os-leaks",
    title: "open/close cycles in every order do not grow memory",
    run(context) {
      const pid = firstPid(context);
      const cycle = () => {
        if (pid === undefined) openOs(context).close();
        else for (const [, order] of ORDERS) order(context, pid);
      };
      const orders = pid === undefined ? "opens" : `cycles of ${ORDERS.length} orders`;
      return leakCheck(cycle, context.cycles, orders);
    },
  },
];
