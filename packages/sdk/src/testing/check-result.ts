/** What a conformance check returns, connector or OS: plain data, as checks run in child processes. */
export interface CheckResult {
  readonly ok: boolean;
  readonly message: string;
}

export const pass = (message = "ok"): CheckResult => ({ ok: true, message });
export const fail = (message: string): CheckResult => ({ ok: false, message });
