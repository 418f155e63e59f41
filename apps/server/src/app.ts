/**
 * The HTTP application, built by a factory that never listens: tests call `app.handle()`
 * in-process and `main.ts` binds it to a socket. Routes, bodies and status codes follow
 * memflow-registry 0.1 so memflowup and the connectors' CI cannot tell the difference, except
 * where README.md lists a deliberate fix.
 */
import { openapi } from "@elysiajs/openapi";
import { Elysia } from "elysia";
import packageJson from "../package.json" with { type: "json" };
import { AuthError } from "./auth-error.ts";
import { checkBearerToken } from "./bearer-token.ts";
import { OPENAPI_COMPONENTS } from "./http/api-docs.ts";
import { digestParam } from "./http/digest-param.ts";
import { fileResponse } from "./http/download.ts";
import { errorResponse } from "./http/errors.ts";
import { FileCache } from "./http/file-cache.ts";
import { findQuery } from "./http/find-query.ts";
import { healthDetail, wantsJson } from "./http/health.ts";
import { registryDocs } from "./http/registry-docs.ts";
import { jsonResponse, ResponseCache } from "./http/response-cache.ts";
import { receiveUpload } from "./http/upload-body.ts";
import { DEFAULT_UPLOAD_MIB_PER_SECOND, UploadRate } from "./http/upload-rate.ts";
import { UploadSlots } from "./http/upload-slots.ts";
import { type InventoryAccess, inventoryRoutes } from "./inventory/inventory-routes.ts";
import { osRoutes } from "./inventory/os-routes.ts";
import { SessionPool } from "./inventory/session-pool.ts";
import { ObjectCount } from "./storage/object-count.ts";
import { type RegistryStore, whenReady } from "./storage/registry-store.ts";
import { apiReferenceRoutes } from "./web/api-reference.ts";
import { downloadFileName } from "./web/download-name.ts";
import { webRoutes } from "./web/web-routes.ts";

export const SERVER_VERSION: string = packageJson.version;

export interface AppOptions {
  /** The embedded PluginStore or the shared store (storage/open-store.ts). */
  store: RegistryStore;
  /** Required on uploads and deletes; undefined lets anyone write (`--insecure`). */
  bearerToken?: string | undefined;
  /** Receives one line per upload, delete, refused write and internal error. Never sees the token. */
  log?: (line: string) => void;
  /** Uploads received at once; one more is answered 503 with Retry-After (default 16). */
  maxUploads?: number | undefined;
  /** Upload bytes taken in per second, all uploads together (default 64 MiB/s; 0: no limit). */
  uploadBytesPerSecond?: number | undefined;
  /** Enables the inventory API and page; absent (the default) leaves them out entirely. */
  inventory?: InventoryAccess | undefined;
  /**
   * The inventory's session pool (default: a new one that writes its plugins' log records to
   * `log`); the caller closes it on shutdown.
   */
  sessions?: SessionPool | undefined;
}

export function createApp({ store, bearerToken, log = () => {}, inventory, sessions, ...uploading }: AppOptions) {
  const authorize = (request: Request, action: string) => {
    try {
      checkBearerToken(request.headers.get("authorization"), bearerToken);
    } catch (error) {
      if (error instanceof AuthError) log(`refused ${action}: ${error.message}`);
      throw error;
    }
  };

  const docs = registryDocs(bearerToken !== undefined);
  const pool = inventory && (sessions ?? new SessionPool(inventory.source, { log }));
  const listings = new ResponseCache();
  const objects = new ObjectCount(store);
  const files = new FileCache();
  const uploads = new UploadSlots(uploading.maxUploads);
  const uploadRate = new UploadRate(uploading.uploadBytesPerSecond ?? DEFAULT_UPLOAD_MIB_PER_SECOND * 1024 * 1024);
  const app = new Elysia({ name: "memflow-ts-server" })
    .onError({ as: "global" }, ({ error, request }) => errorResponse(request, error, log))
    .use(
      openapi({
        // The viewer is served from the package by apiReferenceRoutes, not from a CDN.
        provider: null,
        documentation: {
          info: {
            title: "memflow-ts-server",
            version: SERVER_VERSION,
            description: "A memflow plugin registry, compatible with memflow-registry 0.1",
          },
          components: OPENAPI_COMPONENTS,
        },
      }),
    )
    .use(apiReferenceRoutes())
    .use(webRoutes(store, pool && inventory && { access: inventory, pool }))
    .get(
      "/health",
      ({ request }) => {
        const healthy = store.healthy();
        // memflowup's text unless JSON is asked for; then also how many listed files lack their object.
        if (wantsJson(request)) return healthDetail(healthy, objects.counts());
        // JSON strings, as axum's Json("Ok") sends them: memflowup parses these bodies as JSON.
        return healthy ? Response.json("Ok") : Response.json({ Error: "database unhealthy" }, { status: 503 });
      },
      { detail: docs.health },
    )
    .get(
      "/plugins",
      () =>
        jsonResponse(listings.get("", store.generation, () => whenReady(store.names(), (plugins) => ({ plugins })))),
      {
        detail: docs.names,
      },
    )
    .get(
      "/plugins/:name",
      ({ params, query: find }) => {
        const key = JSON.stringify([params.name, find]);
        return jsonResponse(
          listings.get(key, store.generation, () =>
            whenReady(store.find(params.name, find), ({ plugins, total }) => ({ plugins, skip: find.skip, total })),
          ),
        );
      },
      { query: findQuery, detail: docs.find },
    )
    .get(
      "/files/:digest",
      async ({ params: { digest }, request }) => {
        if (store.downloadRedirect) {
          // The URL expires: no cache may keep the redirect.
          const headers = { location: await store.downloadRedirect(digest), "cache-control": "no-store" };
          return new Response(null, { status: 302, headers });
        }
        // Another server may have deleted it since this one kept it in memory.
        await store.confirmStored?.(digest);
        const { body, name } = await files.get(digest, async () => {
          const { body, descriptor } = await store.download(digest);
          return {
            body,
            name: downloadFileName(descriptor?.name ?? "unknown", digest, descriptor?.file_type ?? "elf"),
          };
        });
        return fileResponse(request, body, digest, name);
      },
      { params: digestParam, detail: docs.download },
    )
    .get(
      "/files/:digest/metadata",
      async ({ params }) =>
        new Response(await store.metadataText(params.digest), {
          headers: { "content-type": "application/json" },
        }),
      { params: digestParam, detail: docs.metadata },
    )
    .post(
      "/files",
      async ({ request }) => {
        authorize(request, "upload");
        const release = uploads.take();
        try {
          const [result, size] = await receiveUpload(
            request,
            uploadRate,
            () => store.incomingFile(),
            async ({ file, signature }) => [await store.uploadReceived(file, signature), file.size] as const,
          );
          log(`upload: ${result} (${size} bytes)`);
          return Response.json(result);
        } finally {
          release();
        }
      },
      // The handler reads the form itself, capped (http/upload-body.ts); detail documents it.
      { parse: "none", detail: docs.upload },
    )
    .delete(
      "/files/:digest",
      async ({ params, request }) => {
        authorize(request, "delete");
        await store.delete(params.digest);
        files.forget(params.digest);
        log(`deleted ${params.digest}`);
        return new Response(null, { status: 200 });
      },
      { params: digestParam, detail: docs.remove },
    );
  if (inventory === undefined || pool === undefined) return app;
  return app.use(inventoryRoutes(inventory, pool)).use(osRoutes(inventory, pool));
}

export type App = ReturnType<typeof createApp>;
