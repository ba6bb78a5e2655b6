/**
 * Keep failing mutants as regression fixtures: fixtures/fuzz/seeds/<name> (small files only) and a
 * JSON note per finding in fixtures/fuzz/notes/ that can also replay the mutant from the public file.
 * @module
 */
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { type Finding, signature } from "./check_batch.ts";
import type { Mutant } from "./make_mutant.ts";

/** Size limits for kept seeds. */
export const SEED_LIMITS = { maxFileBytes: 50 * 1024, maxTotalBytes: 1024 * 1024, perSignature: 2 } as const;

/** The note stored beside each kept finding. */
export interface FindingNote {
  finding: Finding;
  signature: string;
  source: string;
  mutator: string;
  mutationSeed: number;
  detail: string;
  bytes: number;
  /** File name under seeds/, or null when the mutant was too big even gzipped and must be replayed. */
  seedFile: string | null;
  /** How the seed file is stored: as is, or gzipped (big but repetitive mutants, e.g. nested sequences). */
  seedEncoding?: "raw" | "gzip";
  runSeed: number;
  date: string;
}

/**
 * Save a finding unless its signature already has enough examples; returns the note written, if any.
 *
 * @example
 * ```ts
 * await keepFinding("fixtures/fuzz", finding, mutant, 1);
 * ```
 */
export async function keepFinding(
  root: string,
  finding: Finding,
  mutant: Mutant,
  runSeed: number,
): Promise<FindingNote | null> {
  const notesDir = join(root, "notes"), seedsDir = join(root, "seeds");
  await Deno.mkdir(notesDir, { recursive: true });
  await Deno.mkdir(seedsDir, { recursive: true });
  const key = signature(finding.type, finding.message);
  const notes = await readNotes(root);
  if (notes.filter((note) => note.signature === key).length >= SEED_LIMITS.perSignature) return null;
  if (
    notes.some((note) =>
      note.mutator === mutant.mutator && note.mutationSeed === mutant.mutationSeed &&
      note.source === mutant.source
    )
  ) {
    return null;
  }
  const stored = await storedSeedBytes(root);
  const packed = seedPacking(mutant.fileName, mutant.bytes, stored);
  const note: FindingNote = {
    finding,
    signature: key,
    source: mutant.source,
    mutator: mutant.mutator,
    mutationSeed: mutant.mutationSeed,
    detail: mutant.detail,
    bytes: mutant.bytes.length,
    seedFile: packed?.name ?? null,
    seedEncoding: packed?.encoding,
    runSeed,
    date: new Date().toISOString(),
  };
  if (packed) await writeAtomic(join(seedsDir, packed.name), packed.bytes);
  await writeAtomic(
    join(notesDir, `${mutant.fileName}.json`),
    new TextEncoder().encode(JSON.stringify(note, null, 2) + "\n"),
  );
  return note;
}

/**
 * All notes under `root/notes`.
 *
 * @example
 * ```ts
 * const notes = await readNotes("fixtures/fuzz");
 * ```
 */
export async function readNotes(root: string): Promise<Array<FindingNote & { noteFile: string }>> {
  const dir = join(root, "notes");
  const entries = await Array.fromAsync(Deno.readDir(dir)).catch(() => [] as Deno.DirEntry[]);
  const notes: Array<FindingNote & { noteFile: string }> = [];
  for (const entry of entries.sort((a, b) => a.name < b.name ? -1 : 1)) {
    if (!entry.isFile || !entry.name.endsWith(".json")) continue;
    notes.push({ ...JSON.parse(await Deno.readTextFile(join(dir, entry.name))), noteFile: entry.name });
  }
  return notes;
}

/**
 * How to store a seed within the limits: raw when small, gzipped when that makes it small, else not at all.
 *
 * @example
 * ```ts
 * seedPacking("m1.dcm", new Uint8Array(100), 0)?.encoding; // "raw"
 * ```
 */
export function seedPacking(
  fileName: string,
  bytes: Uint8Array,
  storedBytes: number,
): { name: string; bytes: Uint8Array; encoding: "raw" | "gzip" } | null {
  const room = SEED_LIMITS.maxTotalBytes - storedBytes;
  if (bytes.length <= SEED_LIMITS.maxFileBytes && bytes.length <= room) {
    return { name: fileName, bytes, encoding: "raw" };
  }
  const gz = new Uint8Array(gzipSync(bytes, { level: 9 }));
  if (gz.length <= SEED_LIMITS.maxFileBytes && gz.length <= room) {
    return { name: `${fileName}.gz`, bytes: gz, encoding: "gzip" };
  }
  return null;
}

/**
 * Total bytes already stored under seeds/.
 *
 * @example
 * ```ts
 * await storedSeedBytes("fixtures/fuzz");
 * ```
 */
export async function storedSeedBytes(root: string): Promise<number> {
  const dir = join(root, "seeds");
  let total = 0;
  for (const entry of await Array.fromAsync(Deno.readDir(dir)).catch(() => [] as Deno.DirEntry[])) {
    if (entry.isFile) total += (await Deno.stat(join(dir, entry.name))).size;
  }
  return total;
}

/**
 * Store a seed for a note kept without one (e.g. by an older run), when it now fits; returns the updated note.
 *
 * @example
 * ```ts
 * await packNote("fixtures/fuzz", note, mutantBytes, "m000088_x.dcm.json");
 * ```
 */
export async function packNote(
  root: string,
  note: FindingNote & { noteFile?: string },
  bytes: Uint8Array,
  noteName: string,
): Promise<FindingNote> {
  if (note.seedFile) return note;
  const { noteFile: _, ...plain } = note;
  const base = noteName.replace(/\.json$/, "");
  const packed = seedPacking(base, bytes, await storedSeedBytes(root));
  if (!packed) return note;
  await writeAtomic(join(root, "seeds", packed.name), packed.bytes);
  const updated: FindingNote = { ...plain, seedFile: packed.name, seedEncoding: packed.encoding };
  await writeAtomic(
    join(root, "notes", noteName),
    new TextEncoder().encode(JSON.stringify(updated, null, 2) + "\n"),
  );
  return updated;
}

async function writeAtomic(path: string, bytes: Uint8Array): Promise<void> {
  await Deno.writeFile(`${path}.tmp`, bytes);
  await Deno.rename(`${path}.tmp`, path);
}
