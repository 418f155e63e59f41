/**
 * `memflow-ts explore` end to end in a real terminal (tmux): a chain picked from the installed
 * plugins (the SDK's dummy connector and dummy OS), a bad argument reported and asked again, a
 * process found by typing, a module, two pages of its memory (the bytes dummy-os.md defines),
 * then Ctrl-C, which leaves cleanly with exit 0. Without a terminal it refuses.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { dummyOsBytes } from "@memflow-ts/sdk";
import { requireTool } from "../../../tooling/testing/require-tool.ts";
import { TmuxTerminal } from "../../../tooling/testing/tmux.ts";
import { ExitCode } from "../src/index.ts";
import { hexdump } from "../src/inventory/hexdump.ts";
import { MAIN } from "./support/binary.ts";
import { buildDummyWithOs } from "./support/os-plugins.ts";
import { osSandbox } from "./support/os-sandbox.ts";
import { gcc } from "./support/plugins.ts";

const tmux = requireTool("tmux", "tmux");
const { sandbox, home, plugins, run } = osSandbox("memflow-ts-explore-", (folder) => buildDummyWithOs(folder));

let terminal: TmuxTerminal | undefined;
afterEach(() => terminal?.kill());

function explore(args: string): TmuxTerminal {
  const cwd = join(sandbox, "cwd");
  mkdirSync(cwd, { recursive: true });
  terminal = TmuxTerminal.start({
    command: `${process.execPath} ${MAIN} explore ${args}`,
    cwd,
    env: { HOME: home, PATH: process.env.PATH ?? "", MEMFLOW_PLUGIN_PATH: plugins, TERM: "xterm-256color", CI: "" },
  });
  return terminal;
}

/** The first hexdump line of `length` bytes of process `pid` at `address`, as explore shows it. */
function firstLine(pid: number, address: bigint): string {
  return hexdump(dummyOsBytes(7n, pid, address, 16), address).trimEnd();
}

describe.skipIf(!tmux.available || !gcc.available)("memflow-ts explore in a terminal", () => {
  test("pick a chain, a process by typing, a module, page its memory; Ctrl-C leaves with exit 0", async () => {
    const modules = JSON.parse(
      (await run(["modules", "-c", "dummy::size=4m", "-o", "dummy::procs=4,seed=7", "3", "--json"])).stdout,
    );
    const libc = BigInt(
      (modules as { name: string; base: string }[]).find((module) => module.name === "libc.so.6")?.base ?? "0",
    );
    const term = explore("");
    /** Answers the chain's four questions, each once it is the active one (◆). */
    const answerChain = async (connectorArgs: string) => {
      await term.waitFor("◆  OS plugin");
      term.send("Enter");
      await term.waitFor("◆  Connector it reads");
      term.send("Enter");
      await term.waitFor("◆  Arguments of connector dummy");
      term.type(connectorArgs);
      term.send("Enter");
      await term.waitFor("◆  Arguments of os dummy");
      term.type("procs=4,seed=7");
      term.send("Enter");
    };
    // A bad size first: the plugin's error is shown and the chain asked for again.
    await answerChain("size=4M");
    await term.waitFor("invalid memory size");
    await answerChain("size=4m");
    await term.waitFor("Process of os dummy (type to filter)");
    term.type("dummy3");
    await term.waitFor("(1 match)");
    term.send("Enter");
    await term.waitFor("Module of dummy3 (pid 3)");
    term.send("Down");
    term.send("Enter");
    await term.waitFor(`libc.so.6+0x0 (0x${libc.toString(16)})`);
    expect(term.screen()).toContain(firstLine(3, libc));
    term.send("Enter");
    await term.waitFor(`libc.so.6+0x100 (0x${(libc + 0x100n).toString(16)})`);
    expect(term.screen()).toContain(firstLine(3, libc + 0x100n));
    term.send("C-c");
    await term.waitFor("Left explore; everything was closed.");
    expect(await term.exitCode()).toBe(0);
  }, 60_000);

  test("-c/-o skip the chain questions; Ctrl-C at the first question leaves too", async () => {
    const term = explore("-c dummy::size=4m -o dummy::procs=2,seed=7");
    const screen = await term.waitFor("Process of os dummy (type to filter)");
    expect(screen).not.toContain("OS plugin");
    expect(screen).toContain("2 dummy2");
    term.send("C-c");
    expect(await term.exitCode()).toBe(0);
    expect(term.screen()).toContain("Left explore");
  }, 60_000);
});

describe("memflow-ts explore without a terminal", () => {
  test("refuses with what to use instead; exit 2", async () => {
    const refused = await run(["explore", "-c", "dummy", "-o", "dummy"]);
    expect(refused).toEqual({
      code: ExitCode.usage,
      stdout: "",
      stderr:
        "[X] explore is interactive and needs a terminal; without one, use memflow-ts ps, modules, exports and read -p\n",
    });
  });
});
