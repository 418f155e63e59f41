/**
 * The prompts of an interactive command on the context's terminal: each answer, or the command's
 * cancellation when the user pressed Ctrl-C (or Escape), which the command turns into a clean exit.
 */
import * as prompts from "@clack/prompts";
import type { CliContext } from "../io.ts";

export class PromptCancelled extends Error {
  override readonly name = "PromptCancelled";
}

export interface PromptAnswers {
  /** The terminal's streams, for every prompt. */
  readonly io: { input: NodeJS.ReadStream | undefined; output: NodeJS.WriteStream | undefined };
  /** The answer of a prompt; throws PromptCancelled when it was cancelled. */
  answer<T>(prompt: Promise<T>): Promise<Exclude<T, symbol>>;
}

export function promptAnswers(context: CliContext): PromptAnswers {
  return {
    io: { input: context.terminal?.input, output: context.terminal?.output },
    async answer<T>(prompt: Promise<T>): Promise<Exclude<T, symbol>> {
      const value = await prompt;
      if (prompts.isCancel(value)) throw new PromptCancelled();
      return value as Exclude<T, symbol>;
    },
  };
}
