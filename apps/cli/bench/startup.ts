/**
 * Start-up cost of the inventory listing: `memflow-ts list` (and `memflow-ts plugins ls`, when
 * it exists) over 200 installed plugins, against `bun -e ''` in the same run. The plugins are
 * copies of one gcc-built dummy connector with distinct bytes appended (so their digests
 * differ), named and described the way memflowup installs them. Runs are interleaved; each
 * ratio is taken per round and its median reported.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatDuration, median, printTable } from "../../../tooling/bench/measure.ts";
import { buildDummy, gcc, installCopy } from "../test/support/plugins.ts";

const PLUGINS = 200;
const ROUNDS = 31;
const TARGET = 1.5;

if (!gcc.available) process.exit(0);
const main = join(import.meta.dir, "..", "src", "main.ts");
const root = mkdtempSync(join(tmpdir(), "memflow-ts-startup-"));

try {
  const home = join(root, "home");
  const cwd = join(root, "cwd");
  mkdirSync(cwd, { recursive: true });
  const dummy = buildDummy(join(root, "build"));
  const pluginDirectory = join(home, ".local", "lib", "memflow");
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
  if (listed.exitCode !== 0 || rows !== PLUGINS) {
    throw new Error(`memflow-ts list failed or listed ${rows} rows: ${listed.stderr.toString()}`);
  }
  const commands: { label: string; argv: string[] }[] = [
    { label: "baseline: bun -e ''", argv: ["bun", "-e", ""] },
    // `bun -e ''` only prints Bun's usage and runs no JavaScript; these two show what running any costs.
    { label: "bun -e '0'", argv: ["bun", "-e", "0"] },
    { label: "bun <empty file>", argv: ["bun", join(root, "empty.ts")] },
    { label: "memflow-ts --version (CLI framework only)", argv: ["bun", main, "--version"] },
    { label: `memflow-ts list (${PLUGINS} plugins)`, argv: ["bun", main, "list"] },
  ];
  await Bun.write(join(root, "empty.ts"), "");
  const notes: string[] = [];
  if (spawn(["bun", main, "plugins", "ls", "--help"]).exitCode === 0) {
    commands.push({ label: `memflow-ts plugins ls (${PLUGINS} plugins)`, argv: ["bun", main, "plugins", "ls"] });
  } else {
    notes.push("plugins ls: skipped, 'memflow-ts plugins ls --help' fails (the command does not exist yet)");
  }

  const times = commands.map(() => [] as number[]);
  for (let round = -2; round < ROUNDS; round += 1) {
    for (const [index, command] of commands.entries()) {
      const started = Bun.nanoseconds();
      spawn(command.argv);
      if (round >= 0) times[index]?.push((Bun.nanoseconds() - started) / 1e6);
    }
  }
  const baseline = times[0] ?? [];
  console.log(
    `start-up over ${PLUGINS} installed plugins, median wall time of ${ROUNDS} interleaved rounds (Bun ${Bun.version})\n`,
  );
  printTable(
    ["command", "median", `ratio to bun -e '' (median per round)`, `target ≤ ${TARGET}×`],
    commands.map((command, index) => {
      const own = times[index] ?? [];
      const ratio = median(own.map((time, round) => time / (baseline[round] ?? Number.NaN)));
      const measured = index > 2;
      return [
        command.label,
        formatDuration(median(own)),
        index === 0 ? "1.00× (baseline)" : `${ratio.toFixed(2)}×`,
        measured ? (ratio <= TARGET ? "met" : "missed") : "",
      ];
    }),
  );
  for (const note of notes) console.log(`\n${note}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
