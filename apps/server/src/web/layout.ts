/** The frame every page shares: title, navigation, a little CSS, no scripts. */
import { html, Markup } from "./html.ts";

const STYLE = `
body { font: 15px/1.5 system-ui, sans-serif; margin: 0; color: #1d232a; background: #f6f7f9; }
header { background: #1d232a; color: #fff; padding: .75rem 1.5rem; display: flex; gap: 1.5rem; align-items: baseline; }
header a { color: #fff; text-decoration: none; } header strong { font-size: 1.1rem; }
main { max-width: 72rem; margin: 1.5rem auto; padding: 0 1.5rem; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #e2e5ea; vertical-align: top; }
th { background: #eef0f3; font-weight: 600; }
code { font: 13px ui-monospace, monospace; word-break: break-all; }
form { margin: 0 0 1rem; display: flex; gap: .5rem; }
input[type=search] { flex: 1; padding: .4rem .6rem; font: inherit; }
button { padding: .4rem 1rem; font: inherit; }
.muted { color: #66707c; } .error, .unreadable { color: #a11; }
`;

export function layout(title: string, body: Markup, options: { inventory: boolean }): Markup {
  return html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · memflow-ts registry</title>
<style>${new Markup(STYLE)}</style>
</head>
<body>
<header>
<strong><a href="/">memflow-ts registry</a></strong>
<a href="/">Plugins</a>
${options.inventory ? html`<a href="/ui/inventory">Local inventory</a>` : ""}
<a href="/openapi">API</a>
</header>
<main>
${body}
</main>
</body>
</html>`;
}
