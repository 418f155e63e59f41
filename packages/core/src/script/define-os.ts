/**
 * OS layers in TypeScript: `defineOs` checks a definition's descriptor fields and returns it
 * typed and marked as an OS; `inventory.register(definition)` makes it available by name like a
 * native OS plugin, in chains and on the command line.
 */
import { MemflowError } from "../error.ts";
import { pluginNameProblem } from "../plugin-files/plugin-name.ts";
import type { OsDefinition } from "./os-definition.ts";

export function defineOs<Definition extends Omit<OsDefinition, "kind">>(
  definition: Definition,
): Definition & { readonly kind: "os" } {
  const problem = pluginNameProblem(definition.name, "plugin name");
  if (problem !== undefined) throw new MemflowError("OsLayer", "InvalidArgument", problem);
  if (definition.version.trim() === "") {
    throw new MemflowError("OsLayer", "InvalidArgument", `OS ${definition.name} needs a version`);
  }
  return { ...definition, kind: "os" };
}
