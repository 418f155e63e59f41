/**
 * Start-up of a command that runs plugin code: `memflow-ts read -c dummy::size=1m 0 16` with the
 * SDK's gcc-built dummy connector installed, against `bun -e '0'` in the same run. It loads
 * what `plugins ls` does not: the Inventory, bun:ffi, the plugin shim (compiled once, then
 * cached) and the plugin itself. `STARTUP_COMPARE=<another checkout>` adds that checkout's `read`
 * to the same interleaved rounds and prints the ratio, the number decision 0010 keeps within
 * 1.2× of the checkout before plugin crashes were reported.
 */
import { join } from "node:path";
import { formatDuration, printTable } from "../../../tooling/bench/measure.ts";
import { buildDummy, gcc } from "../test/support/plugins.ts";
import { inSandbox, spawnRounds } from "./spawn-rounds.ts";

const ROUNDS = 31;
const READ = ["read", "-c", "dummy::size=1m", "0", "16"];

if (!gcc.available) process.exit(0);

await inSandbox("read-startup", async ({ root, home, cwd, main }) => {
  buildDummy(join(home, ".local", "lib", "memflow"));
  // The shim's cache goes to XDG_CACHE_HOME, here inside the sandbox: built in the warm-up rounds.
  const env = { PATH: process.env.PATH ?? "", HOME: home, XDG_CACHE_HOME: join(root, "cache"), NO_COLOR: "1" };
  const check = Bun.spawnSync(["bun", main, ...READ], { cwd, env, stdout: "pipe", stderr: "pipe" });
  if (check.exitCode !== 0 || !check.stdout.toString().startsWith("00000000  00 00")) {
    throw new Error(`memflow-ts read failed: ${check.stderr.toString()}`);
  }
  const commands: { label: string; argv: string[] }[] = [
    { label: "bun -e '0' (an empty program)", argv: ["bun", "-e", "0"] },
    { label: "memflow-ts --version", argv: ["bun", main, "--version"] },
    { label: `memflow-ts ${READ.join(" ")}`, argv: ["bun", main, ...READ] },
  ];
  const compare = process.env.STARTUP_COMPARE;
  if (compare) {
    commands.push({
      label: `read, ${compare}`,
      argv: ["bun", join(compare, "apps", "cli", "src", "main.ts"), ...READ],
    });
  }
  const { medianOf, ratioTo } = spawnRounds(
    commands.map((command) => command.argv),
    ROUNDS,
    { cwd, env },
  );
  console.log(`start-up of read, median wall time of ${ROUNDS} interleaved rounds (Bun ${Bun.version})\n`);
  printTable(
    ["command", "median", "ratio to bun -e '0'"],
    commands.map((command, index) => [
      command.label,
      formatDuration(medianOf(index)),
      `${ratioTo(index, 0).toFixed(2)}×`,
    ]),
  );
  if (compare) {
    console.log(
      `\nthis checkout ÷ ${compare}, median of per-round ratios: read ${ratioTo(2, 3).toFixed(3)}× (limit 1.2×)`,
    );
  }
});
