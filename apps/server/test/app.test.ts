import { describe, expect, test } from "bun:test";
import { createApp, parseListenAddress, SERVER_VERSION } from "../src/index.ts";

describe("server app", () => {
  test("GET /health answers with the server version", async () => {
    const response = await createApp().handle(new Request("http://localhost/health"));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", version: SERVER_VERSION });
  });

  test("an unknown route is 404", async () => {
    const response = await createApp().handle(new Request("http://localhost/nope"));
    expect(response.status).toBe(404);
  });
});

describe("MEMFLOW_ADDR", () => {
  test("parses IPv4, names and bracketed IPv6", () => {
    expect(parseListenAddress("0.0.0.0:3000")).toEqual({ hostname: "0.0.0.0", port: 3000 });
    expect(parseListenAddress("localhost:0")).toEqual({ hostname: "localhost", port: 0 });
    expect(parseListenAddress("[::1]:8080")).toEqual({ hostname: "::1", port: 8080 });
  });

  test("rejects a missing port, a port out of range and a bare IPv6 address", () => {
    for (const bad of ["127.0.0.1", "127.0.0.1:70000", "::1:3000", ":3000", ""]) {
      expect(() => parseListenAddress(bad)).toThrow(/is not host:port/);
    }
  });
});
