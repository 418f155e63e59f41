/**
 * A `size` argument in memflow's size syntax, with memflow's `parse_size` errors:
 * (Connector, InvalidMemorySizeUnit / InvalidMemorySize). The dummy connector and the dummy OS
 * written in TypeScript both take one.
 */
import { MemflowError, parseMemflowSize } from "@memflow-ts/core";

export function parseSizeArgument(text: string): bigint {
  const parsed = parseMemflowSize(text);
  if ("error" in parsed) {
    throw new MemflowError(
      "Connector",
      parsed.error === "unit" ? "InvalidMemorySizeUnit" : "InvalidMemorySize",
      `size ${JSON.stringify(text)}`,
    );
  }
  return parsed.value;
}
