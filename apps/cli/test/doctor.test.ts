import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BuiltPlugin } from "@memflow-ts/sdk";
import { createDoctorCommand } from "../src/commands/doctor.ts";
import { ExitCode, runCli } from "../src/index.ts";
import type { Finding } from "../src/inventory/doctor/finding.ts";
import { looksLikeRoot } from "../src/inventory/doctor/other-users.ts";
import { testContext } from "./capture.ts";
import { buildDummy, FIXTURES, FOREIGN_ARCHITECTURE_FIXTURE, gcc, installCopy, place } from "./support/plugins.ts";

const sandbox = mkdtempSync(join(tmpdir(), "memflow-ts-doctor-"));
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

let dummy: BuiltPlugin;
beforeAll(() => {
  if (gcc.available) dummy = buildDummy(join(sandbox, "build"));
});

function setup(name: string, env: Record<string, string> = {}) {
  const home = join(sandbox, name, "home");
  const userDir = join(home, ".local", "lib", "memflow");
  const extra = join(sandbox, name, "extra");
  const cwd = join(sandbox, name, "cwd");
  for (const directory of [extra, cwd]) mkdirSync(directory, { recursive: true });
  const { context, stdout, stderr } = testContext({ home, cwd, env: { MEMFLOW_PLUGIN_PATH: extra, ...env } });
  const doctorJson = async () => {
    const code = await runCli(["doctor", "--json"], context);
    return { code, report: JSON.parse(stdout.text()) as { ok: boolean; findings: Finding[]; plugins: number } };
  };
  return { home, userDir, extra, cwd, context, stdout, stderr, doctorJson };
}

const codes = (findings: readonly Finding[]) => findings.map((finding) => `${finding.severity} ${finding.code}`);

describe("memflow-ts doctor", () => {
  test.skipIf(!gcc.available)(
    "a clean install: exit 0, where each memflow generation looks and what is there",
    async () => {
      const { userDir, extra, cwd, context, stdout } = setup("clean");
      installCopy(dummy, userDir, { salt: "clean", createdAt: "2024-04-06T20:49:56.440891100" });
      expect(await runCli(["doctor"], context)).toBe(ExitCode.ok);
      const text = stdout.text();
      expect(text).toContain("memflow 0.2.4 looks in, in order:\n");
      expect(text).toMatch(new RegExp(`  1\\. ${userDir} +user plugin directory: 1 plugin file\\n`));
      expect(text).toMatch(new RegExp(`  2\\. ${extra} +MEMFLOW_PLUGIN_PATH: no plugin files\\n`));
      expect(text).toMatch(new RegExp(`  3\\. ${cwd} +working directory: no plugin files\\n`));
      expect(text).toContain("memflow 0.2.3 and older looks in, in order:\n");
      expect(text).toMatch(/ {2}2\. \/usr\/local\/lib\/memflow +system: /);
      expect(text).toMatch(new RegExp(`  3\\. ${extra}/memflow +MEMFLOW_PLUGIN_PATH \\+ memflow: does not exist\\n`));
      expect(text).toContain("memflow 0.2.4 finds 1 plugin ('memflow-ts list' shows them).\n");
      expect(text).toEndWith("[=] no problems found\n");
    },
  );

  test("ABI and architecture mismatches keep plugins from loading: errors with a fix, exit 1", async () => {
    const { extra, doctorJson } = setup("abi");
    const abi = place(join(FIXTURES, "elf/x86_64-plugin-version-2.so"), extra, "libmemflow_version2.so");
    const foreign = place(FOREIGN_ARCHITECTURE_FIXTURE, extra, "libmemflow_foreign.so");
    const { code, report } = await doctorJson();
    expect(code).toBe(ExitCode.failed);
    expect(report.ok).toBe(false);
    const abiFinding = report.findings.find((finding) => finding.code === "abi-mismatch");
    expect(abiFinding).toEqual({
      severity: "error",
      code: "abi-mismatch",
      path: abi,
      message: `${abi}: MEMFLOW_OS_VERSION2 (os plugin-version-2 2.0.0) has plugin_version 2; memflow 0.2 loads only plugin_version 1`,
      fix: "Install a build for memflow 0.2 ('memflow-ts pull plugin-version-2' picks plugin_version 1) or rebuild the plugin against memflow 0.2, then remove this file.",
    });
    const architecture = report.findings.find((finding) => finding.code === "architecture-mismatch");
    expect(architecture?.severity).toBe("error");
    expect(architecture?.path).toBe(foreign);
    expect(architecture?.message).toMatch(
      /was built for elf\/(arm64|x86_64); this machine loads elf\/(x86_64|arm64) plugins$/,
    );
    expect(architecture?.fix).toStartWith("Install the elf/");
  });

  test("broken files: a damaged library is an error, a non-library a warning, a plain library a note", async () => {
    const { extra, doctorJson } = setup("broken");
    place(join(FIXTURES, "broken/truncated-elf.so"), extra, "libmemflow_truncated.so");
    place(join(FIXTURES, "broken/plugin.so"), extra, "notes.so");
    place(join(FIXTURES, "elf/x86_64-no-descriptor.so"), extra, "libleechcore.so");
    const { code, report } = await doctorJson();
    expect(code).toBe(ExitCode.failed);
    expect(codes(report.findings)).toEqual([
      "error damaged",
      "warning not-a-library",
      "warning no-plugins",
      "note user-directory-missing",
      "note not-seen-by-legacy",
      "note not-a-plugin",
    ]);
  });

  test.skipIf(!gcc.available)("the same plugin in several files: which one memflow uses and why", async () => {
    const { userDir, extra, doctorJson } = setup("duplicates");
    const newest = installCopy(dummy, userDir, { salt: "1", createdAt: "2025-02-01T10:00:00" });
    const older = installCopy(dummy, extra, { salt: "2", createdAt: "2024-02-01T10:00:00" });
    const { code, report } = await doctorJson();
    expect(code).toBe(ExitCode.ok);
    const duplicate = report.findings.find((finding) => finding.code === "duplicate");
    expect(duplicate).toEqual({
      severity: "note",
      code: "duplicate",
      path: newest,
      message:
        `connector dummy is in 2 files; memflow uses ${newest} (0.2.4): its created_at 2025-02-01T10:00:00 ` +
        `(from its .meta) is the newest. Not used: ${older} (0.2.4, created_at 2024-02-01T10:00:00)`,
      fix: "Remove the files not used ('memflow-ts plugins clean' removes older installs).",
    });
  });

  test.skipIf(!gcc.available)(
    ".meta problems: unparsable and incomplete are errors, a digest mismatch and an orphan warnings",
    async () => {
      const { userDir, doctorJson } = setup("meta");
      const unparsable = installCopy(dummy, userDir, { salt: "u", createdAt: "2024-01-01T00:00:00" });
      writeFileSync(unparsable.replace(/\.so$/, ".meta"), "{ not json");
      const incomplete = installCopy(dummy, userDir, { salt: "i", createdAt: "2024-01-02T00:00:00" });
      writeFileSync(incomplete.replace(/\.so$/, ".meta"), JSON.stringify({ created_at: "2024-01-02T00:00:00" }));
      const badTime = installCopy(dummy, userDir, { salt: "t", createdAt: "2024-01-03T00:00:00Z" });
      const changed = installCopy(dummy, userDir, { salt: "c", createdAt: "2024-01-04T00:00:00" });
      writeFileSync(changed, "replaced after install", { flag: "a" });
      writeFileSync(join(userDir, "libmemflow_gone_1234567.meta"), "{}");
      const { code, report } = await doctorJson();
      expect(code).toBe(ExitCode.failed);
      const byPath = (path: string) => report.findings.filter((finding) => finding.path === path).map((f) => f.code);
      expect(byPath(unparsable)).toEqual(["meta-unparsable"]);
      expect(byPath(incomplete)).toEqual(["meta-incomplete"]);
      expect(byPath(badTime)).toEqual(["meta-unparsable"]);
      expect(byPath(changed)).toContain("digest-mismatch");
      expect(byPath(join(userDir, "libmemflow_gone_1234567.meta"))).toEqual(["meta-orphan"]);
      const incompleteFinding = report.findings.find((finding) => finding.code === "meta-incomplete");
      expect(incompleteFinding?.message).toContain("digest is missing, signature is missing, descriptors is missing");
      expect(incompleteFinding?.fix).toContain("memflow-ts pull");
      const digest = report.findings.find((finding) => finding.code === "digest-mismatch");
      expect(digest?.severity).toBe("warning");
    },
  );

  test.skipIf(!gcc.available)("a plugin without .meta is a note: memflow orders it by creation time", async () => {
    const { userDir, doctorJson } = setup("no-meta");
    const path = installCopy(dummy, userDir, { salt: "n", createdAt: "", withoutMeta: true });
    const { code, report } = await doctorJson();
    expect(code).toBe(ExitCode.ok);
    const missing = report.findings.find((finding) => finding.code === "meta-missing");
    expect(missing?.path).toBe(path);
    // Filesystems without birth times make it an error (memflow 0.2.4 skips the plugin).
    expect(["note", "error"]).toContain(missing?.severity ?? "");
  });

  test.skipIf(!gcc.available)("plugins only memflow 0.2.3 and older see, in MEMFLOW_PLUGIN_PATH/memflow", async () => {
    const { extra, doctorJson } = setup("legacy");
    installCopy(dummy, join(extra, "memflow"), { salt: "l", createdAt: "2024-01-01T00:00:00" });
    const { report } = await doctorJson();
    const legacy = report.findings.find((finding) => finding.code === "legacy-directory");
    expect(legacy?.severity).toBe("warning");
    expect(legacy?.message).toBe(
      `1 plugin file in ${join(extra, "memflow")} (MEMFLOW_PLUGIN_PATH + memflow): only applications built with ` +
        "memflow 0.2.3 and older look there, memflow 0.2.4 does not",
    );
  });

  test("a MEMFLOW_PLUGIN_PATH entry that does not exist is a warning", async () => {
    const { extra, context, stdout } = setup("missing-path");
    const missing = join(extra, "nope");
    const withMissing = { ...context, env: { MEMFLOW_PLUGIN_PATH: `${extra}:${missing}` } };
    expect(await runCli(["doctor", "--quiet"], withMissing)).toBe(ExitCode.ok);
    expect(stdout.text()).toContain(
      `[-] warning: MEMFLOW_PLUGIN_PATH names ${missing}, which does not exist\n    fix: `,
    );
    expect(stdout.text()).not.toContain("looks in, in order");
    expect(stdout.text()).not.toContain("note:");
  });

  test.skipIf(!gcc.available)(
    "run through sudo: the invoking user's plugins that root does not find are an error",
    async () => {
      const { context, stdout, home } = setup("sudo", { SUDO_USER: "alice" });
      const aliceHome = join(sandbox, "sudo", "alice");
      installCopy(dummy, join(aliceHome, ".local", "lib", "memflow"), {
        salt: "alice",
        createdAt: "2024-01-01T00:00:00",
      });
      const passwd = join(sandbox, "sudo", "passwd");
      writeFileSync(passwd, `root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice:${aliceHome}:/bin/bash\n`);
      const doctor = createDoctorCommand({ passwdPath: passwd, homesRoot: join(sandbox, "sudo", "no-homes") });
      expect(await doctor.run([], context)).toBe(ExitCode.failed);
      const aliceDir = join(aliceHome, ".local", "lib", "memflow");
      expect(stdout.text()).toContain(
        `[X] running as root (HOME=${home}, started by alice through sudo): memflow looks in ${join(home, ".local", "lib", "memflow")}, ` +
          `but alice installed dummy in ${aliceDir}; run as root, memflow does not find it\n` +
          `    fix: Point memflow at alice's plugins: sudo env MEMFLOW_PLUGIN_PATH=${aliceDir} <program>, ` +
          "or install them for root too: sudo memflow-ts pull dummy.\n",
      );
      expect(stdout.text()).not.toContain("no-plugins");
    },
  );

  test.skipIf(!gcc.available)("as root without SUDO_USER, every home directory is checked", async () => {
    const { context, stdout } = setup("root-homes", {});
    const homes = join(sandbox, "root-homes", "homes");
    installCopy(dummy, join(homes, "bob", ".local", "lib", "memflow"), {
      salt: "bob",
      createdAt: "2024-01-01T00:00:00",
    });
    mkdirSync(join(homes, "carol"), { recursive: true });
    const doctor = createDoctorCommand({ passwdPath: join(sandbox, "none"), homesRoot: homes });
    // HOME=/root is what marks a root shell; MEMFLOW_PLUGIN_PATH already makes dummy visible.
    const rootContext = {
      ...context,
      home: "/root",
      env: { MEMFLOW_PLUGIN_PATH: join(homes, "bob", ".local", "lib", "memflow") },
    };
    await doctor.run(["--json"], rootContext);
    const report = JSON.parse(stdout.text()) as { findings: Finding[] };
    expect(report.findings.find((finding) => finding.code === "other-user-plugins")?.message).toStartWith(
      `bob's plugins in ${join(homes, "bob", ".local", "lib", "memflow")} are also found from here`,
    );
  });

  test("root is uid 0, or inferred from HOME=/root or SUDO_USER", () => {
    const base = testContext({ home: "/home/alice", cwd: "/" }).context;
    expect(looksLikeRoot(base)).toBe(false);
    expect(looksLikeRoot({ ...base, home: "/root" })).toBe(true);
    expect(looksLikeRoot({ ...base, env: { SUDO_USER: "alice" } })).toBe(true);
    expect(looksLikeRoot({ ...base, uid: 0 })).toBe(true);
    expect(looksLikeRoot({ ...base, uid: 1000 })).toBe(false);
    expect(looksLikeRoot({ ...base, env: { SUDO_USER: "root" } })).toBe(false);
    expect(looksLikeRoot({ ...base, home: "/root", platform: "win32" })).toBe(false);
  });

  test("arguments are a usage error", async () => {
    const { context, stderr } = setup("usage");
    expect(await runCli(["doctor", "now"], context)).toBe(ExitCode.usage);
    expect(stderr.text()).toStartWith("[X] doctor takes no arguments (got now)\n");
  });
});
