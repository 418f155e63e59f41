/**
 * The multipart body of `POST /files`, read with a size cap so an oversize upload ends in a 413
 * before it is all in memory (memflow-registry answers those with a 400).
 */
import { RequestError } from "./request-error.ts";

/** memflow-registry's `DefaultBodyLimit::max(20 * 1024 * 1024)`, over the whole request body. */
export const MAX_UPLOAD_BODY_BYTES = 20 * 1024 * 1024;

function tooLarge(): RequestError {
  return new RequestError("too-large", `the upload is larger than ${MAX_UPLOAD_BODY_BYTES / 1024 / 1024} MiB`);
}

async function readCapped(request: Request, limit: number): Promise<Uint8Array> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) throw tooLarge();
  if (request.body === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of request.body) {
    total += chunk.byteLength;
    if (total > limit) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export interface UploadForm {
  file: Uint8Array;
  signature: string;
}

/** The `file` and `signature` parts; any other named part is an error, as in memflow-registry. */
export async function readUploadForm(request: Request): Promise<UploadForm> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!contentType.toLowerCase().startsWith("multipart/form-data")) {
    throw new RequestError("bad-request", "Invalid `boundary` for `multipart/form-data` request");
  }
  const body = await readCapped(request, MAX_UPLOAD_BODY_BYTES);
  const form = await new Response(body, { headers: { "content-type": contentType } })
    .formData()
    .catch((error: Error) => {
      throw new RequestError("bad-request", `Error parsing \`multipart/form-data\` request: ${error.message}`);
    });
  let file: Uint8Array | undefined;
  let signature: string | undefined;
  for (const [name, value] of form.entries()) {
    if (name === "file") {
      file = typeof value === "string" ? Buffer.from(value) : new Uint8Array(await value.arrayBuffer());
    } else if (name === "signature") {
      signature = typeof value === "string" ? value : await value.text();
    } else if (name !== "") {
      throw new RequestError("bad-request", "unexpected field in multipart form");
    }
  }
  if (file === undefined) throw new RequestError("bad-request", "file is required");
  if (signature === undefined) throw new RequestError("bad-request", "file signature is required");
  return { file, signature: signature.trim() };
}
