/**
 * A failed registry request: the registry's answer, or why there was none (`status` is set for
 * HTTP errors), and what to do about the answers people meet. Apart from the client so that
 * the error report can tell it apart without loading the client.
 */
import { CliFailure } from "../failure.ts";

export class RegistryRequestError extends CliFailure {
  override readonly name: string = "RegistryRequestError";
  readonly status: number | undefined;

  constructor(message: string, status: number | undefined, hints: readonly string[] = [], cause?: unknown) {
    super(message, hints, { cause });
    this.status = status;
  }
}

/** The error's own hints, else what an HTTP answer usually means (a refused token, a refused upload). */
export function registryNextSteps(error: RegistryRequestError): readonly string[] {
  if (error.hints.length > 0 || error.status === undefined) return error.hints;
  if (error.status === 401 || error.status === 403) {
    return ["the registry refused the token: pass its token with --token, or memflow-ts config set token <token>"];
  }
  if (error.status === 413) return ["the registry takes plugin files of at most 20 MiB"];
  if (/signature/i.test(error.message)) {
    return [
      "the registry does not trust this key: sign with the key whose public half is in its MEMFLOW_PUBLIC_KEY_FILE",
    ];
  }
  if (/descriptor|binary/i.test(error.message)) return ["the file is not a memflow plugin this registry accepts"];
  return [];
}
