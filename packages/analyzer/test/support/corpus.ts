/**
 * Every committed fixture binary, plus files from the ELF builder and memflow's own dylib when
 * ../shared is present: the seeds the fuzz test mutates and the benchmark pads.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { MEMFLOW_DYLIB } from "../../../../tooling/testing/shared-fixtures.ts";
import { buildElf } from "./elf-builder.ts";
import { buildPe } from "./pe-builder.ts";

export const FIXTURES_DIR = join(import.meta.dir, "..", "fixtures");

export { MEMFLOW_DYLIB };

export interface CorpusFile {
  name: string;
  bytes: Uint8Array;
}

/** The committed fixture files (not READMEs or expectations), by path relative to the fixtures folder. */
export function fixtureFiles(): CorpusFile[] {
  if (!existsSync(FIXTURES_DIR)) return [];
  const files: CorpusFile[] = [];
  const walk = (directory: string) => {
    for (const entry of readdirSync(directory).sort()) {
      const path = join(directory, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (!entry.endsWith(".md") && !entry.endsWith(".json")) {
        files.push({ name: relative(FIXTURES_DIR, path), bytes: new Uint8Array(readFileSync(path)) });
      }
    }
  };
  walk(FIXTURES_DIR);
  return files;
}

const text = (value: string) => ({ text: value });

/** Builder-made files covering variants no committed fixture has (big-endian ELF, huge PE image bases, ...). */
export function builtFiles(): CorpusFile[] {
  const descriptors = [
    { exportName: "MEMFLOW_CONNECTOR_FUZZ", name: text("fuzz"), version: text("1.0.0"), description: text("fuzzing") },
    { exportName: "MEMFLOW_OS_FUZZ", name: text("fuzzos"), version: text("0.1.0"), description: text("") },
  ];
  const peExports = [
    { name: "MEMFLOW_OS_FORWARDED", forwarder: "other.MEMFLOW_OS_REAL" },
    ...descriptors.map(({ exportName, name, version, description }) => ({
      name: exportName,
      descriptor: { name, version, description },
    })),
  ];
  return [
    { name: "built/elf64-rela", bytes: buildElf({ storage: "rela", descriptors, vaddrDelta: 0x1000n }) },
    { name: "built/elf64-relr-gnu", bytes: buildElf({ storage: "relr", hash: "gnu", descriptors }) },
    { name: "built/elf32-rel", bytes: buildElf({ wide: false, storage: "rel", descriptors }) },
    { name: "built/elf64-be", bytes: buildElf({ little: false, machine: 21, storage: "rela", descriptors }) },
    {
      name: "built/elf64-sections",
      bytes: buildElf({ dynamicSegment: false, sectionHeaders: true, storage: "rela", descriptors }),
    },
    { name: "built/pe32plus-high-base", bytes: buildPe({ imageBase: 0x7ff0_0000_0000_0000n, exports: peExports }) },
    { name: "built/pe32", bytes: buildPe({ wide: false, exports: peExports }) },
  ];
}

export function memflowDylib(): CorpusFile[] {
  return existsSync(MEMFLOW_DYLIB)
    ? [{ name: "memflow/native.dylib", bytes: new Uint8Array(readFileSync(MEMFLOW_DYLIB)) }]
    : [];
}
