/**
 * Root versus user: memflow looks in `$HOME/.local/lib/memflow`, so a program run with sudo
 * (HOME=/root) does not see the plugins the user installed. When this looks like root (HOME is
 * /root, or SUDO_USER is set) the plugin directories of the invoking user (SUDO_USER), or else
 * of every home directory, are checked for plugins the current scan does not find.
 *
 * Root is the context's uid 0 where it has one; HOME=/root or SUDO_USER count too, since sudo
 * without -H keeps the user's HOME.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PluginCatalogue } from "@memflow-ts/core/catalogue";
import { MemflowError, userPluginDirectory } from "@memflow-ts/core/plugin-files";
import type { CliContext } from "../../io.ts";
import type { Finding } from "./finding.ts";

export interface AccountSources {
  /** The passwd file to find SUDO_USER's home in (default /etc/passwd). */
  readonly passwdPath: string;
  /** Where home directories are, when there is no SUDO_USER (default /home; /Users on macOS). */
  readonly homesRoot?: string;
}

export interface OtherUser {
  readonly user: string;
  readonly home: string;
  readonly pluginDirectory: string;
}

/** At most this many home directories are looked at. */
const MAX_HOMES = 64;

function passwdHome(passwdPath: string, user: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(passwdPath, "utf8");
  } catch {
    return undefined;
  }
  for (const line of text.split("\n")) {
    const fields = line.split(":");
    if (fields[0] === user && fields.length >= 7 && fields[5]) return fields[5];
  }
  return undefined;
}

function homeDirectories(homesRoot: string): { user: string; home: string }[] {
  try {
    return readdirSync(homesRoot, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .slice(0, MAX_HOMES)
      .map((entry) => ({ user: entry.name, home: join(homesRoot, entry.name) }));
  } catch {
    return [];
  }
}

/** Whether the context looks like a root shell: uid 0, HOME is /root, or sudo started it. */
export function looksLikeRoot(context: CliContext): boolean {
  if (context.platform === "win32") return false;
  const sudoUser = context.env.SUDO_USER;
  return (
    context.uid === 0 || context.home === "/root" || (sudoUser !== undefined && sudoUser !== "" && sudoUser !== "root")
  );
}

/** The other users whose plugin directories memflow run from this context would not see. */
export function otherUsers(context: CliContext, sources: AccountSources): OtherUser[] {
  if (!looksLikeRoot(context)) return [];
  const sudoUser = context.env.SUDO_USER;
  const homesRoot = sources.homesRoot ?? (context.platform === "darwin" ? "/Users" : "/home");
  const candidates =
    sudoUser !== undefined && sudoUser !== "" && sudoUser !== "root"
      ? [{ user: sudoUser, home: passwdHome(sources.passwdPath, sudoUser) ?? join(homesRoot, sudoUser) }]
      : homeDirectories(homesRoot);
  const ownDirectory = userPluginDirectory(context.platform, context.home);
  return candidates
    .map((candidate) => ({ ...candidate, pluginDirectory: userPluginDirectory(context.platform, candidate.home) }))
    .filter((candidate) => candidate.pluginDirectory !== ownDirectory);
}

function pluginNames(inventory: PluginCatalogue): string[] {
  return [...inventory.availableConnectors(), ...inventory.availableOs()];
}

/** Findings for plugins other users installed that this context's scan does not find. */
export function otherUserFindings(context: CliContext, sources: AccountSources, inventory: PluginCatalogue): Finding[] {
  const visible = new Set(pluginNames(inventory));
  const ownDirectory = userPluginDirectory(context.platform, context.home);
  const findings: Finding[] = [];
  for (const other of otherUsers(context, sources)) {
    let theirs: string[];
    try {
      theirs = pluginNames(PluginCatalogue.scanPath(other.pluginDirectory, { host: inventory.host }));
    } catch (error) {
      if (error instanceof MemflowError) continue;
      throw error;
    }
    if (theirs.length === 0) continue;
    const missing = theirs.filter((name) => !visible.has(name));
    const who = `HOME=${context.home}${context.env.SUDO_USER ? `, started by ${context.env.SUDO_USER} through sudo` : ""}`;
    if (missing.length === 0) {
      findings.push({
        severity: "note",
        code: "other-user-plugins",
        path: other.pluginDirectory,
        message: `${other.user}'s plugins in ${other.pluginDirectory} are also found from here (${who})`,
      });
      continue;
    }
    findings.push({
      severity: "error",
      code: "root-misses-user-plugins",
      path: other.pluginDirectory,
      message:
        `running as root (${who}): memflow looks in ${ownDirectory}, but ${other.user} installed ` +
        `${missing.join(", ")} in ${other.pluginDirectory}; run as root, memflow does not find ${missing.length === 1 ? "it" : "them"}`,
      fix:
        `Point memflow at ${other.user}'s plugins: sudo env MEMFLOW_PLUGIN_PATH=${other.pluginDirectory} <program>, ` +
        `or install them for root too: sudo memflow-ts pull ${missing.join(" ")}.`,
    });
  }
  return findings;
}
