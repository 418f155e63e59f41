/**
 * `GET /files/:digest`: the stored bytes, with what memflow-registry leaves out. The digest is
 * the ETag and the content never changes, so caches may keep it forever; single byte ranges
 * (`Range: bytes=a-b`, `a-`, `-n`) let interrupted downloads resume.
 */

import type { ByteSpan, StreamedBody } from "../storage/registry-store.ts";

export const IMMUTABLE = "public, max-age=31536000, immutable";

type ByteRange = { start: number; end: number } | "unsatisfiable" | undefined;

/**
 * One range of a `Range` header; undefined (send everything) for several ranges, another unit or
 * an invalid range such as `bytes=5-2` (RFC 9110 §14.2: a server ignores a Range it cannot use).
 * Only a valid range that starts past the end is unsatisfiable (416).
 */
export function parseByteRange(header: string | null, size: number): ByteRange {
  const match = header === null ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return undefined;
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== "" && Number(last) < start) return undefined;
  if (start >= size) return "unsatisfiable";
  return { start, end: last === "" ? size - 1 : Math.min(Number(last), size - 1) };
}

function etagMatches(header: string | null, etag: string): boolean {
  if (header === null) return false;
  return header.split(",").some((candidate) => {
    const tag = candidate.trim().replace(/^W\//, "");
    return tag === etag || tag === "*";
  });
}

/** The body of `span` (all when absent): a Blob's slice, or a streamed file's bytes as they arrive. */
async function bodyOf(file: Blob | StreamedBody, span?: ByteSpan): Promise<Blob | ReadableStream<Uint8Array>> {
  if (file instanceof Blob) return span === undefined ? file : file.slice(span.start, span.end + 1);
  return file.stream(span);
}

export async function fileResponse(
  request: Request,
  file: Blob | StreamedBody,
  digest: string,
  fileName: string,
): Promise<Response> {
  const etag = `"${digest}"`;
  const headers = new Headers({
    "content-type": "application/octet-stream",
    // Bun would name a file response after its path (`<digest>.plugin`); memflowup's name is useful.
    "content-disposition": `attachment; filename="${fileName}"`,
    etag,
    "cache-control": IMMUTABLE,
    "accept-ranges": "bytes",
  });
  if (etagMatches(request.headers.get("if-none-match"), etag)) return new Response(null, { status: 304, headers });
  const range = parseByteRange(request.headers.get("range"), file.size);
  if (range === "unsatisfiable") {
    headers.set("content-range", `bytes */${file.size}`);
    return new Response(null, { status: 416, headers });
  }
  // A stream has no length of its own; this one tells the client what to expect.
  headers.set("content-length", String(range === undefined ? file.size : range.end + 1 - range.start));
  if (range === undefined) return new Response(await bodyOf(file), { headers });
  headers.set("content-range", `bytes ${range.start}-${range.end}/${file.size}`);
  return new Response(await bodyOf(file, range), { status: 206, headers });
}
