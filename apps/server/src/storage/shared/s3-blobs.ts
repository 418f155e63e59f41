/**
 * Plugin files in an S3-compatible bucket (AWS S3, Cloudflare R2, MinIO, Ceph; s3rver in tests)
 * through Bun's S3 client, as `<digest>.plugin` objects. Bun's client sends no conditional PUT,
 * so `put` sends a presigned PUT with `If-None-Match: *`: a store that supports it skips a second
 * copy (412), one that ignores it overwrites identical bytes.
 */
import type { S3Client, S3Options } from "bun";
import type { BlobStore, StoredObject } from "./blob-store.ts";

const SUFFIX = ".plugin";

/** S3's "no such object", as Bun's client reports it. */
function isMissing(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === "NoSuchKey";
}

export class S3Blobs implements BlobStore {
  readonly #client: S3Client;
  /** Where the bucket is, for messages. */
  readonly description: string;

  constructor(options: S3Options) {
    this.#client = new Bun.S3Client(options);
    this.description = `s3 bucket ${options.bucket ?? "?"}${options.endpoint ? ` at ${options.endpoint}` : ""}`;
  }

  #key(digest: string): string {
    return `${digest}${SUFFIX}`;
  }

  async put(digest: string, body: Blob): Promise<void> {
    const url = this.#client.presign(this.#key(digest), { method: "PUT", expiresIn: 300 });
    const response = await fetch(url, { method: "PUT", body, headers: { "if-none-match": "*" } });
    await response.body?.cancel();
    // 412: the object exists already; its bytes are these (the key is their digest).
    if (!response.ok && response.status !== 412) {
      throw new Error(`${this.description}: storing ${digest} failed with HTTP ${response.status}`);
    }
  }

  async read(digest: string): Promise<Uint8Array | undefined> {
    try {
      return await this.#client.file(this.#key(digest)).bytes();
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  presignedUrl(digest: string, seconds: number): string {
    return this.#client.presign(this.#key(digest), { method: "GET", expiresIn: seconds });
  }

  exists(digest: string): Promise<boolean> {
    return this.#client.exists(this.#key(digest));
  }

  async delete(digest: string): Promise<void> {
    await this.#client.delete(this.#key(digest));
  }

  async objects(): Promise<StoredObject[]> {
    const found: StoredObject[] = [];
    let startAfter: string | undefined;
    for (;;) {
      const page = await this.#client.list({ maxKeys: 1000, ...(startAfter === undefined ? {} : { startAfter }) });
      for (const object of page.contents ?? []) {
        if (!object.key.endsWith(SUFFIX)) continue;
        found.push({ digest: object.key.slice(0, -SUFFIX.length), modifiedAt: new Date(object.lastModified ?? 0) });
      }
      const last = page.contents?.at(-1)?.key;
      if (!page.isTruncated || last === undefined) return found;
      startAfter = last;
    }
  }
}
