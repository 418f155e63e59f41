/**
 * The bearer token that guards uploads and deletes. Compared in constant time (memflow-registry
 * compares strings, leaking the matching prefix through timing) and never logged.
 */
import { timingSafeEqual } from "node:crypto";
import { AuthError } from "./auth-error.ts";

function sha256(text: string): Uint8Array {
  return new Bun.CryptoHasher("sha256").update(text).digest();
}

/**
 * Throws AuthError unauthorized unless `authorization` carries `token`. Without a configured
 * token (an `--insecure` registry) every request passes, with or without the header.
 */
export function checkBearerToken(authorization: string | null, token: string | undefined): void {
  if (token === undefined) return;
  if (authorization === null) {
    throw new AuthError("unauthorized", "Header of type `authorization` was missing");
  }
  const match = /^Bearer +(.+)$/i.exec(authorization.trim());
  if (!match?.[1]) throw new AuthError("unauthorized", "invalid HTTP header (authorization)");
  // Hashing first gives equal lengths, so the comparison takes the same time whatever was sent.
  if (!timingSafeEqual(sha256(match[1]), sha256(token))) {
    throw new AuthError("unauthorized", "invalid token");
  }
}
