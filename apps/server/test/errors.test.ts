/**
 * The one error table (src/http/errors.ts): every domain error's status, JSON code and text, as
 * plain text and as JSON, and an unknown error as a bare 500 whose details go to the log only.
 */
import { describe, expect, test } from "bun:test";
import { AnalyzeError } from "@memflow-ts/analyzer";
import { MemflowError } from "@memflow-ts/core/plugin-files";
import { NotFoundError, ParseError } from "elysia";
import { AuthError } from "../src/auth-error.ts";
import { DomainError } from "../src/domain-error.ts";
import { errorResponse, httpErrorOf } from "../src/http/errors.ts";
import { RequestError } from "../src/http/request-error.ts";
import { SessionError } from "../src/inventory/session-error.ts";
import { StorageError } from "../src/storage/storage-error.ts";
import { registry } from "./helpers.ts";

/** An error, its status and JSON code, and its text when that is not the error's own message. */
type Case = [error: Error, status: number, code: string, text?: string];

const CASES: Case[] = [
  [new StorageError("not-found", "plugin not found"), 404, "not-found"],
  [new StorageError("invalid-digest", "plugin not found: x"), 404, "invalid-digest"],
  [new StorageError("bad-plugin", "Memflow error: no descriptor"), 400, "bad-plugin"],
  [new StorageError("bad-signature", "Signature error: file signature is invalid"), 400, "bad-signature"],
  [new AuthError("unauthorized", "invalid token"), 401, "unauthorized"],
  [new AuthError("forbidden", "only served to this machine"), 403, "forbidden"],
  [new RequestError("bad-request", "Failed to deserialize query string: limit"), 400, "bad-request"],
  [new RequestError("too-large", "the upload is larger than 20 MiB"), 413, "too-large"],
  [new SessionError("not-found", "no open session x"), 404, "not-found"],
  [new SessionError("chain-failed", "no connector named nothing"), 400, "bad-request"],
  [new SessionError("invalid-read", "length must be between 1 and 16777216"), 400, "bad-request"],
  [new SessionError("memory-error", "connector: out of bounds"), 422, "memory-error"],
  [new SessionError("too-many-sessions", "at most 8 sessions may be open"), 429, "too-many-sessions"],
  [new SessionError("plugin-crashed", "killed by SIGSEGV"), 502, "plugin-crashed"],
  [new SessionError("not-allowed", "the inventory does not allow the plugin"), 403, "not-allowed"],
  [new SessionError("timed-out", "the plugin hang did not finish read within 300 ms"), 504, "plugin-timed-out"],
  [
    new AnalyzeError("truncated", 0x40, "headers run past the end"),
    400,
    "bad-plugin",
    "Memflow error: headers run past the end (at file offset 0x40)",
  ],
  [new MemflowError("ArgsValidator", "ArgNotExists", "colour"), 400, "bad-request"],
  [new MemflowError("Inventory", "PluginNotFound", "nothing"), 404, "not-found"],
  [new MemflowError("Connector", "OutOfBounds"), 422, "memory-error"],
  [new MemflowError("Inventory", "InvalidAbi", "72 bytes"), 400, "bad-plugin"],
  [new MemflowError("Inventory", "AlreadyExists"), 409, "already-exists"],
  [new MemflowError("Connector", "NotSupported"), 501, "not-supported"],
  [new NotFoundError(), 404, "not-found", "NOT_FOUND"],
  [new ParseError(), 400, "bad-request", "Bad Request"],
];

/** `StorageError not-found`, `MemflowError Connector/OutOfBounds`, `NotFoundError`. */
function caseName(error: Error): string {
  if (error instanceof DomainError) return `${error.name} ${error.reason}`;
  if (error instanceof MemflowError) return `${error.name} ${error.origin}/${error.kind}`;
  return error instanceof AnalyzeError ? `${error.name} ${error.kind}` : error.name;
}

const request = (accept?: string) =>
  new Request("http://localhost/files/x", accept === undefined ? {} : { headers: { accept } });

describe("http/errors", () => {
  for (const [error, status, code, message = error.message] of CASES) {
    test(`${caseName(error)} → ${status} ${code}, as text and as JSON`, async () => {
      const logs: string[] = [];
      const plain = errorResponse(request(), error, (line) => logs.push(line));
      expect(plain.status).toBe(status);
      expect(plain.headers.get("content-type")).toBe("text/plain; charset=utf-8");
      expect(await plain.text()).toBe(message);
      const json = errorResponse(request("application/json"), error, (line) => logs.push(line));
      expect(json.status).toBe(status);
      expect(await json.json()).toEqual({ error: { code, message } });
      expect(logs).toEqual([]);
    });
  }

  test("an unknown error is a bare 500; its message and stack reach only the log", async () => {
    const error = new TypeError("cannot read /srv/secret/index.sqlite");
    const logs: string[] = [];
    const plain = errorResponse(request(), error, (line) => logs.push(line));
    expect([plain.status, await plain.text()]).toEqual([500, "internal server error"]);
    const json = errorResponse(request("application/json"), error, (line) => logs.push(line));
    expect(await json.json()).toEqual({ error: { code: "internal-error", message: "internal server error" } });
    expect(logs).toHaveLength(2);
    expect(logs[0]).toStartWith("GET /files/x failed: TypeError: cannot read /srv/secret/index.sqlite\n");
    expect(logs[0]).toContain("errors.test.ts");
    expect(errorResponse(request(), "a string", () => {}).status).toBe(500);
    expect(httpErrorOf(new Error("plain"))).toBeUndefined();
  });

  test("a MemflowError the server caused is a 500 with memflow's display; its detail goes to the log", async () => {
    const logs: string[] = [];
    const error = new MemflowError("Inventory", "UnableToReadFile", "/srv/plugins/x.meta");
    const response = errorResponse(request("application/json"), error, (line) => logs.push(line));
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      error: { code: "internal-error", message: "inventory: unable to read file" },
    });
    expect(logs).toEqual(["GET /files/x failed: inventory: unable to read file (/srv/plugins/x.meta)"]);
  });

  test("the app answers a failure nobody expected with a bare 500 and logs it", async () => {
    const r = registry();
    // A closed index makes the listing throw bun:sqlite's own error, which no table knows.
    r.store.close();
    const response = await r.fetch("/plugins", { headers: { accept: "application/json" } });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: { code: "internal-error", message: "internal server error" } });
    expect(r.logs.join("\n")).toStartWith("GET /plugins failed: ");
    r.dispose();
  });

  test("an unknown route is a 404 in the same format", async () => {
    const r = registry();
    const response = await r.fetch("/nowhere", { headers: { accept: "application/json" } });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: "not-found", message: "NOT_FOUND" } });
    r.dispose();
  });
});
