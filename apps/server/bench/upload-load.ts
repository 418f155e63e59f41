/**
 * Child process of `registry.ts`: keeps `lanes` uploads of a plugin of `size` bytes in flight
 * against a registry, each lane uploading a new build of its plugin (the same file with another
 * counter at its end, so every upload is stored, fsyncs and all) as soon as the last one ends.
 * argv: url, token, lanes, size. Prints "uploading" once every lane has started, then, when its
 * stdin closes, the counts of answers as JSON, and exits.
 */
import { benchPlugin, placeholderSignature, withAppended } from "./fill-storage.ts";

const [url, token, lanesText, sizeText] = process.argv.slice(2);
if (!url || !token || !lanesText || !sizeText) {
  process.stderr.write("usage: bun bench/upload-load.ts <url> <token> <lanes> <size>\n");
  process.exit(2);
}
const lanes = Number(lanesText);
const plugin = benchPlugin();
const files = Array.from({ length: lanes }, (_, lane) =>
  withAppended(plugin, Number(sizeText) - plugin.byteLength, 0x40 + lane),
);

const answers: Record<string, number> = {};
let bytes = 0;
let running = true;

/** Every upload of every run a new file: the process id and a counter in the last 16 bytes. */
let uploads = 0;

async function lane(file: Uint8Array): Promise<void> {
  const counter = new DataView(file.buffer, file.byteLength - 16);
  while (running) {
    counter.setFloat64(0, process.pid);
    counter.setFloat64(8, uploads++);
    const form = new FormData();
    form.append("file", new Blob([file]), "plugin.so");
    form.append("signature", placeholderSignature(file));
    let answer: string;
    try {
      const response = await fetch(`${url}/files`, {
        method: "POST",
        body: form,
        headers: { authorization: `Bearer ${token}` },
      });
      answer = response.ok ? String(await response.json()) : `${response.status} ${await response.text()}`;
      if (response.ok) bytes += file.byteLength;
    } catch (error) {
      answer = `failed: ${(error as Error).message}`;
    }
    answers[answer] = (answers[answer] ?? 0) + 1;
  }
}

const started = performance.now();
const work = Promise.all(files.map(lane));
process.stdout.write("uploading\n");
for await (const _ of Bun.stdin.stream()) {
  // Nothing is sent; the loop ends when the parent closes stdin.
}
running = false;
await work;
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ answers, bytesPerSecond: bytes / seconds })}\n`);
process.exit(0);
