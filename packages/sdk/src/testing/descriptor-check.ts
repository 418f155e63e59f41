/**
 * The descriptor check connectors and OS plugins share: the file exports a descriptor of the kind,
 * `MEMFLOW_<KIND>_<NAME>` named after the plugin as memflow's macros name it, plugin_version 1
 * (memflow 0.2), and a name and a version.
 */
import type { PluginDescriptorInfo } from "@memflow-ts/analyzer";
import type { CheckResult } from "./check-result.ts";

const PREFIX = { connector: "MEMFLOW_CONNECTOR_", os: "MEMFLOW_OS_" } as const;

export function descriptorCheck(
  descriptors: readonly PluginDescriptorInfo[],
  kind: "connector" | "os",
  name: string,
): CheckResult {
  const ofKind = descriptors.filter((descriptor) => descriptor.plugin_kind === kind);
  const descriptor = ofKind.find((candidate) => candidate.name === name) ?? ofKind[0];
  if (!descriptor) return { ok: false, message: `the file exports no ${PREFIX[kind]}* descriptor` };
  const problems: string[] = [];
  const expected = `${PREFIX[kind]}${descriptor.name.toUpperCase()}`;
  if (descriptor.export_name !== expected) problems.push(`export ${descriptor.export_name} should be ${expected}`);
  if (descriptor.plugin_version !== 1)
    problems.push(`plugin_version is ${descriptor.plugin_version}, memflow 0.2 needs 1`);
  if (descriptor.version.trim() === "") problems.push("the version is empty");
  if (descriptor.name.trim() === "") problems.push("the name is empty");
  return problems.length === 0
    ? { ok: true, message: `${descriptor.export_name} ${descriptor.version}` }
    : { ok: false, message: problems.join("; ") };
}
