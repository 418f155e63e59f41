/**
 * One side of the realistic scan, run as a fresh process by `scan-realistic.ts`:
 * `bun bench/scan-process.ts analyze|read|read-into|start <file listing paths>`. `analyze` runs
 * `analyzeFileSync` on every file; `read` reads every byte of every file (`readFileSync`, what
 * memflow does before it parses); `read-into` reads every byte into one buffer allocated once
 * (the same reads without allocating or faulting in new memory); `start` only reads the
 * listing, the floor all pay. Two more modes, run by hand, take a fresh scan apart: `syscalls`
 * issues what `analyze` asks the system for (open, fstat, a 16 KiB read and three of 4 KiB
 * further in, close) without parsing; `map-parse` maps each file (`Bun.mmap`) and parses it
 * from memory in one run, without the driver's reads and re-runs. Prints
 * what it read as JSON, with when (ms since the process started) its work began and ended, and
 * the CPU time the work took across all threads (the JIT compiles on its own threads).
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync } from "node:fs";
import { openFileReader } from "../src/fs.ts";
import { analyzeFileSync, parseDescriptors } from "../src/index.ts";
import { readEveryByteInto } from "./read-every-byte.ts";

// Imports are hoisted: by now the runtime has started and loaded the analyzer.
const readyMs = Bun.nanoseconds() / 1e6;
const cpuAtStart = process.cpuUsage();
const [mode, listing = ""] = process.argv.slice(2);
const paths = readFileSync(listing, "utf8").split("\n").filter(Boolean);
let bytesRead = 0;
let reads = 0;
let descriptors = 0;
if (mode === "analyze") {
  for (const path of paths) {
    const reader = openFileReader(path);
    try {
      descriptors += analyzeFileSync(reader).length;
    } finally {
      reader.close();
    }
    bytesRead += reader.bytesRead;
    reads += reader.reads;
  }
} else if (mode === "read") {
  for (const path of paths) {
    bytesRead += readFileSync(path).length;
    reads += 1;
  }
} else if (mode === "read-into") {
  const buffer = new Uint8Array(64 * 1024 * 1024);
  for (const path of paths) {
    bytesRead += readEveryByteInto(path, buffer);
    reads += 1;
  }
} else if (mode === "syscalls") {
  const buffer = new Uint8Array(16 * 1024);
  for (const path of paths) {
    const fd = openSync(path, "r");
    try {
      const size = fstatSync(fd).size;
      bytesRead += readSync(fd, buffer, 0, buffer.length, 0);
      for (const at of [size / 3, size / 2, (2 * size) / 3]) bytesRead += readSync(fd, buffer, 0, 4096, Math.floor(at));
      reads += 4;
    } finally {
      closeSync(fd);
    }
  }
} else if (mode === "map-parse") {
  for (const path of paths) descriptors += parseDescriptors(Bun.mmap(path, { shared: false })).length;
} else if (mode !== "start") {
  throw new Error(`unknown mode ${mode}: analyze, read, read-into, start, syscalls or map-parse`);
}
const doneMs = Bun.nanoseconds() / 1e6;
const cpu = process.cpuUsage(cpuAtStart);
const cpuMs = (cpu.user + cpu.system) / 1000;
console.log(JSON.stringify({ files: paths.length, bytesRead, reads, descriptors, readyMs, doneMs, cpuMs }));
