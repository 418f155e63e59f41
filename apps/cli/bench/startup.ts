/**
 * Start-up cost of the inventory listings, `memflow-ts plugins ls` and `memflow-ts list`, over
 * 200 installed plugins, against the floor in the same run (issue 17's targets: `plugins ls` at
 * most 1.3×, `list` at most 1.5×): a fifteen-line script that does only the file work of
 * `plugins ls` (read the folder and every `.meta`, print a table), the least any Bun program doing
 * that job can take. The plugins are copies of one gcc-built dummy connector with distinct bytes
 * appended (so their digests differ), named and described the way memflowup installs them. Runs
 * are interleaved; each ratio is taken per round and its median reported.
 *
 * Every form users run is measured: `bun src/main.ts` (from a clone, and the npm package's
 * fallback), this machine's single-file executable (`bun run build:bin`, built here the same
 * way), whose `--version` is held against a hello-world executable built the same way (at most
 * 1.5×), and the npm package as `bun add -g` installs it (its `bin/memflow-ts` launcher execs that
 * executable from the platform package beside it). `bun -e '0'` shows what running any
 * JavaScript costs.
 *
 * With the connectors, the SDK's dummy OS is installed, and `memflow-ts ps` over it with 1,000
 * processes is measured against `plugins ls` (issue 16's target: at most 1.5×), in both forms, each
 * against the same form's `plugins ls`. `info` on the same
 * chain creates the OS and lists nothing, so the two rows apart show what creating the dummy OS's
 * layout costs and what listing 1,000 processes costs. (`size=200m` is 512 MiB, about what 1,000
 * processes need: see packages/sdk/native/dummy-os.md.)
 *
 * `STARTUP_COMPARE=<another checkout>` adds that checkout's `plugins ls` and `list` to the same
 * interleaved rounds, to tell whether a change made start-up slower; `STARTUP_COMPARE_BIN=<an
 * executable>` does the same for another build of the executable (`--version`, `plugins ls`, `list`).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { formatDuration, printTable } from "../../../tooling/bench/measure.ts";
import { buildExecutable, compileModules, hostBinTarget, importOf } from "../../../tooling/scripts/build-bin.ts";
import { installLikeBunGlobal } from "../test/support/npm-layout.ts";
import { buildDummyWithOs, buildTestOs } from "../test/support/os-plugins.ts";
import { gcc, installCopy } from "../test/support/plugins.ts";
import { inSandbox, spawnRounds } from "./spawn-rounds.ts";

const PLUGINS = 200;

/** The least work `plugins ls` can do: list the folder, parse each `.meta`, print sorted rows. */
const FLOOR_SCRIPT = `const fs = require("node:fs");
const folder = process.env.HOME + "/.local/lib/memflow";
const rows = [];
for (const name of fs.readdirSync(folder).sort()) {
  if (!name.endsWith(".meta")) continue;
  const meta = JSON.parse(fs.readFileSync(folder + "/" + name, "utf8"));
  for (const d of meta.descriptors)
    rows.push([d.name, d.version, d.architecture, String(d.plugin_version), meta.digest.slice(0, 7), meta.created_at]);
}
rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[5] < b[5] ? 1 : -1));
fs.writeSync(1, rows.map((row) => row.map((cell) => cell.padEnd(12)).join(" ")).join("\\n") + "\\n");
`;
const ROUNDS = 31;
/** Issue 17's targets, as ratios to the floor (the listings) or to the hello-world executable. */
const TARGETS = { ls: 1.3, list: 1.5, version: 1.5 } as const;
const PS_TARGET = 1.5;
/** `ps` over the dummy OS with 1,000 processes, its own memory big enough for them. */
const PS = ["ps", "-o", "dummy::size=200m,procs=1000"];
/** `ps` over core's test OS with 1,000 processes (its fixed five and 995 generated), which lays out no memory. */
const PS_TESTOS = ["ps", "-c", "testmem::size=300000", "-o", "testos::processes=995"];

const target = hostBinTarget();
if (!gcc.available || target === undefined) process.exit(0);

await inSandbox("startup", async ({ root, home, cwd, main }) => {
  const { connector: dummy, os: dummyOs } = buildDummyWithOs(join(root, "build"));
  const pluginDirectory = join(home, ".local", "lib", "memflow");
  installCopy(dummyOs, pluginDirectory, { salt: "the dummy OS", createdAt: "2024-04-06T21:00:00" });
  // Core's test OS and its connector, in a folder only the test OS's row scans (through env).
  const testOs = join(root, "testos");
  mkdirSync(testOs, { recursive: true });
  buildTestOs(testOs);
  // Its own cache folder too: a scan keeps only the descriptors it used, so sharing one would make
  // this row and the next listing rewrite the cache file every round (about 5 ms each).
  const withTestOs = ["env", `MEMFLOW_PLUGIN_PATH=${testOs}`, `XDG_CACHE_HOME=${join(root, "testos-cache")}`];
  for (let index = 0; index < PLUGINS; index += 1) {
    const second = String(index % 60).padStart(2, "0");
    const minute = String(Math.floor(index / 60)).padStart(2, "0");
    installCopy(dummy, pluginDirectory, {
      salt: `copy ${index}`,
      createdAt: `2024-04-06T20:${minute}:${second}.123456789`,
    });
  }
  const env = { PATH: process.env.PATH ?? "", HOME: home, NO_COLOR: "1" };
  const spawn = (command: string[]) => Bun.spawnSync(command, { cwd, env, stdout: "pipe", stderr: "pipe" });

  const listed = spawn(["bun", main, "list", "--quiet"]);
  const rows = listed.stdout.toString().trimEnd().split("\n").length;
  // The connectors and the dummy OS.
  if (listed.exitCode !== 0 || rows !== PLUGINS + 1) {
    throw new Error(`memflow-ts list failed or listed ${rows} rows: ${listed.stderr.toString()}`);
  }
  const floor = join(root, "floor.js");
  await Bun.write(floor, FLOOR_SCRIPT);
  const hello = join(root, "hello");
  await Bun.write(join(root, "hello.ts"), 'console.log("Hello, world!");\n');
  await compileModules({ hello: importOf(join(root, "hello.ts")) }, target, hello);
  const executable = await buildExecutable(target, "memflow-ts", join(root, "bin"));
  // The npm package as `bun add -g` lays it out: its bin/memflow-ts, a shell launcher, finds this
  // executable in the platform package beside it and execs it (decision 0007).
  const npm = installLikeBunGlobal(join(root, "bun-global"), target, executable).bin;
  type Row = { label: string; argv: string[]; target?: { ratio: number; to: number } };
  const FLOOR = 0;
  const HELLO = 2;
  const commands: Row[] = [
    { label: "floor: a script doing only plugins ls's file work", argv: ["bun", floor] },
    { label: "bun -e '0' (an empty program)", argv: ["bun", "-e", "0"] },
    { label: "hello-world executable", argv: [hello] },
    { label: "bun src/main.ts --version", argv: ["bun", main, "--version"] },
    {
      label: `bun src/main.ts plugins ls (${PLUGINS} plugins)`,
      argv: ["bun", main, "plugins", "ls"],
      target: { ratio: TARGETS.ls, to: FLOOR },
    },
    {
      label: `bun src/main.ts list (${PLUGINS} plugins)`,
      argv: ["bun", main, "list"],
      target: { ratio: TARGETS.list, to: FLOOR },
    },
    {
      label: "executable --version",
      argv: [executable, "--version"],
      target: { ratio: TARGETS.version, to: HELLO },
    },
    {
      label: `executable plugins ls (${PLUGINS} plugins)`,
      argv: [executable, "plugins", "ls"],
      target: { ratio: TARGETS.ls, to: FLOOR },
    },
    {
      label: `executable list (${PLUGINS} plugins)`,
      argv: [executable, "list"],
      target: { ratio: TARGETS.list, to: FLOOR },
    },
    { label: "memflow-ts ps, dummy OS with 1,000 processes", argv: ["bun", main, ...PS] },
    { label: "memflow-ts info, same chain (creates the OS only)", argv: ["bun", main, "info", ...PS.slice(1)] },
    { label: "memflow-ts ps, core's test OS with 1,000 processes", argv: [...withTestOs, "bun", main, ...PS_TESTOS] },
    { label: "executable ps, dummy OS with 1,000 processes", argv: [executable, ...PS] },
    { label: "executable info, same chain (creates the OS only)", argv: [executable, "info", ...PS.slice(1)] },
    { label: "executable ps, core's test OS with 1,000 processes", argv: [...withTestOs, executable, ...PS_TESTOS] },
    { label: "npm package --version (launcher, then executable)", argv: [npm, "--version"] },
    {
      label: `npm package plugins ls (${PLUGINS} plugins)`,
      argv: [npm, "plugins", "ls"],
      target: { ratio: TARGETS.ls, to: FLOOR },
    },
    { label: `npm package list (${PLUGINS} plugins)`, argv: [npm, "list"], target: { ratio: TARGETS.list, to: FLOOR } },
    { label: "npm package ps, dummy OS with 1,000 processes", argv: [npm, ...PS] },
    { label: "npm package info, same chain (creates the OS only)", argv: [npm, "info", ...PS.slice(1)] },
  ];
  const npmListing = spawn([npm, "plugins", "ls"]).stdout.toString();
  if (npmListing !== spawn([executable, "plugins", "ls"]).stdout.toString() || npmListing === "") {
    throw new Error("the npm package's memflow-ts did not list what the executable lists");
  }
  for (const program of [["bun", main], [executable]]) {
    for (const args of [PS, PS_TESTOS]) {
      const ps = spawn([...(args === PS ? [] : withTestOs), ...program, ...args]);
      const processes = ps.stdout.toString().trimEnd().split("\n").length - 1;
      if (ps.exitCode !== 0 || processes !== 1000) {
        throw new Error(
          `${program.join(" ")} ${args.join(" ")} failed or listed ${processes} processes: ${ps.stderr.toString()}`,
        );
      }
    }
  }
  const compare = process.env.STARTUP_COMPARE;
  if (compare) {
    const other = join(compare, "apps", "cli", "src", "main.ts");
    commands.push(
      { label: `plugins ls, ${compare}`, argv: ["bun", other, "plugins", "ls"] },
      { label: `list, ${compare}`, argv: ["bun", other, "list"] },
    );
  }
  const compareBin = process.env.STARTUP_COMPARE_BIN;
  const binCompared = ["--version", "plugins ls", "list"].map((args) => args.split(" "));
  if (compareBin) {
    for (const args of binCompared)
      commands.push({ label: `${args.join(" ")}, ${compareBin}`, argv: [compareBin, ...args] });
  }
  const floorRows = spawn(["bun", floor]).stdout.toString().trimEnd().split("\n").length;
  if (floorRows !== PLUGINS + 1) throw new Error(`the floor script printed ${floorRows} rows, not ${PLUGINS + 1}`);

  const { medianOf, ratioTo } = spawnRounds(
    commands.map((command) => command.argv),
    ROUNDS,
    { cwd, env },
  );
  console.log(
    `start-up over ${PLUGINS} installed plugins, median wall time of ${ROUNDS} interleaved rounds (Bun ${Bun.version})\n`,
  );
  printTable(
    ["command", "median", "× floor", "× bun -e '0'", "target"],
    commands.map((command, index) => {
      const goal = command.target;
      const ratio = goal && ratioTo(index, goal.to);
      return [
        command.label,
        formatDuration(medianOf(index)),
        `${ratioTo(index, FLOOR).toFixed(2)}×`,
        `${ratioTo(index, 1).toFixed(2)}×`,
        goal && ratio !== undefined
          ? `≤ ${goal.ratio}× ${goal.to === FLOOR ? "floor" : "hello-world"}: ${ratio.toFixed(2)}×, ${ratio <= goal.ratio ? "met" : "missed"}`
          : "",
      ];
    }),
  );
  const lsIndex = commands.findIndex((command) => command.argv.includes("ls"));
  const verdict = (ratio: number) =>
    `${ratio.toFixed(2)}× (target ≤ ${PS_TARGET}×: ${ratio <= PS_TARGET ? "met" : "missed"})`;
  // Each form's ps, info and test-OS ps rows, held against the same form's `plugins ls`. Issue 16's
  // target names the dummy OS; the test OS's row (its test connector takes 1–3 ms to create) is for comparison.
  for (const form of ["memflow-ts", "executable"]) {
    const ls =
      form === "executable"
        ? commands.findIndex((command) => command.label.startsWith("executable plugins ls"))
        : lsIndex;
    const ps = commands.findIndex((command) => command.label.startsWith(`${form} ps,`));
    console.log(
      `\n${form === "executable" ? "executable" : "bun src/main.ts"}, ÷ its plugins ls, median of per-round ratios: ` +
        `ps on the dummy OS ${verdict(ratioTo(ps, ls))}, info on that chain ${ratioTo(ps + 1, ls).toFixed(2)}×, ` +
        `ps on the test OS ${ratioTo(ps + 2, ls).toFixed(2)}× (no target)`,
    );
  }
  // The npm form: what its launcher adds to the executable, and its ps and info ÷ its plugins ls.
  const row = (label: string) => commands.findIndex((command) => command.label.startsWith(label));
  const npmLs = row("npm package plugins ls");
  console.log(
    `\nnpm package (launcher + executable) ÷ executable, median of per-round ratios: --version ` +
      `${ratioTo(row("npm package --version"), row("executable --version")).toFixed(3)}×, plugins ls ` +
      `${ratioTo(npmLs, row("executable plugins ls")).toFixed(3)}×, list ${ratioTo(row("npm package list"), row("executable list")).toFixed(3)}×; ` +
      `÷ its plugins ls: ps on the dummy OS ${verdict(ratioTo(row("npm package ps"), npmLs))}, ` +
      `info on that chain ${ratioTo(row("npm package info"), npmLs).toFixed(2)}×`,
  );
  if (compareBin) {
    const first = commands.length - binCompared.length;
    const ratios = binCompared.map((args, index) => {
      const mine = commands.findIndex(
        (command) => command.argv[0] === executable && command.argv.slice(1).join(" ") === args.join(" "),
      );
      return `${args.join(" ")} ${ratioTo(mine, first + index).toFixed(3)}×`;
    });
    console.log(`\nthis executable ÷ ${compareBin}, median of per-round ratios: ${ratios.join(", ")}`);
  }
  if (compare) {
    // The compared rows are the two before any STARTUP_COMPARE_BIN ones, beside this checkout's `bun src/main.ts` ones.
    const last = commands.length - 2 - (compareBin ? binCompared.length : 0);
    console.log(
      `\nthis checkout ÷ ${compare}, median of per-round ratios: plugins ls ${ratioTo(lsIndex, last).toFixed(3)}×, ` +
        `list ${ratioTo(lsIndex + 1, last + 1).toFixed(3)}×`,
    );
  }
});
