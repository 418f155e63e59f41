/**
 * A real S3-compatible server for tests: the s3rver package (a devDependency), run by this Bun in
 * a child process on a free 127.0.0.1 port with one bucket, its objects in a temporary folder.
 * Production uses AWS S3, Cloudflare R2, MinIO or Ceph; s3rver speaks the same protocol.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { S3Options, Subprocess } from "bun";

const S3RVER = join(dirname(createRequire(import.meta.url).resolve("s3rver/package.json")), "bin/s3rver.js");

export interface TestS3 {
  /** Options for Bun's S3Client, bucket included. */
  readonly options: S3Options;
  /** The same as the S3_* variables the server reads. */
  readonly env: Record<string, string>;
  stop(): void;
}

export async function startS3(bucket = "plugins"): Promise<TestS3> {
  const folder = mkdtempSync(join(tmpdir(), "memflow-ts-s3-"));
  const child: Subprocess<"ignore", "pipe", "pipe"> = Bun.spawn(
    [
      process.execPath,
      S3RVER,
      "--directory",
      folder,
      "--address",
      "127.0.0.1",
      "--port",
      "0",
      "--configure-bucket",
      bucket,
      "--silent",
    ],
    { stdin: "ignore", stdout: "pipe", stderr: "pipe" },
  );
  let output = "";
  const decoder = new TextDecoder();
  for await (const chunk of child.stdout) {
    output += decoder.decode(chunk, { stream: true });
    const port = /listening on [\d.]+:(\d+)/.exec(output)?.[1];
    if (port === undefined) continue;
    const endpoint = `http://127.0.0.1:${port}`;
    const options = { endpoint, bucket, region: "us-east-1", accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
    return {
      options,
      env: {
        S3_ENDPOINT: endpoint,
        S3_BUCKET: bucket,
        S3_REGION: options.region,
        S3_ACCESS_KEY_ID: options.accessKeyId,
        S3_SECRET_ACCESS_KEY: options.secretAccessKey,
      },
      stop() {
        child.kill("SIGKILL");
        rmSync(folder, { recursive: true, force: true });
      },
    };
  }
  child.kill("SIGKILL");
  rmSync(folder, { recursive: true, force: true });
  throw new Error(`s3rver did not start: ${output}${await new Response(child.stderr).text()}`);
}
