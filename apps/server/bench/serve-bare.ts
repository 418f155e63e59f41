/**
 * Child process of `registry.ts`: the baseline, a plain `Bun.serve` on 127.0.0.1 with a `fetch`
 * handler that answers the benchmarked paths with the registry's exact bodies and headers, read
 * into memory at start-up, and as the same kind of body the registry makes for that path (a kept
 * string, a kept Blob, or `Response.json` of a value each time), so neither side allocates more. argv[2] is a JSON file of `BareRoute`s. Prints the port on a line of
 * its own, then serves until SIGTERM/SIGINT or until its stdin closes.
 */

import { listenPort } from "./listen-port.ts";
import { serveUntilStopped } from "./serve-until-stopped.ts";

/** How the registry makes a path's body: a string it keeps, a Blob it keeps, or `Response.json` per request. */
export type BareBody = "text" | "blob" | "json";

/** One path the baseline answers: the body file holds the bytes the registry sent. */
export interface BareRoute {
  path: string;
  bodyFile: string;
  headers: Record<string, string>;
  body: BareBody;
}

const routesFile = process.argv[2];
if (!routesFile) {
  process.stderr.write("usage: bun bench/serve-bare.ts <routes.json>\n");
  process.exit(2);
}

const routes = new Map<string, () => Response>();
for (const route of (await Bun.file(routesFile).json()) as BareRoute[]) {
  const bytes = await Bun.file(route.bodyFile).bytes();
  const headers = route.headers;
  if (route.body === "blob") {
    const blob = new Blob([bytes]);
    routes.set(route.path, () => new Response(blob, { headers }));
  } else if (route.body === "text") {
    const text = new TextDecoder().decode(bytes);
    routes.set(route.path, () => new Response(text, { headers }));
  } else {
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    routes.set(route.path, () => Response.json(value, { headers }));
  }
}

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: listenPort(),
  fetch(request) {
    const url = request.url;
    // The path starts after "http://host:port"; the benchmark sends no query strings.
    const route = routes.get(url.slice(url.indexOf("/", 8)));
    if (route === undefined) return new Response("Not Found", { status: 404 });
    return route();
  },
});
process.stdout.write(`${server.port}\n`);

serveUntilStopped(() => server.stop(true));
