/** Headless Chromium for the browser tests (Debian `chromium`, driven by playwright-core). */
import { type Browser, chromium } from "playwright-core";
import type { ToolRequirement } from "../../../tooling/testing/require-tool.ts";
import type { App } from "../src/app.ts";

export function launchChromium(tool: ToolRequirement): Promise<Browser> {
  return chromium.launch({
    executablePath: tool.path ?? undefined,
    // Root in a container has no user namespaces for Chromium's sandbox.
    args: ["--no-sandbox", "--disable-dev-shm-usage"],
  });
}

/** An app listening on a free loopback port, and a browser to visit it. */
export interface ServedApp {
  readonly base: string;
  readonly browser: Browser;
  /** Closes the browser, then stops listening. */
  close(): Promise<void>;
}

export async function serveToChromium(app: App, tool: ToolRequirement): Promise<ServedApp> {
  const server = app.listen({ hostname: "127.0.0.1", port: 0 });
  const browser = await launchChromium(tool);
  return {
    base: `http://127.0.0.1:${server.server?.port}`,
    browser,
    async close() {
      await browser.close();
      await server.stop();
    },
  };
}
