/**
 * The process explorer's table: which processes a filter keeps and in which order, from the page's
 * query (`?q=…&sort=…&order=…`), so the server does it and the page needs no script.
 */
import { RequestError } from "../http/request-error.ts";
import type { ProcessInfoJson } from "../inventory/os-schemas.ts";

export const SORT_KEYS = ["pid", "name", "state", "arch", "path"] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortOrder = "asc" | "desc";

export interface TableQuery {
  /** Words to find in the name, path or command line; digits alone also match the pid. */
  readonly q: string;
  readonly sort: SortKey;
  readonly order: SortOrder;
}

const single = (value: unknown, key: string): string | undefined => {
  if (value === undefined || typeof value === "string") return value;
  throw new RequestError("bad-request", `${key}: give one value`);
};

export function tableQuery(query: Readonly<Record<string, unknown>>): TableQuery {
  const sort = single(query.sort, "sort") ?? "pid";
  const order = single(query.order, "order") ?? "asc";
  if (!(SORT_KEYS as readonly string[]).includes(sort)) {
    throw new RequestError("bad-request", `sort must be one of ${SORT_KEYS.join(", ")}`);
  }
  if (order !== "asc" && order !== "desc") throw new RequestError("bad-request", 'order must be "asc" or "desc"');
  return { q: (single(query.q, "q") ?? "").trim(), sort: sort as SortKey, order };
}

const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

function compare(a: ProcessInfoJson, b: ProcessInfoJson, key: SortKey): number {
  switch (key) {
    case "pid":
      return a.pid - b.pid;
    case "arch":
      return collator.compare(a.proc_arch, b.proc_arch);
    default:
      return collator.compare(a[key], b[key]);
  }
}

/** The processes the query keeps, sorted; ties keep the pid order, so the page is stable. */
export function processRows(processes: readonly ProcessInfoJson[], query: TableQuery): ProcessInfoJson[] {
  const needle = query.q.toLowerCase();
  const kept = needle
    ? processes.filter(
        (process) =>
          String(process.pid) === needle ||
          `${process.name}\n${process.path}\n${process.command_line}`.toLowerCase().includes(needle),
      )
    : [...processes];
  const sign = query.order === "asc" ? 1 : -1;
  return kept.sort((a, b) => sign * (compare(a, b, query.sort) || a.pid - b.pid));
}
