/**
 * The life of a part a TypeScript OS layer hands out (a process, a keyboard): open until its
 * first close, which runs the author's `close` and then closes what the part owns (the OS an
 * `into…` call moved into it). Any use after that throws (Ffi, Uninitialized).
 */
import { MemflowError } from "../error.ts";
import { closeThenOwned } from "./author-code.ts";

export class PartLife {
  readonly #label: string;
  readonly #close: (() => void) | undefined;
  readonly #owned: (() => void) | undefined;
  #closed = false;

  constructor(label: string, close: (() => void) | undefined, owned: (() => void) | undefined) {
    this.#label = label;
    this.#close = close;
    this.#owned = owned;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Throws (Ffi, Uninitialized) once the part is closed. */
  check(): void {
    if (this.#closed) throw new MemflowError("Ffi", "Uninitialized", `${this.#label} was closed`);
  }

  /** The first call closes the part and what it owns; later calls do nothing. */
  end(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeThenOwned(this.#label, this.#close, this.#owned);
  }
}
