/**
 * The one place an error becomes an HTTP answer. Storage, auth, request parsing and the inventory
 * throw their own typed errors, core throws memflow's MemflowError and the analyzer AnalyzeError;
 * none of them knows HTTP. This table gives each a status, a code that JSON clients can match on
 * (stable across releases) and a message: memflow-registry's text where it has one, because
 * memflowup prints the body of a failed request.
 *
 * Plain text stays the default body, as memflow-registry sends; a client that asks for JSON
 * (`Accept: application/json`) gets `{"error":{"code","message"}}`. An error no table knows is a
 * bug: the client gets a bare 500 and the server's log gets the error, never the other way round.
 */
import { AnalyzeError } from "@memflow-ts/analyzer";
import { type ErrorKind, MemflowError } from "@memflow-ts/core/plugin-files";
import { NotFoundError, ParseError } from "elysia";
import { AuthError, type AuthErrorReason } from "../auth-error.ts";
import type { DomainError } from "../domain-error.ts";
import { SessionError, type SessionErrorReason } from "../inventory/session-error.ts";
import { MirrorError, type MirrorErrorReason } from "../mirror/mirror-error.ts";
import { StorageError, type StorageErrorReason } from "../storage/storage-error.ts";
import { RequestError, type RequestErrorReason } from "./request-error.ts";

export interface HttpError {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  /** Sent as Retry-After. */
  readonly retryAfterSeconds?: number | undefined;
}

type Answer = Pick<HttpError, "status" | "code">;

const BAD_REQUEST: Answer = { status: 400, code: "bad-request" };
const NOT_FOUND: Answer = { status: 404, code: "not-found" };
const BAD_PLUGIN: Answer = { status: 400, code: "bad-plugin" };
const MEMORY_ERROR: Answer = { status: 422, code: "memory-error" };
const INTERNAL: HttpError = { status: 500, code: "internal-error", message: "internal server error" };

const STORAGE: Record<StorageErrorReason, Answer> = {
  "not-found": NOT_FOUND,
  // No stored file has a name that is not a digest: memflow-registry's 404, with a code of its own.
  "invalid-digest": { status: 404, code: "invalid-digest" },
  "bad-plugin": BAD_PLUGIN,
  "bad-signature": { status: 400, code: "bad-signature" },
  // The server's own files failed it: a server fault, but one the message can name.
  damaged: { status: 500, code: "damaged" },
};

const MIRROR: Record<MirrorErrorReason, Answer> = {
  // The upstream failed, not this server: a gateway's answer.
  "upstream-unreachable": { status: 502, code: "upstream-unreachable" },
  "upstream-refused": { status: 502, code: "upstream-refused" },
};

const AUTH: Record<AuthErrorReason, Answer> = {
  // memflow-registry answers a missing header with a 400; it is an authentication failure.
  unauthorized: { status: 401, code: "unauthorized" },
  forbidden: { status: 403, code: "forbidden" },
};

const REQUEST: Record<RequestErrorReason, Answer> = {
  "bad-request": BAD_REQUEST,
  // memflow-registry answers an oversize body with a 400; 413 says what happened.
  "too-large": { status: 413, code: "too-large" },
  busy: { status: 503, code: "busy" },
};

const SESSION: Record<SessionErrorReason, Answer> = {
  "not-found": NOT_FOUND,
  "chain-failed": BAD_REQUEST,
  "invalid-read": BAD_REQUEST,
  "memory-error": MEMORY_ERROR,
  "not-an-os": { status: 400, code: "not-an-os" },
  "too-many-sessions": { status: 429, code: "too-many-sessions" },
  "not-allowed": { status: 403, code: "not-allowed" },
  "timed-out": { status: 504, code: "plugin-timed-out" },
  // The plugin failed, not the server: a gateway whose upstream died.
  "plugin-crashed": { status: 502, code: "plugin-crashed" },
};

/** memflow's error kinds that say something about the request; every other kind is the server's fault. */
const MEMFLOW_KINDS: readonly [Answer, readonly ErrorKind[]][] = [
  [
    BAD_REQUEST,
    [
      "ArgNotExists",
      "ArgValidation",
      "RequiredArgNotFound",
      "InvalidArgument",
      "InvalidMemorySize",
      "InvalidMemorySizeUnit",
      "Encoding",
    ],
  ],
  [
    NOT_FOUND,
    [
      "NotFound",
      "PluginNotFound",
      "TargetNotFound",
      "ProcessNotFound",
      "ModuleNotFound",
      "ExportNotFound",
      "ImportNotFound",
      "SectionNotFound",
    ],
  ],
  [
    MEMORY_ERROR,
    ["PartialData", "OutOfBounds", "OutOfMemoryRange", "MemoryMapOutOfRange", "UnableToReadMemory", "ReadOnly"],
  ],
  [BAD_PLUGIN, ["InvalidExeFile", "MemflowExportsNotFound", "VersionMismatch", "InvalidAbi", "InvalidArchitecture"]],
  [{ status: 409, code: "already-exists" }, ["AlreadyExists"]],
  [{ status: 501, code: "not-supported" }, ["NotSupported", "NotImplemented", "UnsupportedOptionalFeature"]],
];

function memflowAnswer(error: MemflowError): HttpError {
  const answer = MEMFLOW_KINDS.find(([, kinds]) => kinds.includes(error.kind))?.[0];
  // The detail of a server-side failure names the server's files; memflow's display says enough.
  return answer === undefined ? { ...INTERNAL, message: error.display() } : { ...answer, message: error.message };
}

function reasoned<Reason extends string>(table: Record<Reason, Answer>, error: DomainError<Reason>): HttpError {
  return { ...table[error.reason], message: error.message };
}

/** The answer for an error, or undefined for one no layer owns (a bug). */
export function httpErrorOf(error: unknown): HttpError | undefined {
  if (error instanceof StorageError) return reasoned(STORAGE, error);
  if (error instanceof AuthError) return reasoned(AUTH, error);
  if (error instanceof MirrorError) return reasoned(MIRROR, error);
  if (error instanceof RequestError) return { ...reasoned(REQUEST, error), retryAfterSeconds: error.retryAfterSeconds };
  if (error instanceof SessionError) return reasoned(SESSION, error);
  // The analyzer only meets a binary on upload; memflow-registry words its parse failures so.
  if (error instanceof AnalyzeError) return { ...BAD_PLUGIN, message: `Memflow error: ${error.message}` };
  if (error instanceof MemflowError) return memflowAnswer(error);
  // Elysia's own: no route matched, or a body that does not parse. Their texts are Elysia's defaults.
  if (error instanceof NotFoundError) return { ...NOT_FOUND, message: "NOT_FOUND" };
  if (error instanceof ParseError) return { ...BAD_REQUEST, message: "Bad Request" };
  return undefined;
}

export function wantsJson(request: Request): boolean {
  return (request.headers.get("accept") ?? "").toLowerCase().includes("application/json");
}

function describe(error: unknown): string {
  if (error instanceof MemflowError) return error.message;
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

/** The response for any error a route throws; a 500 also writes the error to `log`. */
export function errorResponse(request: Request, error: unknown, log: (line: string) => void): Response {
  const answer = httpErrorOf(error) ?? INTERNAL;
  if (answer.status === 500) log(`${request.method} ${new URL(request.url).pathname} failed: ${describe(error)}`);
  const retry = answer.retryAfterSeconds === undefined ? {} : { "retry-after": String(answer.retryAfterSeconds) };
  if (wantsJson(request)) {
    return Response.json(
      { error: { code: answer.code, message: answer.message } },
      { status: answer.status, headers: retry },
    );
  }
  return new Response(answer.message, {
    status: answer.status,
    headers: { "content-type": "text/plain; charset=utf-8", ...retry },
  });
}
