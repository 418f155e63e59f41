/**
 * Plugin files in an S3-compatible bucket (AWS S3, Cloudflare R2, MinIO, Ceph; s3rver in tests)
 * through Bun's S3 client, as `<digest>.plugin` objects. Bun's client sends no conditional PUT,
 * so `put` sends a presigned PUT with `If-None-Match: *`: a store that supports it skips a second
 * copy (412), one that ignores it overwrites identical bytes.
 */
import type { S3Client, S3Options } from "bun";
import type { ByteSpan } from "../registry-store.ts";
import type { BlobStore, OpenedObject, StoredObject } from "./blob-store.ts";

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

  /**
   * Through a presigned GET, since Bun's client sends neither `If-Match` nor anything a Response
   * can stream (a Response of an S3File is a redirect to it).
   */
  async open(
    digest: string,
    { span, ifMatch }: { span?: ByteSpan; ifMatch?: string } = {},
  ): Promise<OpenedObject | "missing" | "changed"> {
    const headers: Record<string, string> = {};
    if (span !== undefined) headers.range = `bytes=${span.start}-${span.end}`;
    if (ifMatch !== undefined) headers["if-match"] = ifMatch;
    const response = await fetch(this.presignedUrl(digest, 300), { headers });
    const etag = response.headers.get("etag");
    const verdict =
      response.status === 404
        ? "missing"
        : response.status === 412 || (ifMatch !== undefined && etag !== ifMatch)
          ? "changed"
          : undefined;
    if (verdict !== undefined || !response.ok || response.body === null || etag === null) {
      await response.body?.cancel();
      if (verdict !== undefined) return verdict;
      throw new Error(`${this.description}: reading ${digest} failed with HTTP ${response.status}`);
    }
    // The whole size: after the slash of Content-Range for a range, else the length.
    const size = Number(response.headers.get("content-range")?.split("/")[1] ?? response.headers.get("content-length"));
    return { etag, size, body: response.body };
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
