/** A configuration the server refuses to start with; main.ts prints its message and exits with 2. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}
