#!/usr/bin/env bun
/** The executable: reads the environment, listens, and stops cleanly on SIGINT/SIGTERM. */
import { createApp } from "./app.ts";
import { DEFAULT_LISTEN_ADDRESS, ListenAddressError, parseListenAddress } from "./listen-address.ts";

let address: ReturnType<typeof parseListenAddress>;
try {
  address = parseListenAddress(process.env.MEMFLOW_ADDR ?? DEFAULT_LISTEN_ADDRESS);
} catch (error) {
  if (!(error instanceof ListenAddressError)) throw error;
  process.stderr.write(`[X] ${error.message}\n`);
  process.exit(2);
}

const app = createApp().listen(address);
process.stdout.write(`memflow-ts-server listening on http://${address.hostname}:${app.server?.port}\n`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, async () => {
    await app.stop();
    process.exit(0);
  });
}
