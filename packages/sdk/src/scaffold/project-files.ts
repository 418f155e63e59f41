/**
 * What every scaffolded project shares: its package.json (the SDK, and core where the project's
 * code or tests use it directly) and its .gitignore.
 */
import packageJson from "../../package.json" with { type: "json" };

export interface TemplateContext {
  /** The plugin name, already checked: lower case, letters, digits and `_`. */
  readonly name: string;
  /** How the project depends on the SDK (and on core, at the same version). */
  readonly sdkDependency: string;
  readonly coreDependency: string;
}

export function templateContext(name: string, sdkDependency?: string, coreDependency?: string): TemplateContext {
  return {
    name,
    sdkDependency: sdkDependency ?? `^${packageJson.version}`,
    coreDependency: coreDependency ?? `^${packageJson.version}`,
  };
}

/** package.json of a project named memflow-<name>; `withCore` adds @memflow-ts/core beside the SDK. */
export function projectPackageJson(
  context: TemplateContext,
  scripts: Record<string, string>,
  withCore: boolean,
): string {
  const devDependencies: Record<string, string> = { "@memflow-ts/sdk": context.sdkDependency };
  if (withCore) devDependencies["@memflow-ts/core"] = context.coreDependency;
  const manifest = {
    name: `memflow-${context.name.replaceAll("_", "-")}`,
    version: "0.1.0",
    private: true,
    type: "module",
    scripts,
    devDependencies,
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** `my_device` → `myDevice`: the name a TypeScript project exports its definition as. */
export function camelCase(name: string): string {
  return name.replace(/_+([a-z0-9])/g, (_, letter: string) => letter.toUpperCase()).replaceAll("_", "");
}

/** What makes a TypeScript project: its templates, each given the plugin name and the exported definition's name. */
export interface TsProjectTemplates {
  source(name: string, variable: string): string;
  test(name: string, variable: string): string;
  readme(name: string, variable: string): string;
}

/** A TypeScript project's files: the plugin in one `src/<name>.memflow.ts`, installable as it is. */
export function tsProjectFiles(context: TemplateContext, templates: TsProjectTemplates): Record<string, string> {
  const { name } = context;
  const variable = camelCase(name);
  return {
    "package.json": projectPackageJson(context, { test: "bun test" }, true),
    [`src/${name}.memflow.ts`]: templates.source(name, variable),
    [`test/${name}.test.ts`]: templates.test(name, variable),
    ".gitignore": GITIGNORE,
    "README.md": templates.readme(name, variable),
  };
}

/** The README section of a TypeScript project on installing it and using it from the CLI (`uses`: command lines). */
export function tsInstallSection(name: string, uses: readonly string[]): string {
  const fence = "`".repeat(3);
  return `Install it and use it from the command line (the plugin folder needs no node_modules: the CLI
serves the file its own @memflow-ts/core and @memflow-ts/sdk; keep the plugin in this one file):

${fence}sh
memflow-ts plugin install src/${name}.memflow.ts
${uses.join("\n")}
memflow-ts plugin test src/${name}.memflow.ts
${fence}
`;
}

export const GITIGNORE = "node_modules/\ndist/\n";

/** The build script of a C project: dist/libmemflow_<name>_<digest>.so and its .meta. */
export function cBuildScript(name: string): string {
  return `// Builds dist/libmemflow_${name}_<digest>.so (and its .meta), as memflowup installs plugins.
import { buildPlugin } from "@memflow-ts/sdk";

const built = buildPlugin({ name: "${name}", sources: ["src/${name}.c"], outDir: "dist" });
console.log(\`built \${built.path}\`);
`;
}
