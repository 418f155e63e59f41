/**
 * What may name a registry, wherever one is given (`-r`, `config set registry`, the setup
 * wizard, the registry part of a plugin URI, config.json): an `http://` or `https://` URL with a
 * host, or a host alone (`registry.memflow.io`, `127.0.0.1:3000`, `localhost:3000`), which gets
 * `https://` as memflow-registry's plugin URIs do. Anything else was refused too late, or not at
 * all: `ftp://host` became `https://ftp//host`, and a word like `not-a-url` was saved.
 */
import { UsageError } from "../command.ts";
import { withScheme } from "./plugin-uri.ts";

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
/** A host name with a dot, an IPv4 address, `localhost`, or any of them with a port, then a path. */
const BARE_HOST = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+|localhost|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?(?:\/\S*)?$/;

const EXAMPLES = "e.g. https://registry.memflow.io or http://127.0.0.1:3000";

/**
 * The registry as the user typed it. A plugin URI's registry part gets `https://` unless it
 * starts with http(s):// (memflow-registry's rule, `withScheme`), so `ftp://host/name` arrives
 * here as `https://ftp://host`: the message must be about `ftp://host`.
 */
function asTyped(text: string): string {
  const inner = SCHEME.exec(text.slice("https://".length))?.[1]?.toLowerCase();
  return text.startsWith("https://") && inner !== undefined && inner !== "http" && inner !== "https"
    ? text.slice("https://".length)
    : text;
}

/** Why `text` cannot name a registry, or undefined when it can. */
export function registryUrlProblem(text: string): string | undefined {
  return problemOf(asTyped(text));
}

function problemOf(text: string): string | undefined {
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== "http" && scheme !== "https") {
    return `a registry is reached over http:// or https://, not ${scheme}://`;
  }
  if (scheme === undefined && !BARE_HOST.test(text)) return `give a URL, ${EXAMPLES}`;
  const rest = scheme === undefined ? text : text.slice(scheme.length + 3);
  // `https://ftp://host` parses as the host `ftp`: a second scheme is a mistake, never a path.
  if (SCHEME.test(rest)) return `it names two schemes; give one URL, ${EXAMPLES}`;
  try {
    const url = new URL(withScheme(text));
    if (url.hostname === "") return `it names no host; ${EXAMPLES}`;
    if (url.search !== "" || url.hash !== "") return "a registry URL has no query or fragment";
  } catch {
    return `give a URL, ${EXAMPLES}`;
  }
  return undefined;
}

/** `text` as a URL with its scheme; a usage error saying why when it cannot name a registry. */
export function registryUrl(text: string): URL {
  const typed = asTyped(text);
  const problem = problemOf(typed);
  if (problem !== undefined) {
    throw new UsageError(`${JSON.stringify(typed)} is not a registry URL: ${problem}`, {
      hints: ["--registry takes it, and memflow-ts config set registry <url> keeps it"],
      showUsage: false,
    });
  }
  return new URL(withScheme(text));
}
