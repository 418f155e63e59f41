/**
 * What the registry checks in an upload before it stores it, in memflow-registry's order: a
 * binary, signed by a trusted key, with at least one plugin descriptor; then memflow-ts's own
 * check that every descriptor's name and version follow core's rules (descriptor-names.ts). Synchronous: it runs in
 * the upload worker for uploads over HTTP, and on the caller's thread for `upload()`.
 */
import { analyzeFileSync, isBinary, type PluginDescriptorInfo, parseDescriptors } from "@memflow-ts/analyzer";
import { openFileReader } from "@memflow-ts/analyzer/fs";
import { type ByteOrder, byteOrderOfReader } from "./byte-order.ts";
import { checkDescriptorNames } from "./descriptor-names.ts";
import { StorageError } from "./storage-error.ts";

/** Checks an upload's signature over the whole file. */
export type SignatureCheck = (file: Uint8Array, signature: string) => boolean;

/** Checks an upload's signature over its sha256 (32 bytes), taken as it was received. */
export type DigestSignatureCheck = (sha256: Uint8Array, signature: string) => boolean;

function badSignature(): StorageError {
  return new StorageError("bad-signature", "Signature error: file signature is invalid");
}

/** memflow-registry's first check, which it runs as soon as four bytes have arrived. */
export function checkBinaryHead(head: Uint8Array): void {
  if (!isBinary(head)) {
    throw new StorageError("bad-plugin", "Memflow error: the file is not an ELF, PE or Mach-O binary");
  }
}

/**
 * The upload's descriptors. Throws StorageError for a file that is no plugin or is badly signed,
 * and the analyzer's AnalyzeError for a binary it cannot parse.
 */
export function analyzeUpload(
  file: Uint8Array,
  signature: string,
  verify: SignatureCheck | undefined,
): PluginDescriptorInfo[] {
  checkBinaryHead(file);
  if (verify && !verify(file, signature)) throw badSignature();
  return someDescriptors(parseDescriptors(file));
}

/**
 * `analyzeUpload` for a received file on disk, known by its sha256: the signature is checked
 * against that hash, and the analyzer reads the few parts it needs, so the file is never read
 * whole again nor held in memory. Also answers the byte order the index records, from the same
 * open file.
 */
export function analyzeUploadFile(
  path: string,
  sha256: string,
  signature: string,
  verify: DigestSignatureCheck | undefined,
): { descriptors: PluginDescriptorInfo[]; byteOrder: ByteOrder } {
  const reader = openFileReader(path);
  try {
    checkBinaryHead(reader.read(0, 4));
    if (verify && !verify(Buffer.from(sha256, "hex"), signature)) throw badSignature();
    return { descriptors: someDescriptors(analyzeFileSync(reader)), byteOrder: byteOrderOfReader(reader) };
  } finally {
    reader.close();
  }
}

function someDescriptors(descriptors: PluginDescriptorInfo[]): PluginDescriptorInfo[] {
  if (descriptors.length === 0) {
    throw new StorageError(
      "bad-plugin",
      "Memflow error: the file has no memflow plugin descriptor (no MEMFLOW_CONNECTOR_* or MEMFLOW_OS_* export)",
    );
  }
  checkDescriptorNames(descriptors);
  return descriptors;
}

/**
 * The signature check for a received file when the upload workers have no keys to check it with
 * (a caller-supplied `verifySignature` only): on the event loop, before the worker runs.
 */
export async function verifyReceivedSignature(
  path: string,
  signature: string,
  verify: SignatureCheck | undefined,
  publicKeys: readonly Uint8Array[] | undefined,
): Promise<void> {
  if (publicKeys !== undefined || verify === undefined) return;
  if (!verify(await Bun.file(path).bytes(), signature)) throw badSignature();
}
