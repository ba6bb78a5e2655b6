/**
 * At most one replica works on an object version: a claim is a lease object created with a conditional
 * PUT (`If-None-Match: *`), so of two replicas creating the same key exactly one succeeds. Leases expire,
 * so a replica killed mid-job does not block the object forever: the next claimant creates the next
 * generation key (again conditionally), so a take-over is also won by exactly one replica.
 * @module
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { deleteKeys, getJson, listKeys, putJson } from "./object_store.ts";

/** A held claim. */
export interface Lease {
  /** The generation key we created. */
  readonly key: string;
  /** Push the expiry forward (only the holder writes its own generation key). */
  renew(): Promise<void>;
  /** True while no later generation exists, i.e. nobody took over after an expiry. */
  stillHeld(): Promise<boolean>;
  /** Remove every generation of this claim. */
  release(): Promise<void>;
}

interface LeaseBody {
  workerId: string;
  expiresAt: number;
}

/** Where the lease lives and who takes it. */
export interface LeaseRequest {
  bucket: string;
  /** Folder of this object version's generations, ending in `/`. */
  prefix: string;
  workerId: string;
  seconds: number;
  now?: () => number;
}

/**
 * Try to claim; null when another replica holds a live lease or won the race.
 *
 * @example
 * ```ts
 * const lease = await acquireLease(s3, { bucket: "deid", prefix: ".logik/lease/3f0c/9b2c/", workerId: "a", seconds: 300 });
 * if (lease) { try { await work(); } finally { await lease.release(); } }
 * ```
 */
export async function acquireLease(s3: S3Client, request: LeaseRequest): Promise<Lease | null> {
  const now = request.now ?? Date.now;
  const generations = await listGenerations(s3, request.bucket, request.prefix);
  let next = 0;
  if (generations.length > 0) {
    const latest = generations[generations.length - 1];
    const body = await getJson<LeaseBody>(s3, request.bucket, latest);
    // A generation that vanished was released: the holder finished, so the status object decides.
    if (body && body.expiresAt > now()) return null;
    next = generationNumber(latest) + 1;
  }
  const key = `${request.prefix}g${String(next).padStart(6, "0")}`;
  const body = (): LeaseBody => ({ workerId: request.workerId, expiresAt: now() + request.seconds * 1000 });
  if (!await putJson(s3, request.bucket, key, body(), { ifNoneMatch: true })) return null;
  return {
    key,
    async renew() {
      await putJson(s3, request.bucket, key, body());
    },
    async stillHeld() {
      const current = await listGenerations(s3, request.bucket, request.prefix);
      return current.length > 0 && current[current.length - 1] === key;
    },
    async release() {
      await deleteKeys(s3, request.bucket, await listGenerations(s3, request.bucket, request.prefix));
    },
  };
}

async function listGenerations(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const page of listKeys(s3, bucket, prefix, "")) {
    for (const item of page) if (/\/g\d{6}$/.test(item.key)) keys.push(item.key);
  }
  return keys.sort();
}

function generationNumber(key: string): number {
  return Number(key.slice(-6));
}
