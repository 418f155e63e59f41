/**
 * The real executable (src/main.ts) as a child process on 127.0.0.1, with its log (stderr)
 * collected line by line while it runs, so a test can wait for what the server says it did.
 */
import { afterEach } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";

export const MAIN = new URL("../src/main.ts", import.meta.url).pathname;

export interface ServerChild {
  child: Subprocess<"ignore", "pipe", "pipe">;
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** The server's log so far, one line each. */
  logs: string[];
  /** Waits for a log line matching `pattern` (one already written counts) and returns its match. */
  waitForLog(pattern: RegExp): Promise<RegExpExecArray>;
}

async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of stream) {
    buffered += decoder.decode(chunk, { stream: true });
    for (let newline = buffered.indexOf("\n"); newline >= 0; newline = buffered.indexOf("\n")) {
      yield buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
    }
  }
}

/**
 * The executable with only PATH, HOME and `env` in its environment, its output piped; run by
 * `wrapper` when given (a command that runs the rest of its arguments: strace).
 */
function spawnMain(
  cwd: string,
  args: string[],
  env: Record<string, string>,
  wrapper: readonly string[] = [],
): Subprocess<"ignore", "pipe", "pipe"> {
  return Bun.spawn([...wrapper, process.execPath, MAIN, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
}

/** Starts the server with only PATH, HOME and `env` in its environment (under `wrapper`); resolves once it listens. */
export async function startServer(
  cwd: string,
  args: string[],
  env: Record<string, string>,
  wrapper?: readonly string[],
): Promise<ServerChild> {
  const child = spawnMain(cwd, args, env, wrapper);
  const logs: string[] = [];
  const waiting = new Set<() => void>();
  const wakeAll = () => {
    for (const wake of waiting) wake();
  };
  void (async () => {
    for await (const line of lines(child.stderr)) {
      logs.push(line);
      wakeAll();
    }
  })();
  void child.exited.then(wakeAll);
  const waitForLog = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        for (const line of logs) {
          const match = pattern.exec(line);
          if (match) {
            waiting.delete(check);
            resolve(match);
            return;
          }
        }
        if (child.exitCode !== null)
          reject(new Error(`the server exited before logging ${pattern}:\n${logs.join("\n")}`));
      };
      waiting.add(check);
      check();
    });
  for await (const line of lines(child.stdout)) {
    const listening = /listening on (http:\/\/\S+)/.exec(line);
    if (listening?.[1]) return { child, base: listening[1], logs, waitForLog };
  }
  await child.exited;
  throw new Error(`the server exited with ${child.exitCode}:\n${logs.join("\n")}`);
}

/** Servers started and folders made by a test file's tests, removed after each test. */
export function serversPerTest(): {
  folder(): string;
  start(cwd: string, args: string[], env: Record<string, string>, wrapper?: readonly string[]): Promise<ServerChild>;
} {
  const running: ServerChild[] = [];
  const folders: string[] = [];
  afterEach(async () => {
    for (const server of running.splice(0)) {
      server.child.kill("SIGKILL");
      await server.child.exited;
    }
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });
  return {
    folder() {
      const path = mkdtempSync(join(tmpdir(), "memflow-ts-servers-"));
      folders.push(path);
      return path;
    },
    async start(cwd, args, env, wrapper) {
      const started = await startServer(cwd, args, env, wrapper);
      running.push(started);
      return started;
    },
  };
}

/** Runs one of the executable's commands (`check`, `migrate …`) to its end: exit code, and stdout then stderr. */
export async function runCommand(
  cwd: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; out: string }> {
  const child = spawnMain(cwd, args, env);
  const [out, err] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text()]);
  return { code: await child.exited, out: out + err };
}
