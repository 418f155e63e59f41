/**
 * A hostile registry: an HTTP proxy in front of a real test registry that puts terminal escape
 * sequences into what the registry says about its plugins. The real server refuses such names
 * at upload, so only a proxy (or a compromised registry) can send them; the CLI must show them
 * escaped all the same. `text` rewrites descriptions and versions, `names` the plugin names too
 * (the proxy maps them back for the registry behind it).
 */

/** Retitles the terminal, turns text red and clears the screen (the last as an 8-bit C1 CSI). */
export const HOSTILE = "\x1b]0;PWNED\x07\x1b[31m\x9b2J";

/** Any control character but a line break or a tab: what must never reach a terminal from outside. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
export const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

export interface HostileRegistry {
  readonly url: string;
  stop(): Promise<void>;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function rewrite(value: Json, names: boolean): Json {
  if (Array.isArray(value)) return value.map((item) => rewrite(item, names));
  if (value === null || typeof value !== "object") return value;
  const copy: { [key: string]: Json } = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === "string" && (key === "description" || key === "version")) copy[key] = `${item}${HOSTILE}`;
    else if (typeof item === "string" && key === "name" && names) copy[key] = `${item}${HOSTILE}`;
    else copy[key] = rewrite(item, names);
  }
  return copy;
}

export function startHostileRegistry(target: string, mode: "text" | "names"): HostileRegistry {
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const url = new URL(request.url);
      // A name the proxy made hostile goes back to the registry as it was.
      const path = decodeURIComponent(url.pathname).replaceAll(HOSTILE, "");
      const upstream = await fetch(`${target}${encodeURI(path)}${url.search}`, { method: request.method });
      const type = upstream.headers.get("content-type") ?? "";
      if (!upstream.ok || !type.includes("json")) return upstream;
      const body = rewrite((await upstream.json()) as Json, mode === "names");
      return Response.json(body, { status: upstream.status });
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, stop: () => server.stop(true) };
}
