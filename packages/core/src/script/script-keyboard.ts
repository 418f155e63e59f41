import { checkVirtualKey, type Keyboard, type KeyboardState, VIRTUAL_KEYS } from "../os/keyboard.ts";
import { authorCall } from "./author-code.ts";
import type { ScriptKeyboardParts } from "./os-definition.ts";
import { PartLife } from "./part-life.ts";

export class ScriptKeyboard implements Keyboard {
  /** How errors name the keyboard. */
  readonly label: string;
  readonly #parts: ScriptKeyboardParts;
  readonly #life: PartLife;

  /** @internal opened by ScriptOs; `owned` closes the OS an owning keyboard took. */
  constructor(label: string, parts: ScriptKeyboardParts, owned?: () => void) {
    this.label = label;
    this.#parts = parts;
    this.#life = new PartLife(this.label, parts.close?.bind(parts), owned);
  }

  get closed(): boolean {
    return this.#life.closed;
  }

  #call<T>(what: string, call: (parts: ScriptKeyboardParts) => T): T {
    this.#life.check();
    return authorCall("OsLayer", `${this.label}: ${what}`, () => call(this.#parts));
  }

  isDown(virtualKey: number): boolean {
    checkVirtualKey(virtualKey);
    return this.#call("isDown", (parts) => parts.isDown(virtualKey));
  }

  setDown(virtualKey: number, down: boolean): void {
    checkVirtualKey(virtualKey);
    this.#call("setDown", (parts) => parts.setDown(virtualKey, down));
  }

  /** Every key (virtual-key codes 0–255) as it is now; later changes do not show in it. */
  state(): KeyboardState {
    const keys = this.#call("state", (parts) =>
      Uint8Array.from({ length: VIRTUAL_KEYS }, (_, key) => (parts.isDown(key) ? 1 : 0)),
    );
    return Object.freeze({ isDown: (virtualKey: number) => (keys[virtualKey] ?? 0) !== 0 });
  }

  /** Drops the keyboard (an owning one drops the OS and its connector too); later calls do nothing. */
  close(): void {
    this.#life.end();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
