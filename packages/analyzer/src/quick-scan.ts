/**
 * Quick scans: a common plugin file read straight through, for `analyzeFileSync`, whose callers
 * (a directory scan, an upload) are fresh processes that analyse a few hundred files before
 * the JIT has compiled anything (docs/decisions/0026-quick-scans.md).
 *
 * A quick scan answers only where the full parser gives the same answer, and gives the file to
 * the full parser otherwise, which reads it again from its first bytes and says what is wrong.
 * The fuzz test holds the two equal on mutated files (`fuzz.test.ts`).
 */
import type { PluginDescriptorInfo } from "./descriptor-info.ts";
import { quickScanElf } from "./elf-quick-scan.ts";
import { quickScanMachO } from "./macho-quick-scan.ts";
import { quickScanPe } from "./pe-quick-scan.ts";
import { finishRead, startRead } from "./quick-read.ts";
import type { SyncRandomAccessReader } from "./read-on-demand.ts";

/**
 * The descriptors of a common ELF, PE or Mach-O plugin, read from `reader` after `first` (its first
 * bytes, as `readFirst` returns them); `undefined` when the full parser must read the file.
 */
export function quickScan(reader: SyncRandomAccessReader, first: Uint8Array): PluginDescriptorInfo[] | undefined {
  // Every header a quick scan reads first lies in the first 64 bytes.
  if (first.length < 64) return undefined;
  const elf = first[0] === 0x7f && first[1] === 0x45 && first[2] === 0x4c && first[3] === 0x46;
  const pe = first[0] === 0x4d && first[1] === 0x5a;
  // A thin little-endian Mach-O image (MH_MAGIC or MH_MAGIC_64 stored little-endian).
  const machO = (first[0] === 0xce || first[0] === 0xcf) && first[1] === 0xfa && first[2] === 0xed && first[3] === 0xfe;
  if ((!elf && !pe && !machO) || !startRead(reader, first)) return undefined;
  try {
    return elf ? quickScanElf() : pe ? quickScanPe() : quickScanMachO();
  } catch {
    // GIVE_UP, an AnalyzeError from a shared reader, or a failed read: the full parser starts
    // again and reports whatever is wrong in its own words.
    return undefined;
  } finally {
    finishRead();
  }
}
