/**
 * `receiveUpload` on streamed bodies (no Content-Length, as a chunked client sends them): the file
 * part arrives in a temporary file with its sha256 taken on the way; an oversize body is refused
 * while it streams; a body cut short or a form without its parts is a 400; nothing is left behind.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RequestError } from "../src/http/request-error.ts";
import { MAX_UPLOAD_BODY_BYTES, receiveUpload } from "../src/http/upload-body.ts";
import { UploadRate } from "../src/http/upload-rate.ts";
import { IncomingFile } from "../src/storage/incoming-file.ts";

const folder = mkdtempSync(join(tmpdir(), "memflow-ts-upload-body-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const BOUNDARY = "streamed";
const ELF_HEAD = Uint8Array.from([0x7f, 0x45, 0x4c, 0x46]);

function part(name: string, data: Uint8Array | string): Buffer {
  return Buffer.concat([
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`),
    typeof data === "string" ? Buffer.from(data) : data,
    Buffer.from("\r\n"),
  ]);
}

const END = Buffer.from(`--${BOUNDARY}--\r\n`);

/** A request whose body streams in pieces of `piece` bytes, with no Content-Length. */
function streamed(body: Uint8Array, piece = 4096): Request {
  let at = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= body.byteLength) return controller.close();
      controller.enqueue(body.slice(at, at + piece));
      at += piece;
    },
  });
  return new Request("http://127.0.0.1/files", {
    method: "POST",
    body: stream,
    headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}` },
  });
}

function receive(request: Request) {
  return receiveUpload(
    request,
    new UploadRate(0),
    () => IncomingFile.create(folder, { flush: true }),
    async ({ file, signature }) => ({ ...file, signature, bytes: readFileSync(file.path) }),
  );
}

async function refusal(request: Request): Promise<string> {
  try {
    await receive(request);
    return "received";
  } catch (error) {
    if (!(error instanceof RequestError)) throw error;
    return `${error.reason}: ${error.message}`;
  }
}

describe("receiveUpload", () => {
  test("writes the file part to a temporary file, hashed as it streamed, and removes it after", async () => {
    const data = new Uint8Array(300_000).map((_, index) => (index * 131) & 0xff);
    data.set(ELF_HEAD);
    const received = await receive(
      streamed(Buffer.concat([part("signature", " 3044 "), part("file", data), END]), 777),
    );
    expect(received.signature).toBe("3044");
    expect(received.size).toBe(data.byteLength);
    expect(received.flushed).toBe(true);
    expect(Buffer.compare(received.bytes, data)).toBe(0);
    expect(received.digest).toBe(new Bun.CryptoHasher("sha256").update(data).digest("hex"));
    expect(readdirSync(folder)).toEqual([]);
  });

  test("refuses a body over the limit while it streams, and keeps nothing of it", async () => {
    const big = new Uint8Array(MAX_UPLOAD_BODY_BYTES + 1);
    big.set(ELF_HEAD);
    const body = Buffer.concat([part("signature", "3044"), part("file", big), END]);
    expect(await refusal(streamed(body, 1024 * 1024))).toBe("too-large: the upload is larger than 20 MiB");
    expect(readdirSync(folder)).toEqual([]);
  });

  test("a body cut short, or a form without its file or signature, is a 400", async () => {
    const file = part("file", ELF_HEAD);
    const signature = part("signature", "3044");
    const cut = Buffer.concat([signature, file]).subarray(0, signature.length + 60);
    expect(await refusal(streamed(cut, 7))).toBe(
      "bad-request: Error parsing `multipart/form-data` request: incomplete multipart stream",
    );
    expect(await refusal(streamed(Buffer.concat([signature, END])))).toBe("bad-request: file is required");
    expect(await refusal(streamed(Buffer.concat([file, END])))).toBe("bad-request: file signature is required");
    expect(readdirSync(folder)).toEqual([]);
  });
});
