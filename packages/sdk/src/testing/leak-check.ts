/**
 * The leak check connectors and OS plugins share: warm up, then repeat a create/drop cycle and
 * compare resident memory before and after. A leak of a plugin's state shows as growth far above
 * the allocator's noise; 32 MiB is that line for the cycle counts the checks use.
 */
import type { CheckResult } from "./check-result.ts";

const LIMIT = 32 * 1024 * 1024;

export function leakCheck(cycle: () => void, cycles: number, what: string): CheckResult {
  for (let index = 0; index < Math.min(100, cycles); index += 1) cycle();
  Bun.gc(true);
  const before = process.memoryUsage.rss();
  for (let index = 0; index < cycles; index += 1) cycle();
  Bun.gc(true);
  const growth = process.memoryUsage.rss() - before;
  return growth < LIMIT
    ? { ok: true, message: `${cycles} ${what}, resident memory grew ${(growth / 1024).toFixed(0)} KiB` }
    : { ok: false, message: `${cycles} ${what} grew resident memory by ${(growth / 1048576).toFixed(1)} MiB` };
}
