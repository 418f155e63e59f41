/**
 * Why the scan skipped a file or a descriptor, as findings: ABI version (plugin_version != 1),
 * architecture or file type, damaged or non-library files, files without a descriptor, and the
 * same file reached twice.
 */
import { AnalyzeError, type PluginDescriptorInfo } from "@memflow-ts/analyzer";
import { analyzeFileSync } from "@memflow-ts/analyzer/fs";
import type { RejectedPlugin } from "@memflow-ts/core/catalogue";
import {
  type Host,
  hostLabel,
  MEMFLOW_PLUGIN_VERSION,
  sameArchitecture,
  targetLabel,
} from "@memflow-ts/core/plugin-files";
import { descriptorTitle } from "../describe.ts";
import type { Finding } from "./finding.ts";

function descriptorsOf(rejected: RejectedPlugin): PluginDescriptorInfo[] {
  try {
    const descriptors = analyzeFileSync(rejected.path);
    return rejected.exportName === undefined
      ? descriptors
      : descriptors.filter((descriptor) => descriptor.export_name === rejected.exportName);
  } catch {
    return [];
  }
}

/** A finding per descriptor the rejection is about (`refused`), or a generic one when none is found. */
function descriptorFindings(
  rejected: RejectedPlugin,
  code: string,
  refused: (descriptor: PluginDescriptorInfo) => boolean,
  explain: (descriptor: PluginDescriptorInfo) => { problem: string; fix: string },
): Finding[] {
  const descriptors = descriptorsOf(rejected).filter(refused);
  if (descriptors.length === 0) return [genericFinding(rejected, code)];
  return descriptors.map((descriptor) => {
    const { problem, fix } = explain(descriptor);
    const message = `${rejected.path}: ${descriptor.export_name} (${descriptorTitle(descriptor)}) ${problem}`;
    return { severity: "error", code, path: rejected.path, message, fix };
  });
}

function abiFindings(rejected: RejectedPlugin): Finding[] {
  return descriptorFindings(
    rejected,
    "abi-mismatch",
    (descriptor) => descriptor.plugin_version !== MEMFLOW_PLUGIN_VERSION,
    (descriptor) => ({
      problem: `has plugin_version ${descriptor.plugin_version}; memflow 0.2 loads only plugin_version ${MEMFLOW_PLUGIN_VERSION}`,
      fix:
        `Install a build for memflow 0.2 ('memflow-ts pull ${descriptor.name}' picks plugin_version ` +
        `${MEMFLOW_PLUGIN_VERSION}) or rebuild the plugin against memflow 0.2, then remove this file.`,
    }),
  );
}

function architectureFindings(rejected: RejectedPlugin, host: Host): Finding[] {
  const hostTarget = hostLabel(host);
  return descriptorFindings(
    rejected,
    "architecture-mismatch",
    (descriptor) =>
      descriptor.file_type !== host.fileType || !sameArchitecture(descriptor.architecture, host.architecture),
    (descriptor) => ({
      problem: `was built for ${targetLabel(descriptor)}; this machine loads ${hostTarget} plugins`,
      fix: `Install the ${hostTarget} build ('memflow-ts pull ${descriptor.name}' picks it), then remove this file.`,
    }),
  );
}

function genericFinding(rejected: RejectedPlugin, code: string): Finding {
  return {
    severity: "error",
    code,
    path: rejected.path,
    message: `memflow skips ${rejected.path}: ${rejected.error.message}`,
    fix: "Reinstall the plugin, or remove the file.",
  };
}

function unreadableFinding(rejected: RejectedPlugin): Finding {
  const cause = rejected.error.cause;
  if (!(cause instanceof AnalyzeError)) return genericFinding(rejected, "unreadable");
  if (cause.kind === "bad-magic") {
    return {
      severity: "warning",
      code: "not-a-library",
      path: rejected.path,
      message: `${rejected.path} is not an ELF, PE or Mach-O file; memflow skips it`,
      fix: "Remove it or give it another extension if it does not belong in a plugin directory.",
    };
  }
  return {
    severity: "error",
    code: "damaged",
    path: rejected.path,
    message: `${rejected.path} cannot be analysed (${cause.kind}: ${cause.message}); memflow skips it`,
    fix: "The file is damaged or truncated: reinstall the plugin ('memflow-ts pull <name>') or remove the file.",
  };
}

/**
 * One or more findings per rejection. `metaProblems` are the files whose `.meta` was reported
 * already: their rejection is that problem, not another.
 */
export function rejectionFindings(
  rejections: readonly RejectedPlugin[],
  host: Host,
  metaProblems: ReadonlySet<string>,
): Finding[] {
  return rejections.flatMap((rejected): Finding[] => {
    switch (rejected.error.kind) {
      case "VersionMismatch":
        return abiFindings(rejected);
      case "InvalidArchitecture":
        return architectureFindings(rejected, host);
      case "InvalidExeFile":
        return [
          {
            severity: "note",
            code: "not-a-plugin",
            path: rejected.path,
            message: `${rejected.path} has no memflow descriptor; memflow skips it`,
            fix: "Nothing to do if it is a helper library (such as leechcore beside pcileech).",
          },
        ];
      case "AlreadyExists":
        return [
          {
            severity: "note",
            code: "same-file",
            path: rejected.path,
            message: `${rejected.error.detail ?? rejected.error.message}; memflow 0.2.4 lists it twice`,
            fix: "Harmless; drop the duplicate directory from MEMFLOW_PLUGIN_PATH (or run from elsewhere) to silence it.",
          },
        ];
      case "UnableToReadFile":
        return metaProblems.has(rejected.path) ? [] : [unreadableFinding(rejected)];
      default:
        return [genericFinding(rejected, "rejected")];
    }
  });
}
