/**
 * Imports one TypeScript plugin file in its own process and prints what it defines, as one JSON
 * line: `{"descriptors": [...]}`, or `{"error": {"origin", "kind", "detail"}}` when it cannot be
 * used. A file whose top level throws, hangs or exits takes only this process with it.
 */
import { MemflowError } from "@memflow-ts/core";
import { openScriptPluginFile } from "./open-script-file.ts";

const path = process.argv[2] ?? "";
try {
  const { inventory, descriptors } = openScriptPluginFile(path);
  inventory.close();
  process.stdout.write(`${JSON.stringify({ descriptors })}\n`);
} catch (error) {
  const reported =
    error instanceof MemflowError
      ? { origin: error.origin, kind: error.kind, detail: error.detail }
      : { origin: "Inventory", kind: "UnableToLoadLibrary", detail: `unable to import ${path}: ${String(error)}` };
  process.stdout.write(`${JSON.stringify({ error: reported })}\n`);
}
