/**
 * Signing in to the inventory page: the token is posted once from a form (never put in a URL,
 * where history, logs and Referer headers keep it), and the browser gets a cookie that proves it
 * was given: HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it),
 * scoped to /ui/inventory and valid for 12 hours. The API never accepts this cookie, only the
 * Authorization header, so no page a browser visits can use a login to read memory.
 *
 * The cookie holds its expiry and an HMAC of it under a key made when the server starts: it
 * reveals nothing about the token, needs no storage, and every login ends with a restart.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const LOGIN_COOKIE = "memflow_ts_inventory";
export const LOGIN_PATH = "/ui/inventory";
export const LOGIN_LIFETIME_SECONDS = 12 * 60 * 60;

export class InventoryLogin {
  readonly #key = randomBytes(32);
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  #sign(expires: string): Buffer {
    return createHmac("sha256", this.#key).update(`${LOGIN_COOKIE}:${expires}`).digest();
  }

  /** A Set-Cookie value for a browser that just gave the right token; Secure over HTTPS. */
  cookie(secure: boolean): string {
    const expires = String(this.#now() + LOGIN_LIFETIME_SECONDS * 1000);
    const value = `${expires}.${this.#sign(expires).toString("base64url")}`;
    return cookieHeader(value, LOGIN_LIFETIME_SECONDS, secure);
  }

  /** A Set-Cookie value that removes the login. */
  signedOut(secure: boolean): string {
    return cookieHeader("", 0, secure);
  }

  /** Whether a request's Cookie header holds an unexpired login made by this server process. */
  accepts(cookies: string | null): boolean {
    const value = cookies
      ?.split(";")
      .map((cookie) => cookie.trim())
      .find((cookie) => cookie.startsWith(`${LOGIN_COOKIE}=`))
      ?.slice(LOGIN_COOKIE.length + 1);
    const match = value === undefined ? null : /^(\d{1,16})\.([A-Za-z0-9_-]{43})$/.exec(value);
    if (!match?.[1] || !match[2]) return false;
    // Compared as text: base64url's last character has two unused bits, so decoding first would
    // accept four spellings of one signature.
    const expected = Buffer.from(this.#sign(match[1]).toString("base64url"));
    return timingSafeEqual(Buffer.from(match[2]), expected) && Number(match[1]) > this.#now();
  }
}

function cookieHeader(value: string, maxAge: number, secure: boolean): string {
  return `${LOGIN_COOKIE}=${value}; Path=${LOGIN_PATH}; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${secure ? "; Secure" : ""}`;
}
