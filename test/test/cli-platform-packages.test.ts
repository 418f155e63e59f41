/**
 * The CLI's platform packages as the release writes them (tooling/scripts/cli-platform-packages.ts),
 * for every target, the ones this machine cannot run included: the release test publishes only
 * this machine's.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { BIN_TARGETS, binPath } from "../../tooling/scripts/build-bin.ts";
import {
  cliOptionalDependencies,
  cliPlatformPackage,
  writeCliPlatformPackage,
} from "../../tooling/scripts/cli-platform-packages.ts";

const root = mkdtempSync(join(tmpdir(), "memflow-ts-platform-packages-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

test.each(BIN_TARGETS)("%s: the executable alone, os and cpu set, a bin only on Windows", (target) => {
  // Where build:bin puts it; its contents do not matter here.
  const executable = binPath(target, "memflow-ts", join(root, "bin"));
  mkdirSync(dirname(executable), { recursive: true });
  writeFileSync(executable, `executable for ${target}`, { mode: 0o755 });
  const folder = join(root, target);
  writeCliPlatformPackage(target, executable, "1.2.3", folder);
  const manifest = JSON.parse(readFileSync(join(folder, "package.json"), "utf8"));
  const file = basename(executable);
  const windows = target === "windows-x64";
  expect(manifest).toEqual({
    name: cliPlatformPackage(target),
    version: "1.2.3",
    description: expect.stringContaining(target),
    license: "MIT",
    os: [{ linux: "linux", darwin: "darwin", windows: "win32" }[target.split("-")[0] as string]],
    cpu: [target.split("-")[1]],
    ...(windows ? { bin: { "memflow-ts": "memflow-ts.exe" } } : {}),
    files: [file],
    preferUnplugged: true,
    publishConfig: { access: "public" },
  });
  expect(readdirSync(folder).sort()).toEqual([file, "package.json"].sort());
  expect(readFileSync(join(folder, file), "utf8")).toBe(`executable for ${target}`);
  expect(statSync(join(folder, file)).mode & 0o111).not.toBe(0);
});

test("the CLI's optional dependencies name each target's package at exactly its version", () => {
  expect(cliOptionalDependencies(["linux-x64", "darwin-arm64"], "0.4.0")).toEqual({
    "@memflow-ts/cli-linux-x64": "0.4.0",
    "@memflow-ts/cli-darwin-arm64": "0.4.0",
  });
});
