/**
 * Which storage the server opens, from the environment: PostgreSQL + an S3-compatible bucket when
 * `DATABASE_URL` and `S3_BUCKET` are set (the variables Bun itself reads), else the embedded folder.
 * Never half of each: an index in one place and files in another on one machine would be a
 * deployment nobody can back up consistently.
 */
import type { S3Options } from "bun";
import { ConfigError } from "../config-error.ts";

export interface SharedSettings {
  readonly databaseUrl: string;
  readonly s3: S3Options;
  /** Downloads answered with a redirect to a presigned URL valid this many seconds; absent: sent by the server. */
  readonly redirectSeconds?: number | undefined;
}

export const SHARED_USAGE = `Shared storage (several servers; the storage folder then only receives uploads):
  DATABASE_URL               PostgreSQL for the index (postgres://user:password@host:port/database)
  S3_BUCKET, S3_ENDPOINT, S3_REGION, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY
                             the S3-compatible bucket for plugin files (S3, R2, MinIO, Ceph)
  MEMFLOW_TS_S3_REDIRECT_SECONDS
                             answer downloads with a redirect to a presigned URL valid this long
                             (1-604800), instead of sending the bytes through the server`;

export function readSharedSettings(fromEnv: (name: string) => string | undefined): SharedSettings | undefined {
  const databaseUrl = fromEnv("DATABASE_URL");
  const bucket = fromEnv("S3_BUCKET");
  if (databaseUrl === undefined && bucket === undefined) return undefined;
  if (databaseUrl === undefined || bucket === undefined) {
    throw new ConfigError(
      databaseUrl === undefined
        ? "S3_BUCKET is set but DATABASE_URL is not: shared storage keeps its index in PostgreSQL; set DATABASE_URL too, or unset S3_BUCKET for the embedded folder"
        : "DATABASE_URL is set but S3_BUCKET is not: shared storage keeps plugin files in an S3-compatible bucket; set S3_BUCKET (and S3_ENDPOINT, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_REGION), or unset DATABASE_URL for the embedded folder",
    );
  }
  const s3: S3Options = { bucket };
  const optional = {
    endpoint: "S3_ENDPOINT",
    region: "S3_REGION",
    accessKeyId: "S3_ACCESS_KEY_ID",
    secretAccessKey: "S3_SECRET_ACCESS_KEY",
  } as const;
  for (const [option, variable] of Object.entries(optional)) {
    const value = fromEnv(variable);
    if (value !== undefined) s3[option as keyof typeof optional] = value;
  }
  const redirect = fromEnv("MEMFLOW_TS_S3_REDIRECT_SECONDS");
  if (redirect === undefined) return { databaseUrl, s3 };
  const redirectSeconds = /^\d+$/.test(redirect) ? Number(redirect) : Number.NaN;
  // S3's own limit for a presigned URL is seven days.
  if (!(redirectSeconds >= 1 && redirectSeconds <= 604_800)) {
    throw new ConfigError(`MEMFLOW_TS_S3_REDIRECT_SECONDS: expected whole seconds from 1 to 604800, got ${redirect}`);
  }
  return { databaseUrl, s3, redirectSeconds };
}
