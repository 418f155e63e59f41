/**
 * Setting and unsetting a key of memflowup's config (config.rs `set`/`unset`). Key files must
 * exist and hold a usable key and are stored as absolute paths with links resolved (memflowup's
 * `canonicalize`); a registry must be a URL. Unlike memflowup, an invalid value leaves the file
 * untouched and exits 1, and an unknown key is a usage error (exit 2).
 */
import { realpathSync } from "node:fs";
import { resolve } from "node:path";
import { UsageError } from "../command.ts";
import { CliFailure, fileFailure, withErrorContext } from "../failure.ts";
import { type CliContext, ExitCode } from "../io.ts";
import { printer } from "../output.ts";
import { registryUrl } from "../registry/registry-url.ts";
import { loadPrivateKey, loadPublicKey } from "../registry/signing-keys.ts";
import {
  type ConfigKey,
  isConfigKey,
  maskToken,
  readConfig,
  unknownKeyMessage,
  writeConfig,
} from "./memflowup-config.ts";

/** The value stored for `key`: checked, and for key files made absolute. */
function checkedValue(key: ConfigKey, value: string, context: CliContext): string {
  switch (key) {
    case "registry":
      registryUrl(value);
      return value;
    case "token":
      if (value === "") throw new CliFailure("the token is empty", ["unset it instead: memflow-ts config unset token"]);
      return value;
    case "pub_key_file":
    case "priv_key_file": {
      const path = resolve(context.cwd, value);
      let canonical: string;
      try {
        canonical = realpathSync(path);
      } catch (error) {
        throw fileFailure("find the key file", path, error);
      }
      if (key === "pub_key_file") loadPublicKey(canonical);
      else loadPrivateKey(canonical);
      return canonical;
    }
  }
}

/** Sets `key` to `value`, or unsets it when `value` is undefined, and says what it did. */
export async function changeConfig(
  context: CliContext,
  key: string,
  value: string | undefined,
  quiet: boolean,
): Promise<ExitCode> {
  const out = printer(context, { quiet });
  if (!isConfigKey(key)) throw new UsageError(unknownKeyMessage(key), { showUsage: false });
  return withErrorContext(`Error setting config option \`${key}\``, () => {
    const config = readConfig(context);
    config[key] = value === undefined ? null : checkedValue(key, value, context);
    writeConfig(context, config);
    const stored = config[key];
    if (stored === null) out.success(`Unset ${key}`);
    else out.success(`Set ${key} = ${JSON.stringify(key === "token" ? maskToken(stored) : stored)}`);
    return ExitCode.ok;
  });
}
