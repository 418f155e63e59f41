/**
 * A session's chain from its `-c`/`-o` tokens: a ConnectorChain when it ends with a connector, an
 * OsChain when it ends with an OS. One rule for the policy that checks a chain and the worker
 * that builds it. Throws memflow's error for tokens that do not parse.
 */
import { ConnectorChain, chainArguments, MemflowError, OsChain } from "@memflow-ts/core";

export function sessionChain(tokens: readonly string[]): ConnectorChain | OsChain {
  const { connectors, osLayers } = chainArguments(tokens);
  if (connectors.length === 0 && osLayers.length === 0) {
    throw new MemflowError(
      "Other",
      "ArgValidation",
      "the chain is empty: give a connector (-c name[:args]) or an OS (-o)",
    );
  }
  const last = (values: typeof connectors) => values.at(-1)?.[0] ?? -1;
  return last(osLayers) > last(connectors)
    ? OsChain.fromArgs(connectors, osLayers)
    : ConnectorChain.fromArgs(connectors, osLayers);
}
