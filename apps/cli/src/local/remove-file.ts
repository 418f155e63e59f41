/** Removing a plugin's files; one that is already gone is fine. */
import { rmSync } from "node:fs";
import { fileFailure } from "../failure.ts";

export function removeFile(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch (error) {
    throw fileFailure("delete", path, error);
  }
}
