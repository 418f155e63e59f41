/**
 * The flags that print the CLI's version, alone or first on the command line. Defined here, apart
 * from cli.ts, because the single-file executable answers them in its entry before it loads any
 * other module (tooling/scripts/build-bin.ts, decision 0007).
 */
export const VERSION_FLAGS: readonly string[] = ["-V", "--version"];
