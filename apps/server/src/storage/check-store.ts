/**
 * `memflow-ts-server check`: every file the index lists is compared with what is stored — the
 * `.meta` parses and names it, the file exists and hashes to its digest, its signature is from a
 * trusted key — and files stored that no index row lists are counted. Either store (StoreContents).
 */
import type { PluginMetadata } from "@memflow-ts/core/plugin-files";
import type { StoreContents } from "./store-contents.ts";
import { checkStoredMetadata, unusableReason } from "./stored-metadata.ts";
import type { SignatureCheck } from "./upload-analysis.ts";

export interface CheckProblem {
  readonly digest: string;
  readonly problem: string;
}

export interface CheckReport {
  /** Files the index lists. */
  readonly indexed: number;
  /** Listed files without a signature (imported from a folder without their `.meta`). */
  readonly unsigned: number;
  /** What is wrong, a digest at a time; empty when the store is consistent. */
  readonly problems: CheckProblem[];
  /** Stored files no index row lists: never served (an upload in flight, or a crash's leftover). */
  readonly unlisted: string[];
}

function sha256(bytes: Uint8Array): string {
  return new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
}

/** What is wrong with one listed file (no `problem` when nothing is), and its metadata when it parses. */
async function fileProblem(
  contents: StoreContents,
  digest: string,
  verify: SignatureCheck | undefined,
): Promise<{ problem?: string; meta?: PluginMetadata }> {
  const text = await contents.storedMetadata(digest);
  if (text === undefined) return { problem: "its metadata is missing" };
  let meta: PluginMetadata;
  try {
    meta = checkStoredMetadata(text, `${digest}.meta`, digest);
  } catch (error) {
    const reason = unusableReason(error, `${digest}.meta`);
    if (reason === undefined) throw error;
    return { problem: `its metadata is damaged: ${reason}` };
  }
  const bytes = await contents.storedBytes(digest);
  if (bytes === undefined) return { problem: "its file is missing", meta };
  if (sha256(bytes) !== digest) return { problem: "its file's content does not match its digest", meta };
  if (meta.signature !== "" && verify !== undefined && !verify(bytes, meta.signature)) {
    return { problem: "its signature is from no trusted key", meta };
  }
  return { meta };
}

/** Checks every listed file; `progress` is told after each. */
export async function checkStore(
  contents: StoreContents,
  verify: SignatureCheck | undefined,
  progress: (done: number, total: number) => void = () => {},
): Promise<CheckReport> {
  const [indexed, stored] = await Promise.all([contents.indexedDigests(), contents.storedDigests()]);
  const problems: CheckProblem[] = [];
  let unsigned = 0;
  for (const [position, digest] of indexed.entries()) {
    const { problem, meta } = await fileProblem(contents, digest, verify);
    if (problem !== undefined) problems.push({ digest, problem });
    else if (meta?.signature === "") unsigned += 1;
    progress(position + 1, indexed.length);
  }
  const listed = new Set(indexed);
  return { indexed: indexed.length, unsigned, problems, unlisted: stored.filter((digest) => !listed.has(digest)) };
}
