/**
 * Tells the store when a plugin's files change behind its back (an operator's edit, a disk that
 * damaged a `.meta`, a file removed), so listings stop offering what the folder no longer holds
 * without a request having to look. Events are hints: the store checks the files themselves.
 */
import { type FSWatcher, watch } from "node:fs";
import { storedFileName } from "./storage-layout.ts";

export interface FolderWatcher {
  close(): void;
}

/** Calls `changed` with the digest of each `<digest>.meta` or `<digest>.plugin` that changes. */
export function watchStorageFolder(
  root: string,
  changed: (digest: string) => void,
  warn: (message: string) => void,
): FolderWatcher {
  const notWatching = (error: unknown) =>
    warn(
      `not watching ${root} for changes (${(error as Error).message}): a damaged .meta is noticed when it is served`,
    );
  let watcher: FSWatcher;
  try {
    // Not persistent: an open store alone does not keep a process running.
    watcher = watch(root, { persistent: false }, (_event, name) => {
      const stored = name === null ? undefined : storedFileName(String(name));
      if (stored) changed(stored.digest);
    });
  } catch (error) {
    notWatching(error);
    return { close() {} };
  }
  watcher.on("error", notWatching);
  return watcher;
}
