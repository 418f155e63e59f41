/**
 * Child process of `upload.ts`: the uploads' baseline, the least a server that stores uploads
 * durably does. `POST /files` takes the body with `formData()`, hashes the `file` part with
 * sha256, writes it to a temporary file in argv[2], fsyncs it once and renames it to
 * `<digest>.plugin`; it answers `"Added"` as the registry does. No checks, no metadata, no index.
 * Its disk work goes through the thread pool, so concurrent uploads overlap as the registry's do.
 * Prints the port on a line of its own, then serves until SIGTERM/SIGINT or its stdin closes.
 */
import { open, rename } from "node:fs/promises";
import { join } from "node:path";
import { MAX_UPLOAD_BODY_BYTES } from "../src/http/upload-body.ts";
import { listenPort } from "./listen-port.ts";
import { serveUntilStopped } from "./serve-until-stopped.ts";

const folder = process.argv[2];
if (!folder) {
  process.stderr.write("usage: bun bench/serve-minimal-upload.ts <folder>\n");
  process.exit(2);
}

/** Off the event loop (the thread pool), as the registry's disk work is, so uploads overlap their fsyncs. */
async function store(bytes: Uint8Array): Promise<void> {
  const digest = new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
  const temporary = join(folder as string, `${crypto.randomUUID()}.partial`);
  const handle = await open(temporary, "wx", 0o644);
  try {
    for (let written = 0; written < bytes.byteLength; ) {
      written += (await handle.write(bytes, written, bytes.byteLength - written)).bytesWritten;
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, join(folder as string, `${digest}.plugin`));
}

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: listenPort(),
  maxRequestBodySize: MAX_UPLOAD_BODY_BYTES + 1024 * 1024,
  async fetch(request) {
    if (request.method !== "POST" || !request.url.endsWith("/files")) return new Response("Not Found", { status: 404 });
    const file = (await request.formData()).get("file");
    if (!(file instanceof Blob)) return new Response("file is required", { status: 400 });
    await store(await file.bytes());
    return Response.json("Added");
  },
});
process.stdout.write(`${server.port}\n`);

serveUntilStopped(() => server.stop(true));
