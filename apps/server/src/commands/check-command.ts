/**
 * `memflow-ts-server check`: opens the configured storage (the folder's lock, or PostgreSQL + the
 * bucket), checks it (storage/check-store.ts) and prints a line per problem, naming the digest;
 * with `--collect-garbage`, removes the stored files no index row lists (shared storage).
 * Answers the exit code: 0 when consistent, 1 when any listed file is wrong.
 */
import { checkStore } from "../storage/check-store.ts";
import type { RegistryStore } from "../storage/registry-store.ts";
import type { SignatureCheck } from "../storage/upload-analysis.ts";

export async function runCheck(
  store: RegistryStore,
  verify: SignatureCheck | undefined,
  write: (line: string) => void,
  collectGarbageMinutes?: number,
): Promise<0 | 1> {
  const report = await checkStore(store, verify);
  for (const { digest, problem } of report.problems) write(`${digest}: ${problem}`);
  const signatures = verify === undefined ? "signatures not checked (no public key given)" : "signatures checked";
  write(
    `checked ${report.indexed} listed plugin files (${signatures}; ${report.unsigned} unsigned, imported without a .meta): ` +
      `${report.problems.length} wrong; ${report.unlisted.length} stored files no index row lists (never served)`,
  );
  if (collectGarbageMinutes !== undefined) {
    if (store.collectGarbage === undefined) {
      write("no garbage to collect: the embedded folder imports a .plugin without its .meta at start-up");
    } else {
      const removed = await store.collectGarbage(new Date(Date.now() - collectGarbageMinutes * 60_000));
      for (const digest of removed) write(`${digest}: removed, no index row lists it`);
      write(
        `removed ${removed.length} stored files no index row lists, written over ${collectGarbageMinutes} minutes ago`,
      );
    }
  }
  return report.problems.length === 0 ? 0 : 1;
}
