/**
 * Child process of `registry.ts`: the baseline, a plain `Bun.serve` on 127.0.0.1 with a `fetch`
 * handler that answers the benchmarked paths with the registry's exact bodies and headers, read
 * into memory at start-up. argv[2] is a JSON file of `BareRoute`s. Prints the port on a line of
 * its own, then serves until SIGTERM/SIGINT or until its stdin closes.
 */

/** One path the baseline answers: the body file holds the bytes the registry sent. */
export interface BareRoute {
  path: string;
  bodyFile: string;
  headers: Record<string, string>;
}

const routesFile = process.argv[2];
if (!routesFile) {
  process.stderr.write("usage: bun bench/serve-bare.ts <routes.json>\n");
  process.exit(2);
}

const routes = new Map<string, { body: Uint8Array; headers: Record<string, string> }>();
for (const route of (await Bun.file(routesFile).json()) as BareRoute[]) {
  routes.set(route.path, { body: await Bun.file(route.bodyFile).bytes(), headers: route.headers });
}

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch(request) {
    const url = request.url;
    // The path starts after "http://host:port"; the benchmark sends no query strings.
    const route = routes.get(url.slice(url.indexOf("/", 8)));
    if (route === undefined) return new Response("Not Found", { status: 404 });
    return new Response(route.body, { headers: route.headers });
  },
});
process.stdout.write(`${server.port}\n`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await server.stop(true);
  process.exit(0);
}
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, stop);
(async () => {
  for await (const _ of Bun.stdin.stream()) {
    // Nothing is sent; the loop ends when the parent goes away.
  }
  await stop();
})();
