/**
 * How a RegistryError reaches the client. memflowup prints the text body of a failed request, so
 * plain text stays the default; a client that asks for JSON (`Accept: application/json`) gets
 * `{"error":{"code","message"}}` instead.
 */
import { RegistryError } from "../storage/registry-error.ts";

export function wantsJson(request: Request): boolean {
  return (request.headers.get("accept") ?? "").toLowerCase().includes("application/json");
}

export function errorResponse(request: Request, error: RegistryError): Response {
  if (wantsJson(request)) {
    return Response.json({ error: { code: error.code, message: error.message } }, { status: error.status });
  }
  return new Response(error.message, {
    status: error.status,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}

export { RegistryError };
