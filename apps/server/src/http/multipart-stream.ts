/**
 * multipart/form-data (RFC 7578, RFC 2046 §5.1) read as it arrives: each part's headers, then its
 * body in pieces, handed to a sink the caller picks per part. Only bytes that may begin a
 * boundary are held back, so a part of any size passes through in the memory of a chunk or two.
 */
import { RequestError } from "./request-error.ts";

export interface PartHeaders {
  /** The `name` of its Content-Disposition; undefined when it has none. */
  readonly name: string | undefined;
}

/** Where a part's body goes, piece by piece; `write` may throw to refuse the part. */
export interface PartSink {
  write(bytes: Uint8Array): Promise<void> | void;
  end(): Promise<void> | void;
}

/** Picks the sink of a part from its headers; may throw to refuse the part. */
export type PartRouter = (part: PartHeaders) => PartSink | Promise<PartSink>;

/** Every part's headers together: more is no form a client sends. */
const MAX_HEADER_BYTES = 16 * 1024;
const CR = 0x0d;
const CRLF = Buffer.from("\r\n");
const HEADERS_END = Buffer.from("\r\n\r\n");
const EMPTY = Buffer.alloc(0);

function malformed(detail: string): RequestError {
  return new RequestError("bad-request", `Error parsing \`multipart/form-data\` request: ${detail}`);
}

const PARAMETER = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;]*))/g;

/** The `; key=value` parameters of a header value, keys in lower case, quoted values unquoted. */
function parameters(value: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of value.matchAll(PARAMETER)) {
    const key = (match[1] ?? "").toLowerCase();
    const quoted = match[2];
    if (!found.has(key)) found.set(key, quoted === undefined ? (match[3] ?? "") : quoted.replace(/\\(.)/g, "$1"));
  }
  return found;
}

/** The boundary of a `multipart/form-data` Content-Type (1 to 70 characters); undefined otherwise. */
export function multipartBoundary(contentType: string): string | undefined {
  const type = contentType.split(";", 1)[0]?.trim().toLowerCase();
  if (type !== "multipart/form-data") return undefined;
  const boundary = parameters(contentType).get("boundary");
  return boundary !== undefined && boundary.length >= 1 && boundary.length <= 70 ? boundary : undefined;
}

function partHeaders(block: string): PartHeaders {
  for (const line of block.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon < 0 || line.slice(0, colon).trim().toLowerCase() !== "content-disposition") continue;
    return { name: parameters(line.slice(colon + 1)).get("name") };
  }
  return { name: undefined };
}

/**
 * Whether a delimiter may start in `tail` (bytes held back, shorter than the delimiter) and run
 * on into `next`: only then must the two be joined; otherwise the tail is plain body.
 */
function delimiterCrosses(tail: Buffer, next: Buffer, delimiter: Buffer): boolean {
  // A chunk shorter than the rest of a delimiter cannot settle it: join, and decide on more bytes.
  if (tail.length >= delimiter.length || next.length < delimiter.length - 1) return true;
  // Long enough for any delimiter that starts in the tail; one that starts later is in `next` alone.
  const at = Buffer.concat([tail, next.subarray(0, delimiter.length - 1)]).indexOf(delimiter);
  return at >= 0 && at < tail.length;
}

type State = "preamble" | "delimited" | "headers" | "body" | "done";

/** Reads a multipart body to its end, handing each part to the sink `route` picks. */
export async function readMultipart(
  body: AsyncIterable<Uint8Array>,
  boundary: string,
  route: PartRouter,
): Promise<void> {
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  // The first delimiter may open the body without a CRLF before it: start as if it had one.
  let pending: Buffer = CRLF;
  let state = "preamble" as State;
  let sink: PartSink | undefined;

  /** Consumes what `pending` allows; returns when it needs more bytes. */
  const drain = async (): Promise<void> => {
    for (;;) {
      if (state === "done") {
        pending = EMPTY;
        return;
      }
      if (state === "preamble" || state === "body") {
        const at = pending.indexOf(delimiter);
        if (at < 0) {
          // Keep what may be the start of a delimiter (it begins with CR); pass or drop the rest.
          const cr = pending.indexOf(CR, Math.max(0, pending.length - delimiter.length + 1));
          const passed = cr < 0 ? pending.length : cr;
          if (state === "body" && passed > 0) await sink?.write(pending.subarray(0, passed));
          pending = pending.subarray(passed);
          return;
        }
        if (state === "body") {
          if (at > 0) await sink?.write(pending.subarray(0, at));
          await sink?.end();
          sink = undefined;
        }
        pending = pending.subarray(at + delimiter.length);
        state = "delimited";
        continue;
      }
      if (state === "delimited") {
        if (pending.length < 2) return;
        if (pending[0] === 0x2d && pending[1] === 0x2d) {
          state = "done";
          continue;
        }
        // RFC 2046 allows spaces and tabs after a delimiter, before its CRLF.
        const lineEnd = pending.indexOf(CRLF);
        if (lineEnd < 0 && pending.length > 256) throw malformed("no line break after a boundary");
        if (lineEnd < 0) return;
        if (!/^[ \t]*$/.test(pending.subarray(0, lineEnd).toString("latin1"))) throw malformed("text after a boundary");
        pending = pending.subarray(lineEnd + 2);
        state = "headers";
        continue;
      }
      // Headers: none at all is a bare CRLF.
      const end = pending.subarray(0, 2).equals(CRLF) ? -2 : pending.indexOf(HEADERS_END);
      if (end === -1) {
        if (pending.length > MAX_HEADER_BYTES) throw malformed("part headers too large");
        return;
      }
      const block = end < 0 ? "" : pending.subarray(0, end).toString("utf8");
      pending = pending.subarray(end < 0 ? 2 : end + 4);
      sink = await route(partHeaders(block));
      state = "body";
    }
  };

  for await (const chunk of body) {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (pending.length === 0) pending = bytes;
    else if (state === "body" && !delimiterCrosses(pending, bytes, delimiter)) {
      // The held-back tail is body after all: pass it on and take the chunk as it is, uncopied.
      await sink?.write(pending);
      pending = bytes;
    } else pending = Buffer.concat([pending, bytes]);
    await drain();
  }
  if (state !== "done") throw malformed("incomplete multipart stream");
}
