/**
 * Mach-O's export trie (LC_DYLD_EXPORTS_TRIE, or the export part of LC_DYLD_INFO): a prefix tree
 * of exported names whose terminal nodes hold each symbol's offset from the image base. Only the
 * branches that can lead to a memflow descriptor export are visited.
 */
import type { Fields } from "./bytes.ts";
import { fail } from "./errors.ts";
import { CONNECTOR_EXPORT_PREFIX, OS_EXPORT_PREFIX } from "./export-name.ts";
import { readUleb } from "./uleb.ts";

const EXPORT_SYMBOL_FLAGS_KIND_MASK = 0x03n;
const EXPORT_SYMBOL_FLAGS_KIND_REGULAR = 0x00n;
const EXPORT_SYMBOL_FLAGS_REEXPORT = 0x08n;
const EXPORT_SYMBOL_FLAGS_STUB_AND_RESOLVER = 0x10n;
/** Longest exported name followed; a longer path means a malformed trie. */
const MAX_NAME = 4096;

export interface TrieExport {
  /** The name as exported, with Mach-O's leading `_`. */
  name: Uint8Array;
  /** Offset of the symbol from the image base (the __TEXT segment's address). */
  imageOffset: bigint;
}

const TARGETS = [CONNECTOR_EXPORT_PREFIX, OS_EXPORT_PREFIX].flatMap((prefix) => [
  new TextEncoder().encode(`_${prefix}`),
  new TextEncoder().encode(prefix),
]);

/**
 * Whether a name starting with `path` could still match, or already matches, a memflow prefix.
 * Plain loops, no `some` with a callback: this runs for every edge of the trie, interpreted.
 */
function mayLeadToDescriptor(path: Uint8Array): boolean {
  const pathLength = path.length;
  for (let which = 0; which < TARGETS.length; which += 1) {
    const target = TARGETS[which] as Uint8Array;
    const length = Math.min(target.length, pathLength);
    let index = 0;
    while (index < length && path[index] === target[index]) index += 1;
    if (index === length) return true;
  }
  return false;
}

/** The regular (non-re-exported, non-resolver) exports whose names may be descriptors. */
export function descriptorExports(trie: Fields): TrieExport[] {
  const found: TrieExport[] = [];
  if (trie.length === 0) return found;
  const visited = new Set<number>();
  const pending: { node: number; path: Uint8Array }[] = [{ node: 0, path: new Uint8Array(0) }];
  while (pending.length > 0) {
    const { node, path } = pending.pop() ?? { node: 0, path: new Uint8Array(0) };
    if (visited.has(node)) throw fail("malformed", trie.fileOffset + node, "the export trie has a cycle");
    visited.add(node);
    const terminal = readUleb(trie, node);
    const terminalSize = Number(BigInt.asUintN(32, terminal.value));
    if (terminal.value !== 0n && path.length > 0) {
      const flags = readUleb(trie, terminal.next);
      const regular =
        (flags.value & EXPORT_SYMBOL_FLAGS_KIND_MASK) === EXPORT_SYMBOL_FLAGS_KIND_REGULAR &&
        (flags.value & (EXPORT_SYMBOL_FLAGS_REEXPORT | EXPORT_SYMBOL_FLAGS_STUB_AND_RESOLVER)) === 0n;
      if (regular) found.push({ name: path, imageOffset: readUleb(trie, flags.next).value });
    }
    let at = terminal.next + terminalSize;
    const childCount = trie.u8(at);
    at += 1;
    for (let child = 0; child < childCount; child += 1) {
      const edge = trie.cString(at, "an export trie edge");
      at += edge.length + 1;
      const target = readUleb(trie, at);
      at = target.next;
      const childPath = new Uint8Array(path.length + edge.length);
      childPath.set(path);
      childPath.set(edge, path.length);
      if (childPath.length > MAX_NAME)
        throw fail("malformed", trie.fileOffset + at, "an export trie path is implausibly long");
      if (!mayLeadToDescriptor(childPath)) continue;
      if (target.value >= BigInt(trie.length))
        throw fail("malformed", trie.fileOffset + at, "an export trie edge leads outside the trie");
      pending.push({ node: Number(target.value), path: childPath });
    }
  }
  return found;
}
