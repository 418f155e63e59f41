/** The web UI's pages, rendered on the server from the store and the local inventory. */
import type { PluginArchitecture } from "@memflow-ts/analyzer";
import type { InventoryReport } from "../inventory/local-inventory.ts";
import type { SessionInfo } from "../inventory/session-pool.ts";
import type { ListedVariant } from "../storage/plugin-index.ts";
import { downloadFileName } from "./download-name.ts";
import { html } from "./html.ts";
import { layout } from "./layout.ts";

export interface PageOptions {
  inventory: boolean;
}

function architecture(value: PluginArchitecture): string {
  return typeof value === "string" ? value : `unknown(${value.unknown})`;
}

export function pluginListPage(
  plugins: readonly { name: string; description: string }[],
  query: string,
  options: PageOptions,
) {
  const needle = query.trim().toLowerCase();
  const shown = needle
    ? plugins.filter((plugin) => `${plugin.name}\n${plugin.description}`.toLowerCase().includes(needle))
    : plugins;
  const summary = needle
    ? `${shown.length} of ${plugins.length} plugins match “${query.trim()}”`
    : `${plugins.length} plugins`;
  return layout(
    "Plugins",
    html`<h1>Plugins</h1>
<form method="get" action="/" role="search">
<input type="search" name="q" value="${query}" placeholder="Search names and descriptions" aria-label="Search plugins">
<button type="submit">Search</button>
</form>
<p class="muted" id="summary">${summary}</p>
<table id="plugins">
<thead><tr><th>Name</th><th>Description</th></tr></thead>
<tbody>
${shown.map(
  (plugin) =>
    html`<tr><td><a href="/ui/plugins/${encodeURIComponent(plugin.name)}">${plugin.name}</a></td><td>${plugin.description}</td></tr>\n`,
)}
</tbody>
</table>`,
    options,
  );
}

export function pluginPage(name: string, listed: readonly ListedVariant[], options: PageOptions) {
  const variants = listed.map((entry) => entry.variant);
  const description = variants[0]?.descriptor.description ?? "";
  return layout(
    name,
    html`<h1>${name}</h1>
<p>${description}</p>
${
  variants.length === 0
    ? html`<p class="error">No plugin of this name is stored here.</p>`
    : html`<p class="muted">${variants.length} variants, newest and highest ABI first.</p>
<table id="variants">
<thead><tr><th>Version</th><th>ABI</th><th>Kind</th><th>File type</th><th>Architecture</th><th>Byte order</th><th>Uploaded (UTC)</th><th>Digest</th><th></th></tr></thead>
<tbody>
${listed.map(
  ({ variant, byteOrder }) => html`<tr>
<td>${variant.descriptor.version}</td>
<td>${variant.descriptor.plugin_version}</td>
<td>${variant.descriptor.plugin_kind}</td>
<td>${variant.descriptor.file_type}</td>
<td>${architecture(variant.descriptor.architecture)}</td>
<td class="byte-order">${byteOrder === "big" ? html`<strong title="memflow loads little-endian plugins only">big-endian</strong>` : "little-endian"}</td>
<td>${variant.created_at.replace("T", " ").replace(/\.\d+$/, "")}</td>
<td><code title="${variant.digest}">${variant.digest}</code></td>
<td><a class="download" href="/files/${variant.digest}" download="${downloadFileName(variant.descriptor.name, variant.digest, variant.descriptor.file_type)}">Download</a>
· <a href="/files/${variant.digest}/metadata">metadata</a></td>
</tr>\n`,
)}
</tbody>
</table>`
}`,
    options,
  );
}

/** Asks for the inventory token; the form posts it, so it never appears in a URL. */
export function loginPage(problem: string | undefined, options: PageOptions) {
  return layout(
    "Sign in",
    html`<h1>Local inventory</h1>
<p>This page shows the plugins of the server's machine. Give the inventory token (<code>MEMFLOW_TS_INVENTORY_TOKEN</code>) to see it.</p>
${problem ? html`<p class="error" id="problem">${problem}</p>` : ""}
<form method="post" action="/ui/inventory/login">
<input type="password" name="token" autocomplete="current-password" required aria-label="Inventory token">
<button type="submit">Sign in</button>
</form>`,
    options,
  );
}

export function inventoryPage(report: InventoryReport, sessions: readonly SessionInfo[], options: PageOptions) {
  return layout(
    "Local inventory",
    html`<h1>Local inventory</h1>
<form method="post" action="/ui/inventory/logout"><button type="submit">Sign out</button></form>
<h2>Explore an OS</h2>
<p class="muted">Open a session on a chain that ends with an OS (memflow's <code>-c</code>/<code>-o</code> syntax) to see its processes, their modules and their memory.</p>
<form method="post" action="/ui/inventory/sessions">
<input type="search" name="chain" value="-c dummy -o dummy::procs=4" required aria-label="Chain">
<button type="submit">Open</button>
</form>
<table id="sessions">
<thead><tr><th>Session</th><th>Chain</th><th>State</th><th>Worker pid</th></tr></thead>
<tbody>
${sessions.map(
  (session) =>
    html`<tr><td><a href="/ui/inventory/sessions/${encodeURIComponent(session.id)}"><code>${session.id}</code></a></td><td><code>${session.chain}</code></td><td>${session.state}</td><td>${session.pid}</td></tr>
`,
)}
</tbody>
</table>
<p class="muted">The plugins this server's machine would load, as <code>memflow-ts doctor</code> shows them.</p>
<h2>Accepted (${report.plugins.length})</h2>
<table id="accepted">
<thead><tr><th>Name</th><th>Kind</th><th>Version</th><th>ABI</th><th>Path</th></tr></thead>
<tbody>
${report.plugins.map(
  (plugin) =>
    html`<tr><td>${plugin.name}</td><td>${plugin.kind}</td><td>${plugin.version}</td><td>${plugin.plugin_version}</td><td><code>${plugin.path}</code></td></tr>\n`,
)}
</tbody>
</table>
<h2>Rejected (${report.rejected.length})</h2>
<table id="rejected">
<thead><tr><th>Path</th><th>Export</th><th>Reason</th></tr></thead>
<tbody>
${report.rejected.map(
  (rejected) =>
    html`<tr><td><code>${rejected.path}</code></td><td>${rejected.export_name ?? ""}</td><td class="error">${rejected.reason}</td></tr>\n`,
)}
</tbody>
</table>
<h2>Searched folders</h2>
<ul>
${report.directories.map((directory) => html`<li><code>${directory.path}</code>${directory.error ? html` <span class="muted">(${directory.error})</span>` : ""}</li>\n`)}
</ul>`,
    options,
  );
}
