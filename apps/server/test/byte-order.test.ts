/**
 * Issue 13, item 6: big-endian plugins are still read and stored, but the registry records the
 * byte order, never offers them to a query for a (little-endian) target unless it asks for
 * `byte_order=big`, shows the order on the plugin page, and rebuilds an index made before.
 */

import { Database } from "bun:sqlite";
import { afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { type ByteOrder, byteOrderOfBytes } from "../src/storage/byte-order.ts";
import { INDEX_FILE_NAME } from "../src/storage/plugin-store.ts";
import { fixture, type Registry, rawFixture, registry, sha256 } from "./helpers.ts";

let open: Registry[] = [];
afterEach(() => {
  for (const r of open) r.dispose();
  open = [];
});

/** A registry holding a big-endian AArch64 plugin (the analyzer says `arm64`) and a little-endian one. */
async function withBothOrders(): Promise<Registry> {
  const r = registry();
  open.push(r);
  for (const file of [fixture("elf/aarch64_be-clang-lld.so"), fixture("elf/aarch64-gcc.so")]) {
    expect(await (await r.upload(file)).json()).toBe("Added");
  }
  return r;
}

const digests = async (r: Registry, query: string) =>
  ((await (await r.fetch(`/plugins/${query}`)).json()) as { plugins: { digest: string }[] }).plugins.map(
    (p) => p.digest,
  );

describe("the byte order of a file", () => {
  test("comes from the ELF header, the Mach-O magic, or is little for PE", () => {
    const expected: Record<string, ByteOrder> = {
      "elf/aarch64_be-clang-lld.so": "big",
      "elf/ppc64-be-clang-lld.so": "big",
      "elf/mips-be-clang-lld.so": "big",
      "elf/aarch64-gcc.so": "little",
      "elf/x86_64-gcc.so": "little",
      "pe/lld-arm64.dll": "little",
      "macho/arm64-chained.dylib": "little",
      "macho/universal-x86_64-arm64.dylib": "little",
    };
    const actual = Object.fromEntries(Object.keys(expected).map((path) => [path, byteOrderOfBytes(rawFixture(path))]));
    expect(actual).toEqual(expected);
  });

  test("of a big-endian Mach-O, alone or as the only slice of a universal file", () => {
    const thin = new Uint8Array([0xfe, 0xed, 0xfa, 0xcf, 0, 0, 0, 0x12]);
    expect(byteOrderOfBytes(thin)).toBe("big");
    const fat = new Uint8Array(64);
    fat.set([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 1]);
    fat.set([0, 0, 0, 48], 8 + 8); // the slice's offset
    fat.set([0, 0, 0, 16], 8 + 12); // and size
    fat.set(thin, 48);
    expect(byteOrderOfBytes(fat)).toBe("big");
    fat.set([0xcf, 0xfa, 0xed, 0xfe], 48);
    expect(byteOrderOfBytes(fat)).toBe("little");
  });
});

describe("GET /plugins/:name", () => {
  test("never offers a big-endian file to a query for a target, as memflowup's pull sends it", async () => {
    const r = await withBothOrders();
    expect(await digests(r, "clang_aarch64_be?limit=1&file_type=elf&architecture=arm64")).toEqual([]);
    expect(await digests(r, "clang_aarch64_be?architecture=arm64")).toEqual([]);
    expect(await digests(r, "clang_aarch64_be?file_type=elf")).toEqual([]);
    expect(await digests(r, "gcc_aarch64?limit=1&file_type=elf&architecture=arm64")).toHaveLength(1);
  });

  test("offers it when asked with byte_order=big, and lists it without a target", async () => {
    const r = await withBothOrders();
    const big = sha256(fixture("elf/aarch64_be-clang-lld.so"));
    expect(await digests(r, "clang_aarch64_be?architecture=arm64&byte_order=big")).toEqual([big]);
    expect(await digests(r, "clang_aarch64_be")).toEqual([big]);
    expect(await digests(r, "clang_aarch64_be?byte_order=little")).toEqual([]);
    expect(await digests(r, "gcc_aarch64?architecture=arm64&byte_order=big")).toEqual([]);
  });

  test("refuses a byte order that is neither, as serde would", async () => {
    const r = await withBothOrders();
    const response = await r.fetch("/plugins/clang_aarch64_be?byte_order=middle");
    expect([response.status, await response.text()]).toEqual([
      400,
      "Failed to deserialize query string: byte_order: unknown variant `middle`, expected one of `little`, `big`",
    ]);
  });
});

test("the plugin page shows the byte order of each variant", async () => {
  const r = await withBothOrders();
  const big = await (await r.fetch("/ui/plugins/clang_aarch64_be")).text();
  expect(big).toContain("<th>Byte order</th>");
  expect(big).toContain(
    '<td class="byte-order"><strong title="memflow loads little-endian plugins only">big-endian</strong></td>',
  );
  expect(await (await r.fetch("/ui/plugins/gcc_aarch64")).text()).toContain(
    '<td class="byte-order">little-endian</td>',
  );
});

test("an index made before byte orders were recorded is rebuilt at start-up", async () => {
  const r = await withBothOrders();
  r.store.close();
  // The index as the previous release left it: the same rows, no byte_order column.
  const db = new Database(join(r.root, INDEX_FILE_NAME));
  // The store's upload worker may still be closing its own connection (and checkpointing the WAL).
  db.exec("PRAGMA busy_timeout = 10000");
  db.exec("ALTER TABLE variants DROP COLUMN byte_order");
  db.close();
  const reopened = r.reopen();
  open = [reopened];
  expect(reopened.store.startup).toMatchObject({ indexed: 2, parsed: 2 });
  expect(await digests(reopened, "clang_aarch64_be?architecture=arm64")).toEqual([]);
  expect(await digests(reopened, "clang_aarch64_be?architecture=arm64&byte_order=big")).toHaveLength(1);
});
