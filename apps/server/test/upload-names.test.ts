/**
 * Issue 13, item 5: an upload's plugin names follow memflow's plugin-name rule and its versions
 * are short and printable; anything else is a 400 that states the rule, and nothing is stored.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { isPrintable, PLUGIN_NAME_MAX_LENGTH, PLUGIN_VERSION_MAX_LENGTH } from "@memflow-ts/core/plugin-files";
import { requireTool } from "../../../tooling/testing/require-tool.ts";
import { type Registry, registry } from "./helpers.ts";
import { namedPlugin } from "./named-plugin.ts";

const gcc = requireTool("gcc", "gcc");
const r: Registry = registry();
afterAll(() => r.dispose());

const RULE = "must be letters, digits and '_' only";
/** Names memflow-ts could never install or look up, as the issue found them accepted. */
const BAD_NAMES: Record<string, string> = {
  empty: "",
  slash: "a/b",
  colon: "qemu:latest",
  "CR/LF": "evil\r\nX-Injected: 1",
  dash: "gcc-x86_64",
  escape: "evil\u001b]0;owned\u0007",
};

describe("upload checks of plugin names and versions", () => {
  test.skipIf(!gcc.available)("refuses each name that breaks the rule with 400 and the rule", async () => {
    const files = await Promise.all(Object.values(BAD_NAMES).map((name) => namedPlugin(name)));
    for (const [index, file] of files.entries()) {
      const response = await r.upload(file);
      const text = await response.text();
      expect({ case: Object.keys(BAD_NAMES)[index], status: response.status }).toEqual({
        case: Object.keys(BAD_NAMES)[index],
        status: 400,
      });
      expect(text).toStartWith("Memflow error: plugin name ");
      expect(text).toContain(RULE);
      // What the client prints is one line with no terminal controls.
      expect(isPrintable(text)).toBe(true);
    }
    expect(r.store.names()).toEqual([]);
  });

  test.skipIf(!gcc.available)("refuses a 5,000-character name without repeating it", async () => {
    const response = await r.upload(await namedPlugin("a".repeat(5000)));
    const text = await response.text();
    expect([response.status, text]).toEqual([
      400,
      `Memflow error: a plugin name of 5000 characters is too long: at most ${PLUGIN_NAME_MAX_LENGTH}`,
    ]);
  });

  test.skipIf(!gcc.available)(
    "refuses an empty, overlong or control-character version; takes a valid one",
    async () => {
      const versions = ["", "1".repeat(PLUGIN_VERSION_MAX_LENGTH + 1), "1.0\r\n", "1.0\u001b[31m", "1.0\u2028"];
      const files = await Promise.all(versions.map((version) => namedPlugin("good_name", version)));
      for (const file of files) {
        const response = await r.upload(file);
        const text = await response.text();
        expect(response.status).toBe(400);
        expect(text).toStartWith("Memflow error: version ");
        expect(isPrintable(text)).toBe(true);
      }
      expect(r.store.names()).toEqual([]);
      const good = await r.upload(await namedPlugin("good_name", "1.0.0-beta.1+git.0123456789abcdef"));
      expect(await good.json()).toBe("Added");
    },
  );
});
