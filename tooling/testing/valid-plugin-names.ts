/**
 * The analyzer's gcc-built fixtures name their plugins like `gcc-x86_64`, which memflow's
 * plugin-name rule (letters, digits, `_`) refuses, and so do the registry's uploads and the
 * CLI's pull. Tests that need a registry to take a real fixture use a copy renamed here: each
 * given name's bytes, wherever they occur in the file, become the same name with `_` for every
 * other character. The length stays, so no offset in the file moves and it parses as before.
 */

const encoder = new TextEncoder();

/** `name` with `_` for each character the plugin-name rule refuses. */
export function validPluginName(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, "_");
}

function occurrences(haystack: Uint8Array, needle: Uint8Array): number[] {
  const found: number[] = [];
  const first = needle[0];
  for (let at = haystack.indexOf(first ?? 0); at >= 0; at = haystack.indexOf(first ?? 0, at + 1)) {
    if (needle.every((byte, index) => haystack[at + index] === byte)) found.push(at);
  }
  return found;
}

/** A copy of `file` whose descriptors named `names` are named validly; throws if a name is not in it. */
export function withValidPluginNames(file: Uint8Array, names: readonly string[]): Uint8Array {
  const copy = file.slice();
  for (const name of names) {
    const from = encoder.encode(name);
    const to = encoder.encode(validPluginName(name));
    if (to.length !== from.length) throw new Error(`${name}: only ASCII names can be renamed in place`);
    const at = occurrences(copy, from);
    if (at.length === 0) throw new Error(`${name} does not occur in the file`);
    for (const offset of at) copy.set(to, offset);
  }
  return copy;
}
