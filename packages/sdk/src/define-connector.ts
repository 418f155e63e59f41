/**
 * Connectors in TypeScript: `defineConnector` checks a definition and returns it typed;
 * `inventory.register(definition)` makes it available by name like a native plugin.
 */
import { type ConnectorDefinition, MemflowError } from "@memflow-ts/core";
import { pluginNameProblem } from "@memflow-ts/core/plugin-files";

export function defineConnector<Definition extends ConnectorDefinition>(definition: Definition): Definition {
  const problem = pluginNameProblem(definition.name, "connector name");
  if (problem !== undefined) throw new MemflowError("Connector", "InvalidArgument", problem);
  if (definition.version.trim() === "") {
    throw new MemflowError("Connector", "InvalidArgument", `connector ${definition.name} needs a version`);
  }
  return definition;
}
