/**
 * For tests that need a system tool a fresh machine may lack: skip with a message naming the
 * Debian package when it is missing, except under CI=true, where a missing tool is a failure
 * (.ci/run installs it).
 */

export interface ToolRequirement {
  /** Whether the test can run. */
  readonly available: boolean;
  readonly path: string | null;
}

/** Says why the test skips, or throws under CI=true. */
function missing(what: string, debianPackage: string): void {
  const message = `${what} (Debian package ${debianPackage})`;
  if (process.env.CI === "true") throw new Error(`${message}; CI must install it`);
  console.warn(`skipping: ${message}`);
}

export function requireTool(command: string, debianPackage: string): ToolRequirement {
  const path = Bun.which(command);
  if (path) return { available: true, path };
  missing(`${command} is not installed`, debianPackage);
  return { available: false, path: null };
}

/**
 * The same for what is not a command on PATH (a compiler's runtime library, such as the
 * sanitizers'): `available` says whether it is there; returns it.
 */
export function requireFeature(feature: string, debianPackage: string, available: boolean): boolean {
  if (!available) missing(`${feature} is not available`, debianPackage);
  return available;
}
