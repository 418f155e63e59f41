/**
 * Errors the registry answers with, each with its HTTP status and the text memflow-registry
 * sends (memflowup prints those bodies), mapped to responses in one place (app.ts).
 */

export type RegistryErrorCode =
  | "invalid-digest"
  | "not-found"
  | "bad-request"
  | "bad-plugin"
  | "bad-signature"
  | "unauthorized"
  | "too-large"
  | "unhealthy"
  | "forbidden"
  | "memory-error"
  | "too-many-sessions"
  | "plugin-crashed";

const STATUS: Record<RegistryErrorCode, number> = {
  "invalid-digest": 400,
  "not-found": 404,
  "bad-request": 400,
  "bad-plugin": 400,
  "bad-signature": 400,
  unauthorized: 401,
  "too-large": 413,
  unhealthy: 503,
  forbidden: 403,
  "memory-error": 422,
  "too-many-sessions": 429,
  "plugin-crashed": 502,
};

export class RegistryError extends Error {
  override readonly name = "RegistryError";
  readonly code: RegistryErrorCode;

  constructor(code: RegistryErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  get status(): number {
    return STATUS[this.code];
  }
}

const DIGEST = /^[0-9a-f]{64}$/;

/** A sha256 digest as hex: 64 lower-case digits and nothing else (no path can hide in it). */
export function checkedDigest(digest: string): string {
  if (!DIGEST.test(digest))
    throw new RegistryError("invalid-digest", `invalid digest: expected 64 lower-case hex digits`);
  return digest;
}
