/**
 * gcc's AddressSanitizer and UBSan for tests that run C code under them: the flags, and whether
 * this machine has their runtimes (a fresh one may lack libasan/libubsan; see require-tool.ts).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/** Any sanitizer report ends the program with an error; frame pointers keep its stacks readable. */
export const SANITIZER_FLAGS = [
  "-fsanitize=address,undefined",
  "-fno-sanitize-recover=undefined",
  "-fno-omit-frame-pointer",
] as const;

/** Leaks fail the run, and the first report stops it. */
export const SANITIZER_ENV = { ASAN_OPTIONS: "detect_leaks=1:halt_on_error=1" } as const;

/** Whether gcc can build and run an empty program with the sanitizers, trying it in `scratch`. */
export function sanitizersWork(scratch: string): boolean {
  const source = join(scratch, "sanitizer-probe.c");
  const program = join(scratch, "sanitizer-probe");
  writeFileSync(source, "int main(void) { return 0; }\n");
  const built = Bun.spawnSync(["gcc", ...SANITIZER_FLAGS, "-o", program, source], { stderr: "pipe" });
  return built.exitCode === 0 && Bun.spawnSync([program], { env: { ...process.env, ...SANITIZER_ENV } }).exitCode === 0;
}
