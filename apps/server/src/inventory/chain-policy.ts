/**
 * What a session may start: only the plugins the operator allowed by name, only with paths inside
 * the data folders, and writes only through plugins allowed to write. Checked in the server,
 * before a worker starts, on the chain parsed by the same core functions the worker uses.
 */
import { type ConnectorChain, MemflowError } from "@memflow-ts/core";
import type { PathConfinement } from "./path-confinement.ts";
import { sessionChain } from "./session-chain.ts";
import { SessionError } from "./session-error.ts";

export interface AllowedPlugin {
  /** A connector's or OS plugin's name, as a chain names it (`rawfile`). */
  readonly name: string;
  /** Whether sessions through this plugin may write memory. */
  readonly write: boolean;
}

export interface CheckedChain {
  /** The plugins of the chain, in order. */
  readonly plugins: readonly string[];
  /** True when every plugin of the chain may write. */
  readonly writable: boolean;
}

const ALLOW_HINT = "--inventory-plugin, MEMFLOW_TS_INVENTORY_PLUGINS";

export class ChainPolicy {
  readonly #plugins: ReadonlyMap<string, AllowedPlugin>;
  readonly confinement: PathConfinement;

  constructor(plugins: readonly AllowedPlugin[], confinement: PathConfinement) {
    this.#plugins = new Map(plugins.map((plugin) => [plugin.name, plugin]));
    this.confinement = confinement;
  }

  get allowed(): readonly AllowedPlugin[] {
    return [...this.#plugins.values()];
  }

  /**
   * The chain's plugins, if the policy allows it; throws SessionError `not-allowed` naming the
   * step and value it refuses, and `chain-failed` for a chain that does not parse.
   */
  check(chain: readonly string[]): CheckedChain {
    let steps: ConnectorChain["steps"];
    try {
      steps = sessionChain(chain).steps;
    } catch (error) {
      if (error instanceof MemflowError) throw new SessionError("chain-failed", error.message, { cause: error });
      throw error;
    }
    for (const step of steps) {
      const flag = step.kind === "connector" ? "-c" : "-o";
      if (!this.#plugins.has(step.name)) {
        throw new SessionError(
          "not-allowed",
          `the inventory does not allow the plugin ${JSON.stringify(step.name)} (${flag}): ` +
            `the operator lists the plugins sessions may start (${ALLOW_HINT})`,
        );
      }
      const values: [string, string][] = [
        ["target", step.args?.target ?? ""],
        ...(step.args?.extraArgs.entries() ?? []).map(({ key, value }): [string, string] => [`argument ${key}`, value]),
      ];
      for (const [what, value] of values) {
        const problem = this.confinement.problemOf(value);
        if (problem !== undefined) {
          throw new SessionError(
            "not-allowed",
            `${flag} ${step.name}: the ${what} ${JSON.stringify(value)} ${problem}`,
          );
        }
      }
    }
    return {
      plugins: steps.map((step) => step.name),
      writable: steps.every((step) => this.#plugins.get(step.name)?.write === true),
    };
  }
}
