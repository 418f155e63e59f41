/**
 * A route's own parser, handed to Elysia as a Standard Schema validator together with the JSON
 * Schema that describes it. Elysia runs `parse` before the handler (whatever it throws reaches
 * the one error table in errors.ts unchanged, so memflow-registry's texts survive) and the
 * handler receives what it returns; @elysiajs/openapi documents the route from `jsonSchema`.
 * One definition serves both, so the document cannot drift from what the route accepts.
 */

/** The JSON Schema (draft 2020-12, as OpenAPI 3.1 uses it) of an object: each property documented. */
export interface ObjectJsonSchema {
  readonly type: "object";
  readonly properties: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly required?: readonly string[];
}

/** A Standard Schema (v1) validator; `types` only carries the output type to Elysia's inference. */
export interface RouteValidator<Output> {
  readonly "~standard": {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => { value: Output };
    readonly jsonSchema: { readonly input: () => ObjectJsonSchema; readonly output: () => ObjectJsonSchema };
    readonly types?: { readonly input: unknown; readonly output: Output };
  };
}

/** A query as Elysia hands it to a validator: a key given more than once holds every value. */
export type QueryValues = Readonly<Record<string, string | readonly string[] | undefined>>;

export function routeValidator<Output>(
  parse: (value: QueryValues) => Output,
  jsonSchema: ObjectJsonSchema,
): RouteValidator<Output> {
  return {
    "~standard": {
      version: 1,
      vendor: "memflow-ts",
      validate: (value) => ({ value: parse((value ?? {}) as QueryValues) }),
      jsonSchema: { input: () => jsonSchema, output: () => jsonSchema },
    },
  };
}
