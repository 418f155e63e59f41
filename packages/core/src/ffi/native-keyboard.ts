/**
 * The keyboard of the machine an OS runs on, through a native plugin's Keyboard vtable (memflow's
 * OsKeyboard, memflow-os.md §9): borrowed from the OS (`os.keyboard()`), or owning it
 * (`os.intoKeyboard()`). `state()` is a plain snapshot: the shim asks the plugin's state object
 * about every key once and drops it at once.
 */
import { checkVirtualKey, type Keyboard, type KeyboardState } from "../os/keyboard.ts";
import type { InstanceMemory } from "./instance-memory.ts";
import { instanceTarget, NativeCalls } from "./native-calls.ts";
import { KEYBOARD_SNAPSHOT, KEYBOARD_VTBL, SHIM_CALL } from "./os-layouts.ts";

export class NativeKeyboard implements Keyboard {
  readonly #memory: InstanceMemory;
  readonly #calls: NativeCalls;

  /** @internal opened by NativeOs; `vtableOffset` is where the Keyboard vtable is in the instance. */
  constructor(memory: InstanceMemory, vtableOffset: number) {
    this.#memory = memory;
    this.#calls = new NativeCalls(instanceTarget(memory, vtableOffset));
  }

  /** @internal how errors name the keyboard. */
  get label(): string {
    return this.#memory.label;
  }

  get closed(): boolean {
    return !this.#memory.live;
  }

  isDown(virtualKey: number): boolean {
    const out = new Uint8Array(1);
    this.#calls.call(SHIM_CALL.KEY_IS_DOWN, KEYBOARD_VTBL.IS_DOWN, { numbers: [checkVirtualKey(virtualKey)] }, out);
    return out[0] !== 0;
  }

  setDown(virtualKey: number, down: boolean): void {
    this.#calls.call(
      SHIM_CALL.KEY_SET_DOWN,
      KEYBOARD_VTBL.SET_DOWN,
      { numbers: [checkVirtualKey(virtualKey), down ? 1 : 0] },
      null,
    );
  }

  /** Every key (virtual-key codes 0–255) as it is now; later changes do not show in it. */
  state(): KeyboardState {
    const keys = new Uint8Array(KEYBOARD_SNAPSHOT.KEYS);
    this.#calls.call(SHIM_CALL.KEYBOARD_SNAPSHOT, KEYBOARD_VTBL.STATE, {}, keys);
    return Object.freeze({ isDown: (virtualKey: number) => (keys[virtualKey] ?? 0) !== 0 });
  }

  /** Drops the keyboard (an owning one drops the OS and its connector too); later calls do nothing. */
  close(): void {
    this.#memory.drop();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
