/**
 * Imports one TypeScript plugin file in its own process and prints what it defines, as one JSON
 * line: `{"descriptors": [...]}`, or `{"error": {"origin", "kind", "detail"}}` when it cannot be
 * used. A file whose top level throws, hangs or exits takes only this process with it.
 *
 * With `start` (argv[3]) each definition is also started once with no arguments — an OS over the
 * SDK's TypeScript dummy connector — and closed: one whose `create` fails as a bug does (anything
 * but a MemflowError, which the host reports as (…, Unknown)) makes the file unusable. A
 * MemflowError is the author's deliberate answer (an argument it needs, an input it cannot use)
 * and passes.
 */

import type { PluginDescriptorInfo } from "@memflow-ts/analyzer";
import { type Inventory, MemflowError } from "@memflow-ts/core";
import { dummyConnector } from "../dummy-memory.ts";
import { openScriptPluginFile } from "./open-script-file.ts";

const path = process.argv[2] ?? "";
const start = process.argv[3] === "start";

/** Starts and closes one definition; throws when its create fails as a bug. */
function startOnce(inventory: Inventory, descriptor: PluginDescriptorInfo): void {
  try {
    if (descriptor.plugin_kind === "os") {
      const input = inventory.instantiateConnector(dummyConnector.name, undefined, ":size=8m");
      inventory.instantiateOs(descriptor.name, input).close();
    } else {
      inventory.instantiateConnector(descriptor.name).close();
    }
  } catch (error) {
    if (error instanceof MemflowError && error.kind !== "Unknown") return;
    // The host's (…, Unknown) already names the definition and the call; anything else is named here.
    const why =
      error instanceof MemflowError
        ? (error.detail ?? error.message)
        : `${descriptor.plugin_kind} ${descriptor.name} failed to start: ${String(error)}`;
    throw new MemflowError(descriptor.plugin_kind === "os" ? "OsLayer" : "Connector", "Unknown", `${path}: ${why}`, {
      cause: error,
    });
  }
}

try {
  const { inventory, descriptors } = openScriptPluginFile(path);
  if (start) {
    // The dummy input is registered after the file's own definitions: a file's "dummy" stays the file's.
    if (!descriptors.some((descriptor) => descriptor.name === dummyConnector.name)) inventory.register(dummyConnector);
    for (const descriptor of descriptors) startOnce(inventory, descriptor);
  }
  inventory.close();
  process.stdout.write(`${JSON.stringify({ descriptors })}\n`);
} catch (error) {
  const reported =
    error instanceof MemflowError
      ? { origin: error.origin, kind: error.kind, detail: error.detail }
      : { origin: "Inventory", kind: "UnableToLoadLibrary", detail: `unable to import ${path}: ${String(error)}` };
  process.stdout.write(`${JSON.stringify({ error: reported })}\n`);
}
