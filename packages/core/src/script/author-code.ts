/**
 * Calls into a TypeScript plugin's own code. What it throws is the plugin's failure: a
 * MemflowError passes through as the plugin chose it; anything else (a TypeError, a thrown
 * string) becomes (origin, Unknown) naming the plugin and the call, as a native plugin's crash
 * names its library (decision 0010).
 */
import { type ErrorOrigin, MemflowError } from "../error.ts";

export function authorError(error: unknown, origin: ErrorOrigin, what: string): MemflowError {
  if (error instanceof MemflowError) return error;
  return new MemflowError(origin, "Unknown", `${what}: ${String(error)}`, { cause: error });
}

/** Runs `call`, turning what it throws into the plugin's error. */
export function authorCall<T>(origin: ErrorOrigin, what: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw authorError(error, origin, what);
  }
}

/**
 * The author's object as its interface, each method call first asking `usable` (which throws
 * when the owner may not be used now) and reporting failures as `authorCall` does.
 */
export function guarded<T extends object>(target: T, origin: ErrorOrigin, label: string, usable: () => void): T {
  return new Proxy(target, {
    get(object, key) {
      // Read on the object itself: its getters and methods may use private fields, which the proxy lacks.
      const value = Reflect.get(object, key);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        usable();
        return authorCall(origin, `${label}: ${String(key)}`, () => value.apply(object, args));
      };
    },
  });
}

/**
 * Closes an author's part, then what it owns (an owning process's or keyboard's OS, an OS's
 * connector), the latter even when the author's `close` throws.
 */
export function closeThenOwned(label: string, close: (() => void) | undefined, owned: (() => void) | undefined): void {
  try {
    authorCall("OsLayer", `${label}: close`, () => close?.());
  } finally {
    owned?.();
  }
}
