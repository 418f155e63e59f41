/**
 * Connectors in TypeScript: `defineConnector` checks a definition and returns it typed;
 * `inventory.register(definition)` makes it available by name like a native plugin.
 */
import { type ConnectorDefinition, MemflowError } from "@memflow-ts/core";

const NAME = /^[A-Za-z0-9_]+$/;

export function defineConnector<Definition extends ConnectorDefinition>(definition: Definition): Definition {
  if (!NAME.test(definition.name)) {
    throw new MemflowError(
      "Connector",
      "InvalidArgument",
      `connector name ${JSON.stringify(definition.name)} may only use letters, digits and _`,
    );
  }
  if (definition.version.trim() === "") {
    throw new MemflowError("Connector", "InvalidArgument", `connector ${definition.name} needs a version`);
  }
  return definition;
}
