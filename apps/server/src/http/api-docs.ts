/**
 * Building blocks of the OpenAPI document: response objects (every failure is memflow-registry's
 * plain text, or `{"error":{"code","message"}}` for a client that asks for JSON, both from
 * errors.ts) and the bearer-token security scheme of the routes that write.
 */
import { type TSchema, t } from "elysia";
import { ERROR_BODY } from "./api-schemas.ts";

/** The security scheme of uploads and deletes: `Authorization: Bearer <MEMFLOW_BEARER_TOKEN>`. */
export const REGISTRY_TOKEN = "registryToken";
/** The security scheme of the inventory API: `Authorization: Bearer <MEMFLOW_TS_INVENTORY_TOKEN>`. */
export const INVENTORY_TOKEN = "inventoryToken";

/** The document's `components`: the security scheme, and the error body every failure refers to. */
export const OPENAPI_COMPONENTS = {
  securitySchemes: {
    [REGISTRY_TOKEN]: {
      type: "http",
      scheme: "bearer",
      description: "MEMFLOW_BEARER_TOKEN of the server; a server started with --insecure needs none",
    },
    [INVENTORY_TOKEN]: {
      type: "http",
      scheme: "bearer",
      description: "MEMFLOW_TS_INVENTORY_TOKEN of the server: every inventory route wants it, in this header only",
    },
  },
  schemas: { ErrorBody: ERROR_BODY },
} as const;

const ERROR_BODY_REF = t.Unsafe({ $ref: "#/components/schemas/ErrorBody" });

/** The `security` of an operation: the token, or nothing when the server was started without one. */
export function tokenSecurity(required: boolean): Record<string, string[]>[] {
  return required ? [{ [REGISTRY_TOKEN]: [] }] : [];
}

export interface ResponseObject {
  readonly description: string;
  readonly headers?: Record<string, { description: string; schema: TSchema }>;
  readonly content?: Record<string, { schema: TSchema }>;
}

export function json(description: string, schema: TSchema): ResponseObject {
  return { description, content: { "application/json": { schema } } };
}

export function html(description: string): ResponseObject {
  return { description, content: { "text/html": { schema: t.String() } } };
}

/** A failure: `description` says when it happens. */
export function failure(description: string): ResponseObject {
  return {
    description,
    content: {
      "text/plain": { schema: t.String({ description: "memflow-registry's text, which memflowup prints" }) },
      "application/json": { schema: ERROR_BODY_REF },
    },
  };
}

/** The 500 every route may answer: a fault of the server, whose log has the error. */
export const INTERNAL_ERROR = failure("a fault of the server; the body says no more, the server's log has the error");
