/// <reference path="./swagger-assets.d.ts" />
/**
 * `/openapi`: the API reference, rendered in the browser by Swagger UI from the pinned
 * `swagger-ui-dist` dependency, served by this app from node_modules. Nothing is loaded from
 * another host, so the page works offline and no CDN decides what code runs on it; the
 * Content-Security-Policy says so to the browser too. The document itself is `/openapi/json`.
 *
 * The only page with scripts: Swagger UI is one. Its start-up script is a file of its own, not
 * inline, so the policy can allow scripts from this server only.
 */
import { Elysia, NotFoundError } from "elysia";
import swaggerPackage from "swagger-ui-dist/package.json" with { type: "json" };
import swaggerCss from "swagger-ui-dist/swagger-ui.css" with { type: "file" };
// As files: paths into node_modules from sources, into the executable when compiled (bun build --compile).
import swaggerBundle from "swagger-ui-dist/swagger-ui-bundle.js" with { type: "file" };
import { html, page } from "./html.ts";

export const OPENAPI_JSON_PATH = "/openapi/json";

const START = `window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({ url: ${JSON.stringify(OPENAPI_JSON_PATH)}, dom_id: "#swagger-ui", deepLinking: true, validatorUrl: null });
});
`;

/** The files the page loads, by the name it asks for them under. */
const ASSETS = new Map<string, { type: string; body: () => Blob }>([
  ["swagger-ui.css", { type: "text/css; charset=utf-8", body: () => Bun.file(swaggerCss) }],
  ["swagger-ui-bundle.js", { type: "text/javascript; charset=utf-8", body: () => Bun.file(swaggerBundle) }],
  ["start.js", { type: "text/javascript; charset=utf-8", body: () => new Blob([START]) }],
]);

const POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  // Swagger UI sets style attributes on its elements.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  // "Try it out" sends requests to this server.
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

function referencePage(): Response {
  const response = page(html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>API reference · memflow-ts registry</title>
<link rel="stylesheet" href="/openapi/assets/swagger-ui.css">
</head>
<body>
<p style="font: 15px system-ui, sans-serif; margin: .75rem 1.5rem">
<a href="/">memflow-ts registry</a> · API reference ·
the OpenAPI document: <a id="openapi-json" href="${OPENAPI_JSON_PATH}">${OPENAPI_JSON_PATH}</a>
· Swagger UI ${swaggerPackage.version}
</p>
<div id="swagger-ui"></div>
<script src="/openapi/assets/swagger-ui-bundle.js"></script>
<script src="/openapi/assets/start.js"></script>
</body>
</html>`);
  response.headers.set("content-security-policy", POLICY);
  return response;
}

export function apiReferenceRoutes() {
  return new Elysia({ name: "api-reference" }).get("/openapi", referencePage, { detail: { hide: true } }).get(
    "/openapi/assets/:file",
    ({ params }) => {
      const asset = ASSETS.get(params.file);
      if (asset === undefined) throw new NotFoundError();
      return new Response(asset.body(), {
        headers: { "content-type": asset.type, "cache-control": "public, max-age=3600" },
      });
    },
    { detail: { hide: true } },
  );
}
