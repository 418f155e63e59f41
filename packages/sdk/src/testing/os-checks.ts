/** Every conformance check for OS plugins, in the order they run. */
import type { OsCheck } from "./os-check-context.ts";
import { OS_LIFETIME_CHECKS } from "./os-lifetime-checks.ts";
import { OS_MEMORY_CHECKS } from "./os-memory-checks.ts";
import { OS_PROCESS_CHECKS } from "./os-process-checks.ts";

export const OS_CHECKS: readonly OsCheck[] = [...OS_PROCESS_CHECKS, ...OS_MEMORY_CHECKS, ...OS_LIFETIME_CHECKS];
