/**
 * memflow's `ArgsValidator` and `ArgDescriptor`: what a plugin accepts, checked in memflow's
 * order with memflow's errors and messages, and displayed the way connectors put it in their
 * help text.
 */
import { MemflowError } from "../error.ts";
import type { Args } from "./args.ts";

/** Returns an error message for an invalid value, or undefined when it is fine. */
export type ArgValidator = (value: string) => string | undefined;

export interface ArgDescriptor {
  readonly name: string;
  readonly description?: string | undefined;
  readonly required?: boolean | undefined;
  readonly validator?: ArgValidator | undefined;
}

/** `ArgDescriptor`'s Display: `name: description (required)`. */
export function describeArg(arg: ArgDescriptor): string {
  return `${arg.name}: ${arg.description ?? "no description available"}${arg.required ? " (required)" : ""}`;
}

export class ArgsValidator {
  readonly #args: readonly ArgDescriptor[];

  constructor(args: readonly ArgDescriptor[] = []) {
    this.#args = args;
  }

  arg(descriptor: ArgDescriptor): ArgsValidator {
    return new ArgsValidator([...this.#args, descriptor]);
  }

  get descriptors(): readonly ArgDescriptor[] {
    return this.#args;
  }

  /** Throws a MemflowError for the first problem, in memflow's order; returns when the args are valid. */
  validate(args: Args): void {
    for (const { key } of args.entries()) {
      if (!this.#args.some((arg) => arg.name === key)) {
        throw new MemflowError("ArgsValidator", "ArgNotExists", `argument ${key} does not exist`);
      }
    }
    for (const arg of this.#args) {
      const value = args.get(arg.name);
      if (arg.required && value === undefined) {
        throw new MemflowError(
          "ArgsValidator",
          "RequiredArgNotFound",
          `argument ${arg.name} is required but could not be found`,
        );
      }
      const problem = value === undefined ? undefined : arg.validator?.(value);
      if (problem !== undefined) {
        throw new MemflowError("ArgsValidator", "ArgValidation", `argument ${arg.name} is invalid: ${problem}`);
      }
    }
  }

  /** memflow's Display: one descriptor per line, no trailing newline. */
  toString(): string {
    return this.#args.map(describeArg).join("\n");
  }
}
