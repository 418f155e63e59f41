/**
 * Child process of `registry.ts` and `shared.ts`: the real registry app on 127.0.0.1, an ephemeral
 * port, over an already filled storage folder (argv[2]), or the shared storage when argv[2] is
 * `shared:<JSON of SharedSettings>`, taking up to argv[3] uploads at once, at most argv[4] MiB/s
 * of upload bodies (0: no limit; absent: the server's default). Prints the port on
 * a line of its own, then serves until SIGTERM/SIGINT or until its stdin closes (the benchmark
 * died without cleaning up).
 */
import { createApp } from "../src/app.ts";
import { MAX_UPLOAD_BODY_BYTES } from "../src/http/upload-body.ts";
import { openStore } from "../src/storage/open-store.ts";
import { PluginStore } from "../src/storage/plugin-store.ts";
import type { SharedSettings } from "../src/storage/shared-settings.ts";
import { listenPort } from "./listen-port.ts";
import { serveUntilStopped } from "./serve-until-stopped.ts";

const root = process.argv[2];
if (!root) {
  process.stderr.write("usage: bun bench/serve-registry.ts <storage folder>\n");
  process.exit(2);
}

const SHARED = "shared:";
const store = root.startsWith(SHARED)
  ? (
      await openStore({
        storageRoot: ".",
        shared: JSON.parse(root.slice(SHARED.length)) as SharedSettings,
        verifySignature: undefined,
        publicKeys: undefined,
        warn: (line) => process.stderr.write(`${line}\n`),
      })
    ).store
  : new PluginStore(root);
const rate = process.argv[4];
const app = createApp({
  store,
  bearerToken: "t",
  maxUploads: Number(process.argv[3] ?? 8),
  uploadBytesPerSecond: rate === undefined ? undefined : Number(rate) * 1024 * 1024,
}).listen({
  hostname: "127.0.0.1",
  port: listenPort(),
  // As main.ts does.
  maxRequestBodySize: MAX_UPLOAD_BODY_BYTES + 1024 * 1024,
});
process.stdout.write(`${app.server?.port}\n`);

serveUntilStopped(async () => {
  await app.stop(true);
  await store.close();
});
