/**
 * What the registry checks in an upload before it stores it, in memflow-registry's order: a
 * binary, signed by a trusted key, with at least one plugin descriptor; then memflow-ts's own
 * check that every descriptor's name and version follow core's rules (descriptor-names.ts). Synchronous: it runs in
 * the upload worker for uploads over HTTP, and on the caller's thread for `upload()`.
 */
import { readFileSync } from "node:fs";
import { analyzeFileSync, isBinary, type PluginDescriptorInfo, parseDescriptors } from "@memflow-ts/analyzer";
import { openFileReader } from "@memflow-ts/analyzer/fs";
import { checkDescriptorNames } from "./descriptor-names.ts";
import { StorageError } from "./storage-error.ts";

/** Checks an upload's signature over the whole file. */
export type SignatureCheck = (file: Uint8Array, signature: string) => boolean;

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
  if (verify && !verify(file, signature)) {
    throw new StorageError("bad-signature", "Signature error: file signature is invalid");
  }
  return someDescriptors(parseDescriptors(file));
}

/**
 * `analyzeUpload` for a file on disk. Read whole only when a signature is to be checked (it signs
 * every byte); otherwise the analyzer reads the few parts it needs, so a worker holds no upload
 * in memory.
 */
export function analyzeUploadFile(
  path: string,
  signature: string,
  verify: SignatureCheck | undefined,
): PluginDescriptorInfo[] {
  if (verify) return analyzeUpload(readFileSync(path), signature, verify);
  const reader = openFileReader(path);
  try {
    checkBinaryHead(reader.read(0, 4));
    return someDescriptors(analyzeFileSync(reader));
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
  if (!verify(await Bun.file(path).bytes(), signature)) {
    throw new StorageError("bad-signature", "Signature error: file signature is invalid");
  }
}
