/**
 * Uploads as they stream in (item 4 of issue 13): how many may be in flight, that bodies go to a
 * temporary file as they arrive, and that a file which is no binary is refused from its first
 * bytes. The requests' bodies are streams the tests feed piece by piece, so each step waits on
 * the server, never on a clock.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, statSync, watch } from "node:fs";
import { join } from "node:path";
import { UPLOAD_RETRY_AFTER_SECONDS } from "../src/http/upload-slots.ts";
import { INCOMING_FOLDER } from "../src/storage/storage-layout.ts";
import { fixture, freshRegistries, type Registry, sha256, TOKEN } from "./helpers.ts";

const gcc = fixture("elf/x86_64-gcc.so");
const BOUNDARY = "memflow-ts-test-boundary";
const encoder = new TextEncoder();

const fresh = freshRegistries();

/** The head of a multipart body up to the file's bytes, and its tail from there. */
function formAround(signature: string): { head: Uint8Array; tail: Uint8Array } {
  return {
    head: encoder.encode(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="signature"\r\n\r\n${signature}\r\n` +
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="plugin.so"\r\n` +
        "Content-Type: application/octet-stream\r\n\r\n",
    ),
    tail: encoder.encode(`\r\n--${BOUNDARY}--\r\n`),
  };
}

/** An upload whose body the test sends itself; `reading` resolves once the server reads it. */
function fedUpload(r: Registry) {
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let read: () => void = () => {};
  const reading = new Promise<void>((resolve) => {
    read = resolve;
  });
  const body = new ReadableStream<Uint8Array>(
    {
      start(started) {
        controller = started;
      },
      pull() {
        read();
      },
    },
    { highWaterMark: 0 },
  );
  const response = r.fetch("/files", {
    method: "POST",
    body,
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": `multipart/form-data; boundary=${BOUNDARY}` },
  });
  return {
    response,
    reading,
    send: (bytes: Uint8Array) => controller?.enqueue(bytes),
    end: () => controller?.close(),
  };
}

/** Resolves once the store's incoming folder holds a file of at least `size` bytes. */
async function receivedAtLeast(r: Registry, size: number): Promise<void> {
  const folder = join(r.root, INCOMING_FOLDER);
  const largest = () => Math.max(0, ...readdirSync(folder).map((name) => statSync(join(folder, name)).size));
  const watcher = watch(folder);
  try {
    while (largest() < size) await new Promise((changed) => watcher.once("change", changed));
  } finally {
    watcher.close();
  }
}

describe("uploads in flight", () => {
  test("one more than the limit is answered 503 with Retry-After at once; a freed slot takes the next", async () => {
    const r = fresh({ app: { maxUploads: 1 } });
    const first = fedUpload(r);
    await first.reading;
    const refused = await r.upload(gcc);
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe(String(UPLOAD_RETRY_AFTER_SECONDS));
    expect(await refused.text()).toBe(
      `the registry is receiving 1 uploads already; try again in ${UPLOAD_RETRY_AFTER_SECONDS} seconds`,
    );
    const { head, tail } = formAround(r.keys.sign(gcc));
    first.send(head);
    first.send(gcc);
    first.send(tail);
    first.end();
    expect(await (await first.response).json()).toBe("Added");
    const gccArm = fixture("elf/aarch64-gcc.so");
    expect(await (await r.upload(gccArm)).json()).toBe("Added");
  });

  test("a body goes to a temporary file as it arrives, which is gone once the upload is stored", async () => {
    const r = fresh();
    const upload = fedUpload(r);
    const { head, tail } = formAround(r.keys.sign(gcc));
    upload.send(head);
    const half = Math.floor(gcc.byteLength / 2);
    upload.send(gcc.subarray(0, half));
    await receivedAtLeast(r, half);
    upload.send(gcc.subarray(half));
    upload.send(tail);
    upload.end();
    expect(await (await upload.response).json()).toBe("Added");
    expect(readdirSync(join(r.root, INCOMING_FOLDER))).toEqual([]);
    expect(sha256(await Bun.file(join(r.root, `${sha256(gcc)}.plugin`)).bytes())).toBe(sha256(gcc));
  });

  test("a file that is no binary is refused from its first four bytes, before the rest is sent", async () => {
    const r = fresh();
    const upload = fedUpload(r);
    const { head } = formAround("00");
    upload.send(head);
    upload.send(encoder.encode("#!/bin/sh\n"));
    const response = await upload.response;
    expect(response.status).toBe(400);
    expect(await response.text()).toBe("Memflow error: the file is not an ELF, PE or Mach-O binary");
    expect(readdirSync(join(r.root, INCOMING_FOLDER))).toEqual([]);
  });
});

describe("the upload form", () => {
  test("a signature longer than any DER signature is refused", async () => {
    const r = fresh();
    const response = await r.upload(gcc, { signature: "0".repeat(5000) });
    expect([response.status, await response.text()]).toEqual([400, "file signature is longer than 4096 bytes"]);
  });

  test("of a part given twice the last counts, as in memflow-registry; unnamed parts are ignored", async () => {
    const r = fresh();
    const other = fixture("elf/aarch64-gcc.so");
    const form = new FormData();
    form.append("file", new Blob([other]));
    form.append("signature", "00");
    form.append("file", new Blob([gcc]));
    form.append("signature", r.keys.sign(gcc));
    form.append("", "unnamed");
    const response = await r.fetch("/files", {
      method: "POST",
      body: form,
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(await response.json()).toBe("Added");
    expect(r.store.has(sha256(gcc))).toBe(true);
    expect(r.store.has(sha256(other))).toBe(false);
  });

  test("a form of many file parts keeps one received file at a time", async () => {
    const r = fresh();
    const form = new FormData();
    for (let n = 0; n < 50; n++) form.append("file", new Blob([gcc]));
    form.append("signature", "00");
    const upload = r.fetch("/files", { method: "POST", body: form, headers: { authorization: `Bearer ${TOKEN}` } });
    const folder = join(r.root, INCOMING_FOLDER);
    let most = 0;
    const watcher = watch(folder, () => {
      most = Math.max(most, readdirSync(folder).length);
    });
    expect((await upload).status).toBe(400);
    watcher.close();
    expect(most).toBeLessThanOrEqual(1);
    expect(readdirSync(folder)).toEqual([]);
  });

  test("a body that is not multipart, or ends early, is a 400", async () => {
    const r = fresh();
    const auth = { authorization: `Bearer ${TOKEN}` };
    const plain = await r.fetch("/files", { method: "POST", body: gcc, headers: auth });
    expect([plain.status, await plain.text()]).toEqual([400, "Invalid `boundary` for `multipart/form-data` request"]);
    const { head } = formAround("00");
    const cut = await r.fetch("/files", {
      method: "POST",
      body: Buffer.concat([head, gcc]),
      headers: { ...auth, "content-type": `multipart/form-data; boundary=${BOUNDARY}` },
    });
    expect([cut.status, await cut.text()]).toEqual([
      400,
      "Error parsing `multipart/form-data` request: incomplete multipart stream",
    ]);
    expect(r.store.names()).toEqual([]);
  });
});
