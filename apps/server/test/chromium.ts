/** Headless Chromium for the browser tests (Debian `chromium`, driven by playwright-core). */
import { type Browser, chromium } from "playwright-core";
import type { ToolRequirement } from "../../../tooling/testing/require-tool.ts";

export function launchChromium(tool: ToolRequirement): Promise<Browser> {
  return chromium.launch({
    executablePath: tool.path ?? undefined,
    // Root in a container has no user namespaces for Chromium's sandbox.
    args: ["--no-sandbox", "--disable-dev-shm-usage"],
  });
}
