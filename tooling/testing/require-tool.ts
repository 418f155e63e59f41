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

export function requireTool(command: string, debianPackage: string): ToolRequirement {
  const path = Bun.which(command);
  if (path) return { available: true, path };
  const message = `${command} is not installed (Debian package ${debianPackage})`;
  if (process.env.CI === "true") throw new Error(`${message}; CI must install it`);
  console.warn(`skipping: ${message}`);
  return { available: false, path: null };
}
