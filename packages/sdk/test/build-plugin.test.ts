import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Inventory } from "@memflow-ts/core";
import { hostFor, installedFileName, parsePluginMetadata } from "@memflow-ts/core/plugin-files";
import { requireTool } from "../../../tooling/testing/require-tool.ts";
import { BuildError, buildPlugin, buildPluginAsync, bundledPluginSource } from "../src/index.ts";

const root = mkdtempSync(join(tmpdir(), "memflow-ts-build-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const buildError = (run: () => unknown): BuildError => {
  try {
    run();
  } catch (error) {
    if (error instanceof BuildError) return error;
    throw error;
  }
  throw new Error("expected a BuildError");
};

describe("buildPlugin", () => {
  test("names the library as memflowup does and writes its .meta in memflowup's format", () => {
    const outDir = join(root, "dummy");
    const built = buildPlugin({ name: "dummy", sources: [bundledPluginSource("dummy")], outDir });
    expect(built.path).toBe(join(outDir, `libmemflow_dummy_${built.digest.slice(0, 7)}.so`));
    expect(built.digest).toBe(new Bun.CryptoHasher("sha256").update(readFileSync(built.path)).digest("hex"));
    expect(readdirSync(outDir).sort()).toEqual([
      `libmemflow_dummy_${built.digest.slice(0, 7)}.meta`,
      `libmemflow_dummy_${built.digest.slice(0, 7)}.so`,
    ]);

    const text = readFileSync(built.metaPath ?? "", "utf8");
    // serde_json::to_string_pretty: two-space indent, memflowup's field order, no trailing newline.
    expect(Object.keys(JSON.parse(text))).toEqual(["digest", "signature", "created_at", "descriptors"]);
    expect(text.startsWith(`{\n  "digest": "${built.digest}",\n  "signature": "",\n  "created_at": "`)).toBe(true);
    expect(text.endsWith("}")).toBe(true);
    const meta = parsePluginMetadata(text, built.metaPath ?? "");
    expect(meta.missing).toEqual([]);
    expect(meta.createdAt?.text).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3}|\.\d{6}|\.\d{9})?$/);
    expect(meta.fields.descriptors).toEqual([
      {
        plugin_kind: "connector",
        export_name: "MEMFLOW_CONNECTOR_DUMMY",
        file_type: "elf",
        architecture: process.arch === "arm64" ? "arm64" : "x86_64",
        plugin_version: 1,
        name: "dummy",
        version: "0.2.4",
        description: "zeroed memory for testing, with memflow's dummy connector semantics",
      },
    ]);

    const inventory = Inventory.scanPath(outDir, { host: hostFor("linux", process.arch) });
    expect(inventory.plugins()[0]?.createdAtSource).toBe("meta");
    expect(inventory.plugins()[0]?.createdAt.text).toBe(meta.createdAt?.text ?? "");
  });

  test("cross-compiles a Windows DLL named memflow_<name>_<digest7>.dll", () => {
    const mingw = requireTool("x86_64-w64-mingw32-gcc", "gcc-mingw-w64-x86-64");
    if (!mingw.available) return;
    const built = buildPlugin({
      name: "dummy",
      sources: [bundledPluginSource("dummy")],
      outDir: join(root, "windows"),
      platform: "win32",
      compiler: "x86_64-w64-mingw32-gcc",
    });
    expect(built.path.endsWith(installedFileName("dummy", built.digest, "win32"))).toBe(true);
    expect(built.path).toMatch(/memflow_dummy_[0-9a-f]{7}\.dll$/);
    expect(built.descriptors[0]).toMatchObject({ file_type: "pe", architecture: "x86_64", name: "dummy" });
  });

  test("explains a missing compiler, a compile error and a library without a descriptor", () => {
    expect(
      buildError(() => buildPlugin({ name: "x", sources: ["x.c"], outDir: root, compiler: "no-such-cc" })).message,
    ).toContain("no-such-cc is not on PATH");
    const broken = join(root, "broken.c");
    writeFileSync(broken, "this is not C\n");
    const compileError = buildError(() => buildPlugin({ name: "broken", sources: [broken], outDir: root }));
    expect(compileError.message).toContain("compiling failed");
    expect(compileError.output).toContain("broken.c");
    const plain = join(root, "plain.c");
    writeFileSync(plain, "int answer(void) { return 42; }\n");
    expect(buildError(() => buildPlugin({ name: "plain", sources: [plain], outDir: root })).message).toContain(
      "exports no memflow descriptor",
    );
    expect(buildError(() => buildPlugin({ name: "bad-name", sources: [plain], outDir: root })).message).toContain(
      "letters, digits",
    );
    expect(readdirSync(root).filter((file) => file.startsWith(".building"))).toEqual([]);
  });
});

describe("buildPluginAsync", () => {
  test("builds what buildPlugin builds, and the event loop runs while the compiler works", async () => {
    // A compiler that takes its time, so a timer has room to tick during the build.
    const slowCompiler = join(root, "slow-cc");
    writeFileSync(slowCompiler, '#!/bin/sh\nsleep 0.4\nexec gcc "$@"\n');
    chmodSync(slowCompiler, 0o755);
    const outDir = join(root, "async");
    let ticks = 0;
    const timer = setInterval(() => {
      ticks += 1;
    }, 50);
    const built = await buildPluginAsync({
      name: "dummy",
      sources: [bundledPluginSource("dummy")],
      outDir,
      compiler: slowCompiler,
    }).finally(() => clearInterval(timer));
    expect(ticks).toBeGreaterThanOrEqual(3);
    expect(built.path).toBe(join(outDir, `libmemflow_dummy_${built.digest.slice(0, 7)}.so`));
    expect(built.descriptors.map((descriptor) => descriptor.name)).toEqual(["dummy"]);
    expect(readdirSync(outDir).sort()).toEqual([
      `libmemflow_dummy_${built.digest.slice(0, 7)}.meta`,
      `libmemflow_dummy_${built.digest.slice(0, 7)}.so`,
    ]);
  });

  test("a compile error rejects with the compiler's output and leaves nothing behind", async () => {
    const outDir = join(root, "async-broken");
    const broken = join(root, "async-broken.c");
    writeFileSync(broken, "this is not C either\n");
    const error = await buildPluginAsync({ name: "broken", sources: [broken], outDir }).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(BuildError);
    expect((error as BuildError).output).toContain("async-broken.c");
    expect(readdirSync(outDir)).toEqual([]);
  });
});
