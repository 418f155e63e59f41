import { afterAll, describe, expect, test } from "bun:test";
import { requireTool } from "../../../tooling/testing/require-tool.ts";
import { escapeHtml, html } from "../src/web/html.ts";
import { fixture, type Registry, rebuilt, registry, sha256 } from "./helpers.ts";
import { namedPlugin } from "./named-plugin.ts";

const r: Registry = registry();
afterAll(() => r.dispose());
const gcc = fixture("elf/x86_64-gcc.so");
await r.upload(gcc);
await r.upload(rebuilt(gcc, 1));
await r.upload(fixture("elf/x86_64-multi.so"));

const text = async (path: string) => {
  const response = await r.fetch(path);
  return { status: response.status, type: response.headers.get("content-type"), body: await response.text() };
};

describe("web UI", () => {
  test("the plugin list links every plugin", async () => {
    const page = await text("/");
    expect(page.status).toBe(200);
    expect(page.type).toBe("text/html; charset=utf-8");
    expect(page.body).toStartWith("<!doctype html>");
    for (const name of ["alpha", "beta", "gcc_x86_64"])
      expect(page.body).toContain(`<a href="/ui/plugins/${name}">${name}</a>`);
    expect(page.body).toContain("3 plugins");
  });

  test("search filters by name and description", async () => {
    const page = await text("/?q=GCC");
    expect(page.body).toContain("1 of 3 plugins match “GCC”");
    expect(page.body).toContain("/ui/plugins/gcc_x86_64");
    expect(page.body).not.toContain("/ui/plugins/alpha");
    expect((await text("/?q=second")).body).toContain("/ui/plugins/beta");
  });

  test("a plugin page shows every variant with its download link", async () => {
    const page = await text("/ui/plugins/gcc_x86_64");
    expect(page.status).toBe(200);
    for (const file of [gcc, rebuilt(gcc, 1)]) {
      expect(page.body).toContain(`<code title="${sha256(file)}">${sha256(file)}</code>`);
      expect(page.body).toContain(`href="/files/${sha256(file)}"`);
    }
    expect(page.body).toContain("<td>0.1.0</td>");
    expect(page.body).toContain("<td>x86_64</td>");
    expect((await text("/ui/plugins/nothing")).status).toBe(404);
  });

  test("a repeated search is a 400, not a fault of the server", async () => {
    expect(await text("/?q=a&q=b")).toMatchObject({ status: 400, body: "q: give one search" });
  });

  test("the inventory link is absent while the inventory is off", async () => {
    expect((await text("/")).body).not.toContain("/ui/inventory");
  });
});

describe("escaping", () => {
  test("interpolated values are escaped, nested markup is not", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    expect(html`<p>${"<b>"}${html`<i>${"&"}</i>`}</p>`.text).toBe("<p>&lt;b&gt;<i>&amp;</i></p>");
  });

  const gccTool = requireTool("gcc", "gcc");
  test.skipIf(!gccTool.available)("a plugin whose description is HTML shows it as text", async () => {
    const hostile = await namedPlugin("hostile", "1.0.0", "<script>alert(1)</script>");
    expect(await (await r.upload(hostile)).json()).toBe("Added");
    for (const path of ["/", "/ui/plugins/hostile"]) {
      const page = await text(path);
      expect(page.body).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
      expect(page.body).not.toContain("<script>");
    }
  });
});

describe("OpenAPI", () => {
  test("documents every registry route", async () => {
    const response = await r.fetch("/openapi/json");
    expect(response.status).toBe(200);
    const spec = (await response.json()) as { info: { title: string }; paths: Record<string, Record<string, unknown>> };
    expect(spec.info.title).toBe("memflow-ts-server");
    const routes = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m} ${path}`),
    );
    for (const route of [
      "get /health",
      "get /plugins",
      "get /plugins/{name}",
      "get /files/{digest}",
      "get /files/{digest}/metadata",
      "post /files",
      "delete /files/{digest}",
      "get /",
      "get /ui/plugins/{name}",
    ]) {
      expect(routes).toContain(route);
    }
  });

  test("serves the API reference page", async () => {
    const page = await text("/openapi");
    expect(page.status).toBe(200);
    expect(page.type).toStartWith("text/html");
  });
});
