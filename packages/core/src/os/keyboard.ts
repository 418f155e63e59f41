/**
 * memflow's `OsKeyboard`: the keyboard of the machine an OS runs on, when the OS plugin offers it
 * (memflow-win32 does). Keys are virtual-key codes, as win32's VK_*.
 */
import { MemflowError } from "../error.ts";

/** How many virtual-key codes a keyboard's `state()` snapshot holds (0–255). */
export const VIRTUAL_KEYS = 256;

/** A virtual-key code as memflow's `i32`; throws (OsLayer, InvalidArgument) for anything else. */
export function checkVirtualKey(virtualKey: number): number {
  if (!Number.isInteger(virtualKey) || virtualKey < -(2 ** 31) || virtualKey >= 2 ** 31)
    throw new MemflowError("OsLayer", "InvalidArgument", `${virtualKey} is not a virtual-key code`);
  return virtualKey;
}

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
