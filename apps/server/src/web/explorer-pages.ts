/**
 * The process explorer's pages (issue 16): a session's processes (sortable, filterable), one
 * process's modules, and a module's memory as a hex view with paging. Server-rendered like every
 * page; every value from a plugin (names, paths, command lines) goes through `html`, so it is
 * escaped.
 */
import type { ModuleInfoJson, OsInfoJson, ProcessInfoJson } from "../inventory/os-schemas.ts";
import type { HexRow } from "./hex-rows.ts";
import { html, type Markup } from "./html.ts";
import { layout } from "./layout.ts";
import type { PageOptions } from "./pages.ts";
import { SORT_KEYS, type SortKey, type TableQuery } from "./process-table.ts";

export const EXPLORER_PATH = "/ui/inventory/sessions";

export interface SessionView {
  readonly id: string;
  readonly chain: string;
}

export const sessionPath = (session: SessionView) => `${EXPLORER_PATH}/${encodeURIComponent(session.id)}`;
export const processPath = (session: SessionView, pid: number) => `${sessionPath(session)}/processes/${pid}`;
export const memoryPath = (session: SessionView, pid: number, module: string, offset?: bigint) =>
  `${processPath(session, pid)}/modules/${encodeURIComponent(module)}/memory${offset === undefined ? "" : `?offset=0x${offset.toString(16)}`}`;

const HEADINGS: Record<SortKey, string> = {
  pid: "PID",
  name: "Name",
  state: "State",
  arch: "Architecture",
  path: "Path",
};

function state(process: ProcessInfoJson): string {
  return process.state === "Dead" ? `Dead (${process.exit_code})` : process.state;
}

function breadcrumbs(session: SessionView, ...rest: Markup[]): Markup {
  return html`<nav class="muted" id="breadcrumbs"><a href="/ui/inventory">Local inventory</a> › <a href="${sessionPath(session)}">session <code>${session.chain}</code></a>${rest.map((part) => html` › ${part}`)}</nav>
<form method="post" action="${sessionPath(session)}/close"><button type="submit">Close the session</button></form>`;
}

/** A column heading that sorts by its key, ascending first, descending when clicked again. */
function heading(session: SessionView, query: TableQuery, key: SortKey): Markup {
  const active = query.sort === key;
  const order = active && query.order === "asc" ? "desc" : "asc";
  const search = new URLSearchParams({ ...(query.q ? { q: query.q } : {}), sort: key, order });
  const arrow = active ? (query.order === "asc" ? " ▲" : " ▼") : "";
  return html`<th aria-sort="${active ? (query.order === "asc" ? "ascending" : "descending") : "none"}"><a href="${sessionPath(session)}?${search.toString()}">${HEADINGS[key]}${arrow}</a></th>`;
}

export function processesPage(
  session: SessionView,
  os: OsInfoJson,
  rows: readonly ProcessInfoJson[],
  total: number,
  query: TableQuery,
  options: PageOptions,
) {
  const summary = query.q ? `${rows.length} of ${total} processes match “${query.q}”` : `${total} processes`;
  return layout(
    "Processes",
    html`${breadcrumbs(session)}
<h1>Processes</h1>
<p class="muted" id="os-info">OS: ${os.arch}, kernel at <code>${os.base}</code> (<code>${os.size}</code> bytes)</p>
<form method="get" action="${sessionPath(session)}" role="search">
<input type="search" name="q" value="${query.q}" placeholder="Filter by name, path, command line or pid" aria-label="Filter processes">
<input type="hidden" name="sort" value="${query.sort}"><input type="hidden" name="order" value="${query.order}">
<button type="submit">Filter</button>
</form>
<p class="muted" id="summary">${summary}</p>
<table id="processes">
<thead><tr>${SORT_KEYS.map((key) => heading(session, query, key))}<th>Command line</th></tr></thead>
<tbody>
${rows.map(
  (process) =>
    html`<tr><td>${process.pid}</td><td><a href="${processPath(session, process.pid)}">${process.name}</a></td><td>${state(process)}</td><td>${process.proc_arch}</td><td><code>${process.path}</code></td><td><code>${process.command_line}</code></td></tr>\n`,
)}
</tbody>
</table>`,
    options,
  );
}

export function modulesPage(
  session: SessionView,
  process: ProcessInfoJson,
  modules: readonly ModuleInfoJson[],
  options: PageOptions,
) {
  return layout(
    process.name,
    html`${breadcrumbs(session, html`${process.name} (pid ${process.pid})`)}
<h1>${process.name} <span class="muted">pid ${process.pid}</span></h1>
<p id="process-info"><code>${process.command_line}</code> · ${state(process)} · ${process.proc_arch} · <code>${process.path}</code></p>
<h2>Modules (${modules.length})</h2>
<table id="modules">
<thead><tr><th>Name</th><th>Base</th><th>Size</th><th>Architecture</th><th>Path</th></tr></thead>
<tbody>
${modules.map(
  (module) =>
    html`<tr><td><a href="${memoryPath(session, process.pid, module.name)}">${module.name}</a></td><td><code>${module.base}</code></td><td><code>${module.size}</code></td><td>${module.arch}</td><td><code>${module.path}</code></td></tr>\n`,
)}
</tbody>
</table>`,
    options,
  );
}

export interface MemoryPageView {
  readonly process: ProcessInfoJson;
  readonly module: ModuleInfoJson;
  /** From the module's base. */
  readonly offset: bigint;
  readonly pageBytes: number;
  readonly rows: readonly HexRow[];
  readonly unreadableBytes: number;
}

function pager(session: SessionView, view: MemoryPageView): Markup {
  const size = BigInt(view.module.size);
  const step = BigInt(view.pageBytes);
  const last = size === 0n ? 0n : ((size - 1n) / step) * step;
  const link = (label: string, offset: bigint, enabled: boolean, rel: string) =>
    enabled
      ? html`<a rel="${rel}" href="${memoryPath(session, view.process.pid, view.module.name, offset)}">${label}</a>`
      : html`<span class="muted">${label}</span>`;
  const previous = view.offset > step ? view.offset - step : 0n;
  return html`<p id="pager">${link("« First", 0n, view.offset > 0n, "first")} · ${link("‹ Previous", previous, view.offset > 0n, "prev")} · ${link("Next ›", view.offset + step, view.offset + step < size, "next")} · ${link("Last »", last, view.offset < last, "last")}</p>`;
}

export function memoryPage(session: SessionView, view: MemoryPageView, options: PageOptions) {
  const { process, module } = view;
  const start = BigInt(module.base) + view.offset;
  const shown = BigInt(view.rows.reduce((bytes, row) => bytes + row.cells.length, 0));
  return layout(
    `${module.name} memory`,
    html`${breadcrumbs(session, html`<a href="${processPath(session, process.pid)}">${process.name} (pid ${process.pid})</a>`, html`${module.name}`)}
<h1>${module.name} <span class="muted">in ${process.name}</span></h1>
<p class="muted" id="range">Offsets <code>0x${view.offset.toString(16)}</code>–<code>0x${(view.offset + shown).toString(16)}</code> of <code>${module.size}</code> · virtual <code>0x${start.toString(16)}</code></p>
${view.unreadableBytes > 0 ? html`<p class="error" id="unreadable">${view.unreadableBytes} bytes of this page could not be read (not mapped, or paged out): shown as <code>??</code>.</p>` : ""}
${pager(session, view)}
<pre id="hex">${view.rows.map(
      (row) =>
        html`<span class="muted">${row.address.toString(16).padStart(16, "0")}</span>  ${row.cells.map((cell, index) => html`${index === 8 ? " " : ""}${cell.hex === undefined ? html`<span class="unreadable">??</span>` : cell.hex} `)} ${row.cells.map((cell) => (cell.text === undefined ? html`<span class="unreadable">?</span>` : cell.text))}\n`,
    )}</pre>`,
    options,
  );
}

/** What went wrong, on a page: a crashed plugin, an unknown process, a session that is gone. */
export function explorerErrorPage(title: string, message: string, options: PageOptions) {
  return layout(
    title,
    html`<nav class="muted"><a href="/ui/inventory">Local inventory</a></nav>
<h1>${title}</h1>
<p class="error" id="problem">${message}</p>`,
    options,
  );
}
