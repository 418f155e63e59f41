/**
 * `createPluginProject`: a ready plugin project that builds and passes its own tests as
 * generated: a C connector (the default), a C OS plugin (`kind: "os"`) or a TypeScript
 * connector (`lang: "ts"`). The CLI exposes it as `memflow-ts plugin new`. The templates are in
 * scaffold/, one file per kind.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pluginNameProblem } from "@memflow-ts/core/plugin-files";
import { BuildError } from "./compiler.ts";
import { cConnectorProject } from "./scaffold/c-connector.ts";
import { cOsProject } from "./scaffold/c-os.ts";
import { templateContext } from "./scaffold/project-files.ts";
import { tsConnectorProject } from "./scaffold/ts-connector.ts";

export const PLUGIN_PROJECT_KINDS = ["connector", "os"] as const;
export const PLUGIN_PROJECT_LANGUAGES = ["c", "ts"] as const;
export type PluginProjectKind = (typeof PLUGIN_PROJECT_KINDS)[number];
export type PluginProjectLanguage = (typeof PLUGIN_PROJECT_LANGUAGES)[number];

export interface PluginProjectOptions {
  /** The plugin name (lower-case letters, digits, `_`; starting with a letter). */
  readonly name: string;
  /** The folder to create; it must not exist or be empty. */
  readonly dir: string;
  /** What the plugin is (default `connector`). */
  readonly kind?: PluginProjectKind;
  /** What it is written in (default `c`). */
  readonly lang?: PluginProjectLanguage;
  /** How the project depends on the SDK (default: `^<this SDK's version>` from npm). */
  readonly sdkDependency?: string;
  /** How it depends on core, where its code or tests use core directly (default: the same version). */
  readonly coreDependency?: string;
}

/** The templates by language and kind; a missing one is a combination that does not exist yet. */
const PROJECTS: Record<PluginProjectLanguage, Partial<Record<PluginProjectKind, typeof cConnectorProject>>> = {
  c: { connector: cConnectorProject, os: cOsProject },
  ts: { connector: tsConnectorProject },
};

function oneOf<T extends string>(what: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new BuildError(`unknown ${what} ${JSON.stringify(value)}: use ${allowed.join(" or ")}`);
}

export function createPluginProject(options: PluginProjectOptions): string[] {
  const { name, dir } = options;
  const kind = oneOf("plugin kind", options.kind ?? "connector", PLUGIN_PROJECT_KINDS);
  const lang = oneOf("language", options.lang ?? "c", PLUGIN_PROJECT_LANGUAGES);
  const project = PROJECTS[lang][kind];
  if (project === undefined) {
    // defineOs (OS layers in TypeScript) is not in @memflow-ts/core yet: no stub project meanwhile.
    throw new BuildError("TypeScript OS layers: after defineOs lands; write the OS plugin in C (--kind os)");
  }
  const problem = pluginNameProblem(name);
  if (problem !== undefined) throw new BuildError(problem);
  // The name also prefixes C identifiers and names an npm package: a C identifier cannot start
  // with a digit, an npm name cannot hold capitals.
  if (!/^[a-z]/.test(name) || name !== name.toLowerCase()) {
    throw new BuildError(
      `plugin name ${JSON.stringify(name)} must start with a lower-case letter and have no capitals`,
    );
  }
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new BuildError(`${dir} already exists and is not empty`);
  const files = project(templateContext(name, options.sdkDependency, options.coreDependency));
  const written: string[] = [];
  for (const [relative, content] of Object.entries(files)) {
    const path = join(dir, relative);
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, content);
    written.push(path);
  }
  return written;
}
