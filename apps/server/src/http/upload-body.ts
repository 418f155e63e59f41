/**
 * The multipart body of `POST /files`, received as it streams in: the `file` part goes to a
 * temporary file of the store (hashed on the way, never whole in memory), the `signature` part is
 * kept, anything else named is an error, as in memflow-registry. The whole body is capped, so an
 * oversize upload ends in a 413 while it arrives (memflow-registry answers those with a 400).
 */
import type { IncomingFile, ReceivedFile } from "../storage/incoming-file.ts";
import { multipartBoundary, type PartSink, readMultipart } from "./multipart-stream.ts";
import { RequestError } from "./request-error.ts";
import type { UploadRate } from "./upload-rate.ts";

/** memflow-registry's `DefaultBodyLimit::max(20 * 1024 * 1024)`, over the whole request body. */
export const MAX_UPLOAD_BODY_BYTES = 20 * 1024 * 1024;
/** A DER signature in hex is at most 144 characters; this leaves room and keeps `.meta` files small. */
export const MAX_SIGNATURE_BYTES = 4096;

function tooLarge(): RequestError {
  return new RequestError("too-large", `the upload is larger than ${MAX_UPLOAD_BODY_BYTES / 1024 / 1024} MiB`);
}

/** The body's chunks, at most `limit` bytes in all, each let in by `rate`. */
async function* metered(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
  rate: UploadRate,
): AsyncIterable<Uint8Array> {
  if (body === null) return;
  let total = 0;
  for await (const chunk of body) {
    total += chunk.byteLength;
    if (total > limit) throw tooLarge();
    await rate.take(chunk.byteLength);
    yield chunk;
  }
}

/** A small text part, kept in memory up to `limit` bytes. */
class TextPart implements PartSink {
  readonly #chunks: Uint8Array[] = [];
  #length = 0;

  write(bytes: Uint8Array): void {
    this.#length += bytes.byteLength;
    if (this.#length > MAX_SIGNATURE_BYTES) {
      throw new RequestError("bad-request", `file signature is longer than ${MAX_SIGNATURE_BYTES} bytes`);
    }
    this.#chunks.push(bytes);
  }

  end(): void {}

  text(): string {
    return Buffer.concat(this.#chunks).toString("utf8");
  }
}

const IGNORED: PartSink = { write() {}, end() {} };

export interface UploadForm {
  file: ReceivedFile;
  signature: string;
}

/**
 * Receives the form into `openFile()`'s files, as fast as `rate` lets it, and hands it to `use`;
 * the received file is discarded after `use` (a commit will have renamed it away), and on any error.
 */
export async function receiveUpload<T>(
  request: Request,
  rate: UploadRate,
  openFile: () => Promise<IncomingFile>,
  use: (form: UploadForm) => Promise<T>,
): Promise<T> {
  const boundary = multipartBoundary(request.headers.get("content-type") ?? "");
  if (boundary === undefined) {
    throw new RequestError("bad-request", "Invalid `boundary` for `multipart/form-data` request");
  }
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > MAX_UPLOAD_BODY_BYTES) throw tooLarge();
  const form: { file?: IncomingFile; signature?: TextPart } = {};
  try {
    await readMultipart(metered(request.body, MAX_UPLOAD_BODY_BYTES, rate), boundary, async ({ name }) => {
      // A part named twice: the last one counts, as in memflow-registry (and one file is open at a time).
      if (name === "file") {
        await form.file?.discard();
        const file = await openFile();
        form.file = file;
        return { write: (bytes) => file.write(bytes), end() {} };
      }
      if (name === "signature") {
        form.signature = new TextPart();
        return form.signature;
      }
      if (name === undefined || name === "") return IGNORED;
      throw new RequestError("bad-request", "unexpected field in multipart form");
    });
    if (form.file === undefined) throw new RequestError("bad-request", "file is required");
    if (form.signature === undefined) throw new RequestError("bad-request", "file signature is required");
    const file = await form.file.finish();
    return await use({ file, signature: form.signature.text().trim() });
  } finally {
    await form.file?.discard();
  }
}
