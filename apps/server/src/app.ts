/**
 * The HTTP application, built by a factory that never listens: tests call `app.handle()`
 * in-process and `main.ts` binds it to a socket. Routes, bodies and status codes follow
 * memflow-registry 0.1 so memflowup and the connectors' CI cannot tell the difference, except
 * where README.md lists a deliberate fix.
 */
import { Elysia } from "elysia";
import packageJson from "../package.json" with { type: "json" };
import { checkBearerToken } from "./bearer-token.ts";
import { fileResponse } from "./http/download.ts";
import { errorResponse } from "./http/error-response.ts";
import { parseFindQuery } from "./http/find-query.ts";
import { readUploadForm } from "./http/upload-body.ts";
import type { PluginStore } from "./storage/plugin-store.ts";
import { checkedDigest, RegistryError } from "./storage/registry-error.ts";

export const SERVER_VERSION: string = packageJson.version;

export interface AppOptions {
  store: PluginStore;
  /** Required on uploads and deletes; undefined lets anyone write (`--insecure`). */
  bearerToken?: string | undefined;
  /** Receives one line per upload, delete and refused write. Never sees the token. */
  log?: (line: string) => void;
}

export function createApp({ store, bearerToken, log = () => {} }: AppOptions) {
  const authorize = (request: Request, action: string) => {
    try {
      checkBearerToken(request.headers.get("authorization"), bearerToken);
    } catch (error) {
      if (error instanceof RegistryError) log(`refused ${action}: ${error.message}`);
      throw error;
    }
  };

  return new Elysia({ name: "memflow-ts-server" })
    .onError(({ error, request }) => {
      if (error instanceof RegistryError) return errorResponse(request, error);
    })
    .get("/health", ({ set }) => {
      // JSON strings, as axum's Json("Ok") sends them: memflowup parses these bodies as JSON.
      if (store.healthy()) return Response.json("Ok");
      set.status = 503;
      return { Error: "database unhealthy" };
    })
    .get("/plugins", () => ({ plugins: store.names() }))
    .get("/plugins/:name", ({ params, query }) => {
      const params_ = parseFindQuery(query);
      const { plugins, total } = store.find(params.name, params_);
      return { plugins, skip: params_.skip, total };
    })
    .get("/files/:digest", ({ params, request }) =>
      fileResponse(request, Bun.file(store.pluginPath(checkedDigest(params.digest))), params.digest),
    )
    .get(
      "/files/:digest/metadata",
      ({ params }) =>
        new Response(store.metadataText(checkedDigest(params.digest)), {
          headers: { "content-type": "application/json" },
        }),
    )
    .post(
      "/files",
      async ({ request }) => {
        authorize(request, "upload");
        const { file, signature } = await readUploadForm(request);
        const result = store.upload(file, signature);
        log(`upload: ${result} (${file.byteLength} bytes)`);
        return Response.json(result);
      },
      { parse: "none" },
    )
    .delete("/files/:digest", ({ params, request }) => {
      authorize(request, "delete");
      store.delete(checkedDigest(params.digest));
      log(`deleted ${params.digest}`);
      return new Response(null, { status: 200 });
    });
}

export type App = ReturnType<typeof createApp>;
