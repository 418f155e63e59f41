/**
 * memflow's `OsKeyboard`: the keyboard of the machine an OS runs on, when the OS plugin offers it
 * (memflow-win32 does). Keys are virtual-key codes, as win32's VK_*.
 */

export interface KeyboardState {
  isDown(virtualKey: number): boolean;
}

export interface Keyboard extends Disposable {
  readonly closed: boolean;
  isDown(virtualKey: number): boolean;
  setDown(virtualKey: number, down: boolean): void;
  /** A snapshot of every key. */
  state(): KeyboardState;
  close(): void;
}
