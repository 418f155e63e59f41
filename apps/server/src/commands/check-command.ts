/**
 * `memflow-ts-server check`: opens the configured storage (the folder's lock, or PostgreSQL + the
 * bucket), checks it (storage/check-store.ts) and prints a line per problem, naming the digest.
 * Answers the exit code: 0 when consistent, 1 when any listed file is wrong.
 */
import { checkStore } from "../storage/check-store.ts";
import type { RegistryStore } from "../storage/registry-store.ts";
import type { SignatureCheck } from "../storage/upload-analysis.ts";

export async function runCheck(
  store: RegistryStore,
  verify: SignatureCheck | undefined,
  write: (line: string) => void,
): Promise<0 | 1> {
  const report = await checkStore(store, verify);
  for (const { digest, problem } of report.problems) write(`${digest}: ${problem}`);
  const signatures = verify === undefined ? "signatures not checked (no public key given)" : "signatures checked";
  write(
    `checked ${report.indexed} listed plugin files (${signatures}; ${report.unsigned} unsigned, imported without a .meta): ` +
      `${report.problems.length} wrong; ${report.unlisted.length} stored files no index row lists (never served)`,
  );
  return report.problems.length === 0 ? 0 : 1;
}
