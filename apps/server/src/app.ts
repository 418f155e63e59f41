/**
 * The HTTP application, built by a factory that never listens: tests call `app.handle()`
 * in-process and `main.ts` binds it to a socket.
 */
import { Elysia } from "elysia";
import packageJson from "../package.json" with { type: "json" };

export const SERVER_VERSION: string = packageJson.version;

export function createApp() {
  return new Elysia({ name: "memflow-ts-server" }).get("/health", () => ({
    status: "ok" as const,
    version: SERVER_VERSION,
  }));
}

export type App = ReturnType<typeof createApp>;
