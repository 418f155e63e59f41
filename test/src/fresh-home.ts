/**
 * The environment of a new user's machine, inside a temp folder: its own HOME, Bun install
 * folder and npm prefix and cache, so `bun add -g` / `npm i -g` change nothing global here.
 * Nothing is inherited but PATH's system folders, the Bun and Node running the tests, and
 * TLS/proxy settings the network needs.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { realNodeBinary } from "./node-binary.ts";

export interface FreshHome {
  readonly env: Record<string, string>;
  /** Where `bun add -g` puts executables. */
  readonly bunBin: string;
  /** Where `npm i -g` puts executables. */
  readonly npmBin: string;
}

const PASSED_THROUGH = /^(CI|TMPDIR|LANG|TERM|SSL_CERT_\w+|NODE_EXTRA_CA_CERTS|\w*_CA_BUNDLE|(HTTPS?|NO|ALL)_PROXY)$/i;

/** `scope` (like `@memflow-ts`) comes from `registryUrl`; every other package from npm's default. */
export function freshHome(folder: string, scope: string, registryUrl: string): FreshHome {
  const home = join(folder, "home");
  const bunInstall = join(home, ".bun");
  const npmPrefix = join(folder, "npm-global");
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, ".npmrc"), `${scope}:registry=${registryUrl}\n`);
  const inherited = Object.entries(process.env).filter(
    (entry): entry is [string, string] => PASSED_THROUGH.test(entry[0]) && entry[1] !== undefined,
  );
  const bunBin = join(bunInstall, "bin");
  const npmBin = join(npmPrefix, "bin");
  const path = [
    bunBin,
    npmBin,
    dirname(process.execPath),
    dirname(realNodeBinary()),
    "/usr/local/bin",
    "/usr/bin",
    "/bin",
  ];
  return {
    bunBin,
    npmBin,
    env: {
      ...Object.fromEntries(inherited),
      HOME: home,
      PATH: path.join(":"),
      BUN_INSTALL: bunInstall,
      npm_config_prefix: npmPrefix,
      npm_config_cache: join(folder, "npm-cache"),
      npm_config_update_notifier: "false",
      NO_COLOR: "1",
    },
  };
}
