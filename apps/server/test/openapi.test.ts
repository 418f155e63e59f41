/**
 * Issue 13, item 7: `/openapi/json` describes every route (parameters, request body, responses,
 * security) from the validators the routes run, and `/openapi` is served from this package.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isSha256Digest } from "@memflow-ts/core/plugin-files";
import { getSchemaValidator, type TSchema } from "elysia";
import { createApp } from "../src/app.ts";
import * as schemas from "../src/http/api-schemas.ts";
import { ChainPolicy } from "../src/inventory/chain-policy.ts";
import { PathConfinement } from "../src/inventory/path-confinement.ts";
import { SessionPool } from "../src/inventory/session-pool.ts";
import { PluginStore } from "../src/storage/plugin-store.ts";
import { fixture, type Registry, registry, sha256, TOKEN } from "./helpers.ts";

interface Parameter {
  name: string;
  in: string;
  required: boolean;
  schema: { type?: string; enum?: string[]; minimum?: number; pattern?: string };
}
interface Operation {
  summary?: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown> } }> };
  responses?: Record<string, { description: string; content?: Record<string, unknown> }>;
  security?: Record<string, string[]>[];
}
interface Document {
  components: { securitySchemes: Record<string, { type: string; scheme: string }> };
  paths: Record<string, Record<string, Operation>>;
}

const r: Registry = registry();
afterAll(() => r.dispose());
const gcc = fixture("elf/x86_64-gcc.so");
await r.upload(gcc);
const doc = (await (await r.fetch("/openapi/json")).json()) as Document;
const operation = (method: string, path: string): Operation => doc.paths[path]?.[method] ?? {};

/** Every route the app serves but the reference page, its files and the document itself. */
const routes = r.app.routes
  .filter((route) => !(route.hooks as { detail?: { hide?: boolean } }).detail?.hide)
  .map((route) => ({ method: route.method.toLowerCase(), path: route.path.replace(/:([^/]+)/g, "{$1}") }));

describe("the OpenAPI document", () => {
  test("describes every route with a summary, its path parameters and its responses", () => {
    expect(routes.map(({ method, path }) => `${method} ${path}`).sort()).toEqual([
      "delete /files/{digest}",
      "get /",
      "get /files/{digest}",
      "get /files/{digest}/metadata",
      "get /health",
      "get /plugins",
      "get /plugins/{name}",
      "get /ui/plugins/{name}",
      "post /files",
    ]);
    for (const { method, path } of routes) {
      const described = operation(method, path);
      expect({ route: `${method} ${path}`, summary: typeof described.summary }).toEqual({
        route: `${method} ${path}`,
        summary: "string",
      });
      const pathParameters = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? "");
      expect(described.parameters?.filter((p) => p.in === "path").map((p) => p.name) ?? []).toEqual(pathParameters);
      const statuses = Object.keys(described.responses ?? {});
      expect(statuses.some((status) => status.startsWith("2"))).toBe(true);
      expect(statuses).toContain("500");
      // A failure is memflow-registry's text, or the JSON error body for clients that ask for JSON.
      for (const [status, response] of Object.entries(described.responses ?? {})) {
        // Pages answer HTML, a 416 has no body, /health's 503 is memflow-registry's JSON object.
        if (Number(status) < 400 || status === "416" || response.content?.["text/html"] || path === "/health") continue;
        expect({ status, types: Object.keys(response.content ?? {}) }).toEqual({
          status,
          types: ["text/plain", "application/json"],
        });
      }
    }
  });

  test("puts the bearer token on uploads and deletes, and on nothing else", () => {
    expect(doc.components.securitySchemes.registryToken).toMatchObject({ type: "http", scheme: "bearer" });
    const secured = routes
      .filter(({ method, path }) => (operation(method, path).security ?? []).length > 0)
      .map(({ method, path }) => `${method} ${path}`);
    expect(secured.sort()).toEqual(["delete /files/{digest}", "post /files"]);
    expect(operation("post", "/files").security).toEqual([{ registryToken: [] }]);
    expect(Object.keys(operation("post", "/files").responses ?? {})).toContain("401");
  });

  test("documents the query of GET /plugins/{name} from the parser the route runs", async () => {
    const query = (operation("get", "/plugins/{name}").parameters ?? []).filter((p) => p.in === "query");
    expect(query.map((p) => p.name)).toEqual([
      "version",
      "memflow_plugin_version",
      "file_type",
      "architecture",
      "byte_order",
      "skip",
      "limit",
    ]);
    for (const parameter of query) {
      for (const value of parameter.schema.enum ?? []) {
        expect((await r.fetch(`/plugins/gcc_x86_64?${parameter.name}=${value}`)).status).toBe(200);
      }
      const outside = parameter.schema.enum ? "not-listed" : parameter.schema.minimum === 0 ? "-1" : undefined;
      if (outside === undefined) continue;
      const refused = await r.fetch(`/plugins/gcc_x86_64?${parameter.name}=${outside}`);
      expect([refused.status, (await refused.text()).split(":")[1]?.trim()]).toEqual([400, parameter.name]);
    }
  });

  test("gives the digest the pattern the routes check", async () => {
    const [digest] = operation("get", "/files/{digest}").parameters ?? [];
    const pattern = new RegExp(digest?.schema.pattern ?? "");
    for (const sample of [sha256(gcc), "A".repeat(64), "a".repeat(63), "a".repeat(65), "../etc/passwd", ""]) {
      expect({ sample, documented: pattern.test(sample) }).toEqual({ sample, documented: isSha256Digest(sample) });
    }
    expect((await r.fetch(`/files/${"A".repeat(64)}`)).status).toBe(404);
  });

  test("documents the multipart fields an upload takes", async () => {
    const form = operation("post", "/files").requestBody?.content["multipart/form-data"]?.schema.properties ?? {};
    expect(Object.keys(form)).toEqual(Object.keys(schemas.UPLOAD_FORM.properties));
    const other = fixture("elf/x86_64-multi.so");
    const body = new FormData();
    body.append("file", new Blob([other]));
    body.append("signature", r.keys.sign(other));
    const response = await r.fetch("/files", { method: "POST", body, headers: { authorization: `Bearer ${TOKEN}` } });
    expect(await response.json()).toBe("Added");
  });

  test("describes the bodies the routes send", async () => {
    const matches = async (schema: TSchema, path: string, init?: RequestInit) => {
      const response = await r.fetch(path, init);
      const body = await response.json();
      return { path, valid: getSchemaValidator(schema).Check(body) };
    };
    for (const [schema, path, init] of [
      [schemas.HEALTH_OK, "/health"],
      [schemas.PLUGINS_ALL, "/plugins"],
      [schemas.PLUGINS_FIND, "/plugins/gcc_x86_64"],
      [schemas.METADATA, `/files/${sha256(gcc)}/metadata`],
      [schemas.ERROR_BODY, `/files/${"0".repeat(64)}`, { headers: { accept: "application/json" } }],
    ] as const) {
      expect(await matches(schema, path, init)).toEqual({ path, valid: true });
    }
    expect(getSchemaValidator(schemas.UPLOAD_RESULT).Check("AlreadyExists")).toBe(true);
    expect(getSchemaValidator(schemas.HEALTH_FAILED).Check({ Error: "database unhealthy" })).toBe(true);
  });
});

describe("the API reference page", () => {
  test("loads nothing from another host and links the document", async () => {
    const response = await r.fetch("/openapi");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'; script-src 'self'");
    const page = await response.text();
    const references = [...page.matchAll(/(?:src|href)="([^"]*)"/g)].map((match) => match[1] ?? "");
    expect(references.length).toBeGreaterThan(3);
    expect(references.filter((reference) => !reference.startsWith("/") || reference.startsWith("//"))).toEqual([]);
    expect(page).toContain('<a id="openapi-json" href="/openapi/json">');
    expect(page).not.toMatch(/https?:\/\//);
    for (const reference of references.filter((path) => path.startsWith("/openapi/assets/"))) {
      const asset = await r.fetch(reference);
      expect({ reference, status: asset.status }).toEqual({ reference, status: 200 });
    }
    expect((await r.fetch("/openapi/assets/__proto__")).status).toBe(404);
  });
});

describe("the OpenAPI document of a server with the inventory API", () => {
  const folder = mkdtempSync(join(tmpdir(), "memflow-ts-openapi-inventory-"));
  const sessions = new SessionPool({ pluginDirectories: [] }, { policy: new ChainPolicy([], new PathConfinement([])) });
  const store = new PluginStore(join(folder, "storage"));
  const app = createApp({
    store,
    bearerToken: TOKEN,
    inventory: { token: "inventory-secret-token", source: { pluginDirectories: [] } },
    sessions,
  });
  afterAll(() => {
    sessions.closeAll();
    store.close();
    rmSync(folder, { recursive: true, force: true });
  });
  const call = (path: string) =>
    app.handle(new Request(`http://localhost${path}`, { headers: { authorization: "Bearer inventory-secret-token" } }));

  test("documents every inventory route with its token, its failures and its query", async () => {
    const inventoryDoc = (await (await call("/openapi/json")).json()) as Document;
    expect(inventoryDoc.components.securitySchemes.inventoryToken).toMatchObject({ type: "http", scheme: "bearer" });
    const inventoryRoutes = Object.entries(inventoryDoc.paths)
      .filter(([path]) => path.startsWith("/api/inventory/"))
      .flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, described]) => ({ path, method, described })),
      );
    expect(inventoryRoutes.map(({ method, path }) => `${method} ${path}`).sort()).toEqual([
      "delete /api/inventory/sessions/{id}",
      "get /api/inventory/plugins",
      "get /api/inventory/sessions",
      "get /api/inventory/sessions/{id}",
      "get /api/inventory/sessions/{id}/memory",
      "get /api/inventory/sessions/{id}/os",
      "get /api/inventory/sessions/{id}/processes",
      "get /api/inventory/sessions/{id}/processes/{process}",
      "get /api/inventory/sessions/{id}/processes/{process}/memory",
      "get /api/inventory/sessions/{id}/processes/{process}/modules",
      "get /api/inventory/sessions/{id}/processes/{process}/modules/{module}/exports",
      "get /api/inventory/sessions/{id}/processes/{process}/modules/{module}/imports",
      "get /api/inventory/sessions/{id}/processes/{process}/modules/{module}/sections",
      "post /api/inventory/sessions",
      "put /api/inventory/sessions/{id}/memory",
      "put /api/inventory/sessions/{id}/processes/{process}/memory",
    ]);
    for (const { method, path, described } of inventoryRoutes) {
      const statuses = Object.keys(described.responses ?? {});
      const pathParameters = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? "");
      expect({
        route: `${method} ${path}`,
        parameters: described.parameters?.filter((p) => p.in === "path").map((p) => p.name) ?? [],
      }).toEqual({ route: `${method} ${path}`, parameters: pathParameters });
      expect({ route: `${method} ${path}`, summary: typeof described.summary, security: described.security }).toEqual({
        route: `${method} ${path}`,
        summary: "string",
        security: [{ inventoryToken: [] }],
      });
      expect({ route: `${method} ${path}`, guarded: ["401", "403", "500"].every((s) => statuses.includes(s)) }).toEqual(
        {
          route: `${method} ${path}`,
          guarded: true,
        },
      );
    }
    const virtual = inventoryDoc.paths["/api/inventory/sessions/{id}/processes/{process}/memory"]?.get;
    const virtualQuery = (virtual?.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name);
    expect(virtualQuery.sort()).toEqual(["address", "format", "length"]);
    // A process's 404 is memflow's ProcessNotFound too; a process's read lists what it could not read.
    expect(virtual?.responses?.["404"]?.description).toContain("ProcessNotFound");
    expect(Object.keys(virtual?.responses?.["200"]?.content ?? {})).toEqual([
      "application/json",
      "application/octet-stream",
    ]);
    const read = inventoryDoc.paths["/api/inventory/sessions/{id}/memory"]?.get?.parameters ?? [];
    const query = Object.fromEntries(read.filter((p) => p.in === "query").map((p) => [p.name, p]));
    expect(Object.keys(query).sort()).toEqual(["address", "format", "length"]);
    expect(query.format?.schema.enum).toEqual(["hex", "binary"]);
    expect([query.address?.required, query.length?.required, query.format?.required]).toEqual([true, true, false]);
    // The documented address pattern is the one the route checks.
    const address = new RegExp(query.address?.schema.pattern ?? "");
    expect(["0x1000", "4096", "0X1f", "0x", "-1", "1e3", "0x1g"].map((sample) => address.test(sample))).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
  });

  test("checks a read's query before it looks for the session", async () => {
    const response = await call("/api/inventory/sessions/none/memory?address=0x1000&length=16&format=base64");
    expect([response.status, await response.text()]).toEqual([
      400,
      expect.stringContaining('"hex" (default) or "binary"'),
    ]);
    expect((await call("/api/inventory/sessions/none/memory?address=0x1g&length=16")).status).toBe(400);
    expect((await call("/api/inventory/sessions/none/memory?address=0x1000&length=16")).status).toBe(404);
  });
});
