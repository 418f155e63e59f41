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

export const GITIGNORE = "node_modules/\ndist/\n";

/** The build script of a C project: dist/libmemflow_<name>_<digest>.so and its .meta. */
export function cBuildScript(name: string): string {
  return `// Builds dist/libmemflow_${name}_<digest>.so (and its .meta), as memflowup installs plugins.
import { buildPlugin } from "@memflow-ts/sdk";

const built = buildPlugin({ name: "${name}", sources: ["src/${name}.c"], outDir: "dist" });
console.log(\`built \${built.path}\`);
`;
}
