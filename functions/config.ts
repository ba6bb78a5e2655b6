/**
 * Worker configuration: one zod schema, read from the environment at start-up and trusted afterwards.
 * @module
 */
import { z } from "zod";
import { formatIssues, MODES, type ProcessOptions, processOptionsSchema } from "../src/options.ts";

/** Schema of the worker configuration (the pipeline options are the CLI's own schema). */
export const workerConfigSchema = z.object({
  /** S3 endpoint, e.g. `http://127.0.0.1:7480`; absent means AWS. */
  endpoint: z.url().optional(),
  region: z.string().min(1).default("us-east-1"),
  accessKeyId: z.string().min(1),
  secretAccessKey: z.string().min(1),
  sourceBucket: z.string().min(1),
  /** Only keys under this prefix are processed. */
  sourcePrefix: z.string().default(""),
  destBucket: z.string().min(1),
  destPrefix: z.string().default(""),
  mode: z.enum(MODES).default("deid"),
  /** Pipeline options as the CLI takes them (format, quality, pad, ...), validated by the CLI's schema. */
  options: z.record(z.string(), z.unknown()).default({}),
  /** Shared secret the event source sends as `Authorization: Bearer <token>` (or `?token=`); the HTTP handler requires it. */
  authToken: z.string().min(16, "authToken must be at least 16 characters").optional(),
  /** Accept the token as a `?token=` query parameter, for senders that cannot set headers (Ceph RGW). */
  allowQueryToken: z.boolean().default(true),
  /** Objects processed at once (one pipeline worker thread each). */
  concurrency: z.number().int().min(1).max(64).default(1),
  /** Objects waiting beyond `concurrency`; a request that does not fit gets 429. */
  queueSize: z.number().int().min(0).max(100_000).default(64),
  /** Largest accepted event body. */
  maxRequestBytes: z.number().int().positive().default(1_048_576),
  /** Largest object downloaded; bigger ones are skipped as TooLarge. */
  maxObjectBytes: z.number().int().positive().default(4 * 1024 ** 3),
  /** HMAC key for the key hashes in logs and state object names. */
  keyHashSecret: z.string().min(16, "keyHashSecret must be at least 16 characters"),
  /** How long a claim on an object lasts without renewal; renewed every third of it. */
  leaseSeconds: z.number().positive().default(300),
  /** `queued`: answer 202 once accepted; `processed`: answer after the work is done (sender retries on failure). */
  ack: z.enum(["queued", "processed"]).default("queued"),
  /** Parent folder of the per-object temporary folders. */
  tempDir: z.string().optional(),
  /** Identifies this replica in state objects. */
  workerId: z.string().min(1).default(() => `${Deno.hostname()}-${Deno.pid}`),
}).refine(
  (config) =>
    config.sourceBucket !== config.destBucket ||
    !(normalisePrefix(config.destPrefix).startsWith(normalisePrefix(config.sourcePrefix)) ||
      normalisePrefix(config.sourcePrefix).startsWith(normalisePrefix(config.destPrefix))),
  { message: "source and destination overlap: outputs would trigger new events", path: ["destPrefix"] },
);

/** Worker configuration as written by hand (defaults optional). */
export type WorkerConfigInput = z.input<typeof workerConfigSchema>;

/** Validated worker configuration with the pipeline options resolved. */
export type WorkerConfig = z.output<typeof workerConfigSchema> & { processOptions: ProcessOptions };

/** A configuration that failed validation; the message has one line per problem. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/**
 * Validate a configuration and resolve the pipeline options.
 *
 * @example
 * ```ts
 * const config = parseWorkerConfig({
 *   endpoint: "http://127.0.0.1:7480", accessKeyId: "k", secretAccessKey: "s",
 *   sourceBucket: "raw", destBucket: "deid", authToken: "0123456789abcdef",
 *   keyHashSecret: "fedcba9876543210", mode: "us", options: { format: "png" },
 * });
 * ```
 */
export function parseWorkerConfig(input: WorkerConfigInput): WorkerConfig {
  const result = workerConfigSchema.safeParse(input);
  if (!result.success) throw new ConfigError(configIssues(result.error));
  const options = processOptionsSchema.safeParse({ ...result.data.options, mode: result.data.mode });
  if (!options.success) throw new ConfigError(formatIssues(options.error));
  return {
    ...result.data,
    sourcePrefix: normalisePrefix(result.data.sourcePrefix),
    destPrefix: normalisePrefix(result.data.destPrefix),
    processOptions: options.data,
  };
}

/**
 * Read the configuration from environment variables (see functions/README.md for the list).
 *
 * @example
 * ```ts
 * const config = workerConfigFromEnv(Deno.env.toObject());
 * ```
 */
export function workerConfigFromEnv(env: Record<string, string | undefined>): WorkerConfig {
  const number = (name: string) => env[name] === undefined ? undefined : Number(env[name]);
  const flag = (name: string) => env[name] === undefined ? undefined : /^(1|true|yes)$/i.test(env[name]!);
  let options: Record<string, unknown> = {};
  if (env.LOGIK_OPTIONS) {
    try {
      options = JSON.parse(env.LOGIK_OPTIONS);
    } catch {
      throw new ConfigError("LOGIK_OPTIONS: not valid JSON");
    }
  }
  const input = {
    endpoint: env.LOGIK_S3_ENDPOINT || undefined,
    region: env.AWS_REGION,
    accessKeyId: env.AWS_ACCESS_KEY_ID,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
    sourceBucket: env.LOGIK_SOURCE_BUCKET,
    sourcePrefix: env.LOGIK_SOURCE_PREFIX,
    destBucket: env.LOGIK_DEST_BUCKET,
    destPrefix: env.LOGIK_DEST_PREFIX,
    mode: env.LOGIK_MODE,
    options,
    authToken: env.LOGIK_AUTH_TOKEN,
    allowQueryToken: flag("LOGIK_ALLOW_QUERY_TOKEN"),
    concurrency: number("LOGIK_CONCURRENCY"),
    queueSize: number("LOGIK_QUEUE_SIZE"),
    maxRequestBytes: number("LOGIK_MAX_REQUEST_BYTES"),
    maxObjectBytes: number("LOGIK_MAX_OBJECT_BYTES"),
    keyHashSecret: env.LOGIK_KEY_HASH_SECRET,
    leaseSeconds: number("LOGIK_LEASE_SECONDS"),
    ack: env.LOGIK_ACK,
    tempDir: env.LOGIK_TEMP_DIR,
    workerId: env.LOGIK_WORKER_ID,
  };
  const defined = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
  return parseWorkerConfig(defined as WorkerConfigInput);
}

/**
 * `"/a/b"` → `"a/b/"`, `""` → `""`: prefixes are compared and joined in one form.
 *
 * @example
 * ```ts
 * normalisePrefix("/deid"); // "deid/"
 * ```
 */
export function normalisePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, "");
  return trimmed === "" ? "" : `${trimmed}/`;
}

function configIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "config"}: ${issue.message}`).join("\n");
}
