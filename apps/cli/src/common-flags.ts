/** Flags several memflowup commands share, spelled once: `parseFlags(args, { ...REGISTRY_FLAG, ... })`. */

export const REGISTRY_FLAG = { registry: { type: "string", short: "r" } } as const;
export const TOKEN_FLAG = { token: { type: "string", short: "t" } } as const;
export const QUIET_FLAG = { quiet: { type: "boolean", short: "q" } } as const;
export const JSON_FLAG = { json: { type: "boolean" } } as const;
