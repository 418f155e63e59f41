/**
 * memflow's plugin builder as a typed state machine: after a connector only an OS (or build)
 * may follow, after an OS only a connector (or build), so an invalid sequence does not compile.
 * `build()` instantiates the steps in order, each consuming the previous instance.
 */
import { type ConnectorArgs, type OsArgs, parseConnectorArgs, parseOsArgs } from "../args/connector-args.ts";
import type { BuildStep, ConnectorChain, OsChain } from "../chain.ts";
import { MemflowError } from "../error.ts";
import type { Connector } from "../plugin/connector.ts";
import type { Os } from "../plugin/os.ts";

/** What the builder needs from the inventory. */
export interface Instantiator {
  instantiateConnector(name: string, input?: Os, args?: ConnectorArgs): Connector;
  instantiateOs(name: string, input?: Connector, args?: OsArgs): Os;
}

function run(inventory: Instantiator, steps: readonly BuildStep[]): Connector | Os {
  let current: Connector | Os | undefined;
  for (const step of steps) {
    current =
      step.kind === "connector"
        ? inventory.instantiateConnector(step.name, current as Os | undefined, step.args)
        : inventory.instantiateOs(step.name, current as Connector | undefined, step.args);
  }
  if (current === undefined) throw new MemflowError("Inventory", "Configuration", "the builder has no steps");
  return current;
}

/** The steps with the last one's arguments replaced, when it is of `kind`. */
function withArgs(steps: readonly BuildStep[], kind: BuildStep["kind"], args: ConnectorArgs | OsArgs): BuildStep[] {
  const last = steps.at(-1);
  if (last?.kind !== kind) return [...steps];
  return [...steps.slice(0, -1), { ...last, args } as BuildStep];
}

function step(kind: BuildStep["kind"], name: string): BuildStep {
  return { kind, name, args: undefined };
}

export class BuilderEmpty {
  readonly #inventory: Instantiator;

  constructor(inventory: Instantiator) {
    this.#inventory = inventory;
  }

  connector(name: string): OsBuilder {
    return new OsBuilder(this.#inventory, [step("connector", name)]);
  }

  os(name: string): ConnectorBuilder {
    return new ConnectorBuilder(this.#inventory, [step("os", name)]);
  }

  connectorChain(chain: ConnectorChain): OsBuilder {
    return new OsBuilder(this.#inventory, chain.steps);
  }

  osChain(chain: OsChain): ConnectorBuilder {
    return new ConnectorBuilder(this.#inventory, chain.steps);
  }
}

/** A state with steps: the next step (of the other kind) or arguments make a new state; `build` runs them. */
abstract class StepsBuilder<Built extends Connector | Os> {
  protected readonly inventory: Instantiator;
  readonly steps: readonly BuildStep[];

  constructor(inventory: Instantiator, steps: readonly BuildStep[]) {
    this.inventory = inventory;
    this.steps = steps;
  }

  protected followedBy(kind: BuildStep["kind"], name: string): BuildStep[] {
    return [...this.steps, step(kind, name)];
  }

  build(): Built {
    return run(this.inventory, this.steps) as Built;
  }
}

/** The state after a connector: add an OS, set the connector's arguments, or build the connector. */
export class OsBuilder extends StepsBuilder<Connector> {
  os(name: string): ConnectorBuilder {
    return new ConnectorBuilder(this.inventory, this.followedBy("os", name));
  }

  /** Arguments of the last connector, as a `ConnectorArgs` or its string form (`target:extra:middleware`). */
  args(args: ConnectorArgs | string): OsBuilder {
    const parsed = typeof args === "string" ? parseConnectorArgs(args) : args;
    return new OsBuilder(this.inventory, withArgs(this.steps, "connector", parsed));
  }
}

/** The state after an OS: add a connector, set the OS's arguments, or build the OS. */
export class ConnectorBuilder extends StepsBuilder<Os> {
  connector(name: string): OsBuilder {
    return new OsBuilder(this.inventory, this.followedBy("connector", name));
  }

  /** Arguments of the last OS, as an `OsArgs` or its string form (`target:extra`). */
  args(args: OsArgs | string): ConnectorBuilder {
    const parsed = typeof args === "string" ? parseOsArgs(args) : args;
    return new ConnectorBuilder(this.inventory, withArgs(this.steps, "os", parsed));
  }
}
