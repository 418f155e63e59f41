import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { HEALTH_SAMPLE_INTERVAL_MS } from "../src/storage/storage-health.ts";
import {
  fixture,
  freshRegistries,
  healthWithCounts,
  keyPair,
  type Registry,
  rebuilt,
  sha256,
  TOKEN,
} from "./helpers.ts";

const gcc = fixture("elf/x86_64-gcc.so");

interface FindBody {
  plugins: { digest: string; descriptor: Record<string, unknown> }[];
  skip: number;
  total: number;
}
const fresh = freshRegistries();

describe("GET /health", () => {
  test('answers "Ok" as memflow-registry does', async () => {
    const response = await fresh().fetch("/health");
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('"Ok"');
  });

  test("with Accept: application/json also counts listed files whose .plugin is missing", async () => {
    const r = fresh({ store: { watchFolder: false } });
    await r.upload(gcc);
    await r.upload(rebuilt(gcc, 1));
    rmSync(join(r.root, `${sha256(gcc)}.plugin`));
    expect(await healthWithCounts(r.fetch)).toEqual({ status: "Ok", indexed: 2, missing_objects: 1 });
    expect(await (await r.fetch("/health")).text()).toBe('"Ok"');
  });

  test("answers from memory: the file system is asked at most once per interval, not per request", async () => {
    let now = 0;
    const r = fresh({ store: { clock: () => now } });
    rmSync(r.root, { recursive: true });
    // The folder is gone, but the last sample is recent: no request makes the server look.
    expect((await r.fetch("/health")).status).toBe(200);
    now += HEALTH_SAMPLE_INTERVAL_MS;
    const response = await r.fetch("/health");
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ Error: "database unhealthy" });
    expect(r.logs.join("\n")).toContain("storage unhealthy");
  });

  test("is 503 after a write failed, until a write succeeds", async () => {
    const r = fresh();
    // A folder where the plugin file should go: renaming the upload into place fails.
    mkdirSync(join(r.root, `${sha256(gcc)}.plugin`, "in-the-way"), { recursive: true });
    expect((await r.upload(gcc)).status).toBe(500);
    expect((await r.fetch("/health")).status).toBe(503);
    expect(await (await r.upload(rebuilt(gcc, 1))).json()).toBe("Added");
    expect(await (await r.fetch("/health")).json()).toBe("Ok");
  });

  test("is 503 once the storage is closed", async () => {
    const r = fresh();
    r.store.close();
    expect((await r.fetch("/health")).status).toBe(503);
  });
});

describe("POST /files", () => {
  test('stores the bytes and memflow-registry\'s .meta, then answers "AlreadyExists" for the same file', async () => {
    const r = fresh();
    const response = await r.upload(gcc);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('"Added"');
    const digest = sha256(gcc);
    expect(sha256(readFileSync(join(r.root, `${digest}.plugin`)))).toBe(digest);
    const meta = readFileSync(join(r.root, `${digest}.meta`), "utf8");
    // Compact JSON, keys in serde's declaration order.
    expect(meta).toMatch(
      new RegExp(
        `^\\{"digest":"${digest}","signature":"[0-9A-F]+","created_at":"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?","descriptors":\\[\\{"plugin_kind":"connector","export_name":"MEMFLOW_CONNECTOR_GCC_X86_64","file_type":"elf","architecture":"x86_64","plugin_version":1,"name":"gcc_x86_64","version":"0.1.0","description":"x86_64 shared object built by gcc and GNU ld"\\}\\]\\}$`,
      ),
    );
    const again = await r.upload(gcc);
    expect(await again.text()).toBe('"AlreadyExists"');
  });

  test("rejects a bad signature with memflow-registry's text", async () => {
    const r = fresh();
    const other = keyPair();
    const response = await r.upload(gcc, { signature: other.sign(gcc) });
    expect(response.status).toBe(400);
    expect(await response.text()).toBe("Signature error: file signature is invalid");
    expect(r.store.names()).toEqual([]);
  });

  test("accepts uploads signed by any of several trusted keys", async () => {
    const { writeFileSync, mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { loadTrustedKeys } = await import("../src/trusted-keys.ts");
    const first = keyPair();
    const second = keyPair();
    const folder = mkdtempSync(join(tmpdir(), "memflow-ts-keys-"));
    writeFileSync(join(folder, "keys.pem"), first.publicPem + second.publicPem);
    const trusted = loadTrustedKeys([join(folder, "keys.pem")]);
    expect(trusted.count).toBe(2);
    expect(trusted.verify(gcc, second.sign(gcc))).toBe(true);
    expect(trusted.verify(gcc, keyPair().sign(gcc))).toBe(false);
    rmSync(folder, { recursive: true });
  });

  test("rejects files that are not binaries, and binaries without a plugin descriptor", async () => {
    const r = fresh();
    const text = new TextEncoder().encode("#!/bin/sh\necho not a plugin\n");
    const notBinary = await r.upload(text);
    expect(notBinary.status).toBe(400);
    expect(await notBinary.text()).toMatch(/^Memflow error: .*not an ELF, PE or Mach-O/);
    // memflow-registry answers "Added" and stores a file no listing ever shows.
    const plain = fixture("elf/x86_64-no-descriptor.so");
    const response = await r.upload(plain);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/no memflow plugin descriptor/);
    expect(existsSync(join(r.root, `${sha256(plain)}.plugin`))).toBe(false);
  });

  test("rejects a malformed binary with the analyzer's message", async () => {
    const r = fresh();
    const response = await r.upload(fixture("broken/truncated-elf.so"));
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/^Memflow error: /);
  });

  test("needs both parts and refuses any other named part", async () => {
    const r = fresh();
    const noSignature = new FormData();
    noSignature.append("file", new Blob([gcc]));
    const auth = { authorization: `Bearer ${TOKEN}` };
    let response = await r.fetch("/files", { method: "POST", body: noSignature, headers: auth });
    expect([response.status, await response.text()]).toEqual([400, "file signature is required"]);
    const noFile = new FormData();
    noFile.append("signature", "00");
    response = await r.fetch("/files", { method: "POST", body: noFile, headers: auth });
    expect([response.status, await response.text()]).toEqual([400, "file is required"]);
    response = await r.upload(gcc, { extra: { name: "x" } });
    expect([response.status, await response.text()]).toEqual([400, "unexpected field in multipart form"]);
  });

  test("is 401, not 400, without credentials; 401 with a wrong token, which is never logged", async () => {
    const r = fresh();
    const missing = await r.upload(gcc, { token: null });
    expect(missing.status).toBe(401);
    expect(await missing.text()).toBe("Header of type `authorization` was missing");
    const wrong = await r.upload(gcc, { token: "guess-1234" });
    expect(wrong.status).toBe(401);
    expect(r.logs.join("\n")).toContain("refused upload");
    expect(r.logs.join("\n")).not.toContain("guess-1234");
    expect(r.logs.join("\n")).not.toContain(TOKEN);
    expect(r.store.names()).toEqual([]);
  });

  test("is 413 for an upload over 20 MiB, declared or streamed", async () => {
    const r = fresh();
    const huge = rebuilt(gcc, 20 * 1024 * 1024);
    const declared = await r.upload(huge);
    expect(declared.status).toBe(413);
    const chunk = new Uint8Array(1024 * 1024);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ > 21) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const streamed = await r.fetch("/files", {
      method: "POST",
      body: stream,
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "multipart/form-data; boundary=x" },
    });
    expect(streamed.status).toBe(413);
  });

  test("gives JSON error bodies to clients that ask for JSON", async () => {
    const r = fresh();
    const response = await r.fetch(`/files/${"0".repeat(64)}`, { headers: { accept: "application/json" } });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: "not-found", message: "plugin not found" } });
  });

  test("concurrent identical uploads give one entry", async () => {
    const r = fresh();
    const results = await Promise.all(Array.from({ length: 8 }, () => r.upload(gcc).then((x) => x.json())));
    expect(results.filter((x) => x === "Added")).toHaveLength(1);
    expect(results.filter((x) => x === "AlreadyExists")).toHaveLength(7);
    expect(r.store.find("gcc_x86_64", {}).total).toBe(1);
  });
});

describe("GET /plugins and /plugins/:name", () => {
  async function populated(): Promise<Registry> {
    const r = fresh();
    for (const file of [
      gcc,
      rebuilt(gcc, 1),
      rebuilt(gcc, 2),
      fixture("elf/aarch64-gcc.so"),
      fixture("elf/x86_64-multi.so"),
      fixture("elf/x86_64-plugin-version-2.so"),
    ]) {
      expect(await (await r.upload(file)).json()).toBe("Added");
    }
    return r;
  }

  test("lists each name once, sorted, with its description", async () => {
    const r = await populated();
    const body = (await (await r.fetch("/plugins")).json()) as { plugins: { name: string; description: string }[] };
    expect(body.plugins.map((p) => p.name)).toEqual(["alpha", "beta", "gcc_aarch64", "gcc_x86_64", "plugin_version_2"]);
    expect(body.plugins[3]).toEqual({
      name: "gcc_x86_64",
      description: "x86_64 shared object built by gcc and GNU ld",
    });
  });

  test("gives variants newest first, with total; an unknown name gives an empty list", async () => {
    const r = await populated();
    const body = (await (await r.fetch("/plugins/gcc_x86_64")).json()) as FindBody;
    expect(body.total).toBe(3);
    expect(body.skip).toBe(0);
    expect(body.plugins.map((p: { digest: string }) => p.digest)).toEqual([
      sha256(rebuilt(gcc, 2)),
      sha256(rebuilt(gcc, 1)),
      sha256(gcc),
    ]);
    const [newest] = body.plugins;
    expect(Object.keys(newest ?? {})).toEqual(["digest", "signature", "created_at", "descriptor"]);
    expect(Object.keys(newest?.descriptor ?? {})).toEqual([
      "plugin_kind",
      "export_name",
      "file_type",
      "architecture",
      "plugin_version",
      "name",
      "version",
      "description",
    ]);
    expect(await (await r.fetch("/plugins/nothing")).json()).toEqual({ plugins: [], skip: 0, total: 0 });
  });

  test("filters by version, digest prefix, ABI, file type and architecture", async () => {
    const r = await populated();
    const digests = async (query: string) =>
      ((await (await r.fetch(`/plugins/${query}`)).json()) as FindBody).plugins.map((p) => p.digest);
    expect(await digests("gcc_x86_64?version=0.1.0")).toHaveLength(3);
    expect(await digests(`gcc_x86_64?version=${sha256(gcc).slice(0, 7)}`)).toEqual([sha256(gcc)]);
    expect(await digests(`gcc_x86_64?version=${sha256(gcc)}`)).toEqual([sha256(gcc)]);
    // Longer than a digest: memflow-registry's handler panics; here it simply matches nothing.
    expect(await digests(`gcc_x86_64?version=${"a".repeat(70)}`)).toEqual([]);
    expect(await digests("gcc_x86_64?memflow_plugin_version=2")).toEqual([]);
    expect(await digests("plugin_version_2?memflow_plugin_version=2")).toHaveLength(1);
    expect(await digests("gcc_aarch64?architecture=arm64&file_type=elf")).toHaveLength(1);
    expect(await digests("gcc_aarch64?architecture=x86_64")).toEqual([]);
    expect(await digests("gcc_x86_64?file_type=pe")).toEqual([]);
  });

  test("applies skip after filtering (memflow-registry skips raw entries first)", async () => {
    const r = await populated();
    const body = (await (await r.fetch("/plugins/gcc_x86_64?version=0.1.0&skip=1&limit=1")).json()) as FindBody;
    expect(body.skip).toBe(1);
    expect(body.total).toBe(3);
    expect(body.plugins.map((p: { digest: string }) => p.digest)).toEqual([sha256(rebuilt(gcc, 1))]);
  });

  test("limit defaults to 5 and is capped at 50", async () => {
    const r = fresh();
    // Stored directly: this is about listings, and 52 uploads over HTTP take a while.
    for (let n = 0; n < 52; n++) {
      const file = rebuilt(gcc, n + 1);
      r.store.upload(file, r.keys.sign(file));
    }
    const count = async (query: string) =>
      ((await (await r.fetch(`/plugins/gcc_x86_64${query}`)).json()) as FindBody).plugins.length;
    expect(await count("")).toBe(5);
    expect(await count("?limit=500")).toBe(50);
    expect(await count("?limit=0")).toBe(0);
  });

  test("rejects values serde would reject, naming the parameter", async () => {
    const r = fresh();
    for (const query of ["file_type=PE", "architecture=amd64", "limit=x", "skip=-1", "memflow_plugin_version=1.5"]) {
      const response = await r.fetch(`/plugins/gcc_x86_64?${query}`);
      expect(response.status).toBe(400);
      expect(await response.text()).toStartWith(`Failed to deserialize query string: ${query.split("=")[0]}`);
    }
    // Unknown keys are ignored, as serde does.
    expect((await r.fetch("/plugins/gcc_x86_64?digest_short=abc")).status).toBe(200);
  });

  test("refuses a parameter given twice, naming it, as serde does", async () => {
    const r = fresh();
    for (const [query, key] of [
      ["limit=1&limit=2", "limit"],
      ["version=0.1.0&architecture=x86_64&version=0.2.0", "version"],
      ["file_type=elf&file_type=elf", "file_type"],
    ]) {
      const response = await r.fetch(`/plugins/gcc_x86_64?${query}`);
      expect(response.status).toBe(400);
      expect(await response.text()).toBe(`Failed to deserialize query string: duplicate field \`${key}\``);
    }
    // Unknown keys stay ignored, however often they come.
    expect((await r.fetch("/plugins/gcc_x86_64?x=1&x=2")).status).toBe(200);
  });
});

describe("GET /files/:digest", () => {
  test("downloads the bytes with the digest as ETag and immutable caching", async () => {
    const r = fresh();
    await r.upload(gcc);
    const digest = sha256(gcc);
    const response = await r.fetch(`/files/${digest}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/octet-stream");
    expect(response.headers.get("etag")).toBe(`"${digest}"`);
    expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    // memflowup's installed name, not Bun's default `<digest>.plugin`.
    expect(response.headers.get("content-disposition")).toBe(
      `attachment; filename="libmemflow_gcc_x86_64_${digest.slice(0, 7)}.so"`,
    );
    expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(digest);
    const cached = await r.fetch(`/files/${digest}`, { headers: { "if-none-match": `"${digest}"` } });
    expect(cached.status).toBe(304);
  });

  test("answers byte ranges, suffix ranges and unsatisfiable ranges", async () => {
    const r = fresh();
    await r.upload(gcc);
    const digest = sha256(gcc);
    const part = await r.fetch(`/files/${digest}`, { headers: { range: "bytes=4-11" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 4-11/${gcc.byteLength}`);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(gcc.slice(4, 12));
    const tail = await r.fetch(`/files/${digest}`, { headers: { range: "bytes=-16" } });
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(gcc.slice(-16));
    const open = await r.fetch(`/files/${digest}`, { headers: { range: `bytes=${gcc.byteLength - 3}-` } });
    expect(new Uint8Array(await open.arrayBuffer())).toEqual(gcc.slice(-3));
    const beyond = await r.fetch(`/files/${digest}`, { headers: { range: `bytes=${gcc.byteLength}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get("content-range")).toBe(`bytes */${gcc.byteLength}`);
  });

  test("ignores an invalid range (last before first) and sends the whole file, as RFC 9110 says", async () => {
    const r = fresh();
    await r.upload(gcc);
    const response = await r.fetch(`/files/${sha256(gcc)}`, { headers: { range: "bytes=5-2" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-range")).toBeNull();
    expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(sha256(gcc));
  });

  test("is 404 with memflow-registry's text for an unknown digest, and metadata too", async () => {
    const r = fresh();
    for (const path of [`/files/${"a".repeat(64)}`, `/files/${"a".repeat(64)}/metadata`]) {
      const response = await r.fetch(path);
      expect([response.status, await response.text()]).toEqual([404, "plugin not found"]);
    }
  });

  test("is 404, as memflow-registry answers, for anything but 64 lower-case hex digits; no path escapes the folder", async () => {
    const r = fresh();
    await r.upload(gcc);
    const digest = sha256(gcc);
    // An upper-case or shortened spelling of a stored digest names no stored file either.
    const names = ["..%2F..%2F..%2Fetc%2Fpasswd", digest.toUpperCase(), digest.slice(0, 7), `${digest}.meta`];
    for (const name of names) {
      for (const path of [`/files/${name}`, `/files/${name}/metadata`]) {
        const response = await r.fetch(path);
        expect(response.status).toBe(404);
        expect(await response.text()).toStartWith("plugin not found");
        const json = await r.fetch(path, { headers: { accept: "application/json" } });
        expect(((await json.json()) as { error: { code: string } }).error.code).toBe("invalid-digest");
      }
      const deleted = await r.fetch(`/files/${name}`, {
        method: "DELETE",
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(deleted.status).toBe(404);
    }
    expect(r.store.has(digest)).toBe(true);
  });

  test("a .meta damaged after start-up is not served: 500 with a clear message, withdrawn, and logged", async () => {
    const r = fresh();
    await r.upload(gcc);
    await r.upload(rebuilt(gcc, 1));
    const digest = sha256(gcc);
    // Without change notifications (as on NFS, for changes made by other machines) serving is
    // where the damage shows.
    const reopened = r.reopen({ watchFolder: false });
    writeFileSync(join(reopened.root, `${digest}.meta`), '{"digest": "damaged');
    const response = await reopened.fetch(`/files/${digest}/metadata`);
    expect(response.status).toBe(500);
    expect(await response.text()).toBe(
      "the stored metadata of this plugin is damaged; the server has withdrawn it (its log says why)",
    );
    expect(reopened.logs.join("\n")).toContain(`withdrawing ${digest}: ${digest}.meta is not valid JSON`);
    expect((await reopened.fetch(`/files/${digest}/metadata`)).status).toBe(404);
    const listing = (await (await reopened.fetch("/plugins/gcc_x86_64")).json()) as FindBody;
    expect(listing.plugins.map((p) => p.digest)).toEqual([sha256(rebuilt(gcc, 1))]);
  });

  test("a .meta that describes another file, or whose plugin file is gone, leaves the listings unasked", async () => {
    const r = fresh();
    const [first, second, third] = [gcc, rebuilt(gcc, 1), rebuilt(gcc, 2)];
    for (const file of [first, second, third]) await r.upload(file);
    const metaOf = (file: Uint8Array) => join(r.root, `${sha256(file)}.meta`);
    writeFileSync(metaOf(first), readFileSync(metaOf(second)));
    await r.logged(`withdrawing ${sha256(first)}: ${sha256(first)}.meta describes ${sha256(second)}`);
    rmSync(join(r.root, `${sha256(third)}.plugin`));
    await r.logged(`withdrawing ${sha256(third)}: ${sha256(third)}.plugin is gone`);
    const listing = (await (await r.fetch("/plugins/gcc_x86_64")).json()) as FindBody;
    expect(listing.plugins.map((p) => p.digest)).toEqual([sha256(second)]);
    expect((await r.fetch(`/files/${sha256(first)}`)).status).toBe(404);
  });

  test("metadata is the stored .meta", async () => {
    const r = fresh();
    await r.upload(gcc);
    const digest = sha256(gcc);
    const response = await r.fetch(`/files/${digest}/metadata`);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.text()).toBe(readFileSync(join(r.root, `${digest}.meta`), "utf8"));
  });
});

describe("cached answers", () => {
  test("listings and downloads follow uploads and deletes", async () => {
    const r = fresh();
    await r.upload(gcc);
    const list = async () => ((await (await r.fetch("/plugins/gcc_x86_64")).json()) as FindBody).total;
    expect(await list()).toBe(1);
    expect((await (await r.fetch("/plugins")).json()) as object).toEqual({
      plugins: [{ name: "gcc_x86_64", description: "x86_64 shared object built by gcc and GNU ld" }],
    });
    await r.upload(rebuilt(gcc, 1));
    expect(await list()).toBe(2);
    const digest = sha256(gcc);
    expect((await r.fetch(`/files/${digest}`)).status).toBe(200);
    await r.fetch(`/files/${digest}`, { method: "DELETE", headers: { authorization: `Bearer ${TOKEN}` } });
    expect(await list()).toBe(1);
    expect((await r.fetch(`/files/${digest}`)).status).toBe(404);
  });
});

describe("DELETE /files/:digest", () => {
  test("removes the file and its .meta, so the plugin stays gone after a restart", async () => {
    const r = fresh();
    await r.upload(gcc);
    const digest = sha256(gcc);
    const unauthorized = await r.fetch(`/files/${digest}`, { method: "DELETE" });
    expect(unauthorized.status).toBe(401);
    const response = await r.fetch(`/files/${digest}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect([response.status, await response.text()]).toEqual([200, ""]);
    expect(existsSync(join(r.root, `${digest}.plugin`))).toBe(false);
    expect(existsSync(join(r.root, `${digest}.meta`))).toBe(false);
    expect((await r.fetch(`/files/${digest}/metadata`)).status).toBe(404);
    const restarted = r.reopen();
    expect(await (await restarted.fetch("/plugins/gcc_x86_64")).json()).toEqual({ plugins: [], skip: 0, total: 0 });
  });

  test("is 404 (memflow-registry: 500) with the same text for an unknown digest", async () => {
    const r = fresh();
    const response = await r.fetch(`/files/${"b".repeat(64)}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect([response.status, await response.text()]).toEqual([404, "Not found: digest was not found"]);
  });
});
