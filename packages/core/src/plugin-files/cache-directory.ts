/**
 * memflow-ts's cache folder: `$XDG_CACHE_HOME/memflow-ts`, else `~/.cache/memflow-ts`. Everything
 * memflow-ts can rebuild lives below it (the compiled shim, built bundled plugins, the CLI's
 * descriptor cache), so deleting it only costs time.
 */
import { join } from "node:path";

export interface CacheDirectoryInput {
  /** The environment (XDG_CACHE_HOME is read). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly home: string;
}

export function cacheDirectory({ env, home }: CacheDirectoryInput): string {
  return join(env.XDG_CACHE_HOME || join(home, ".cache"), "memflow-ts");
}
