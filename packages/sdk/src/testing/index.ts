export type { CheckOsPluginOptions } from "./check-os-plugin.ts";
export { checkOsPluginFile, DEFAULT_INPUT_CONNECTOR } from "./check-os-plugin.ts";
export type { Check, CheckContext, CheckResult } from "./checks.ts";
export { CHECKS } from "./checks.ts";
export type { DescribePluginOptions, PluginTarget } from "./describe-plugin.ts";
export { describePlugin } from "./describe-plugin.ts";
export type { OsCheck, OsCheckContext, OsCheckSettings } from "./os-check-context.ts";
export { OS_CHECKS } from "./os-checks.ts";
