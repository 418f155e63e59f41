export type { Check, CheckContext, CheckResult } from "./checks.ts";
export { CHECKS } from "./checks.ts";
export type { DescribePluginOptions, PluginTarget } from "./describe-plugin.ts";
export { describePlugin } from "./describe-plugin.ts";
