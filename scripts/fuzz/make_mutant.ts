/**
 * Deterministic mutant generation: mutant `index` of run `seed` always picks the same corpus file,
 * mutator and mutation. A mutant is replayable from (source, mutator, mutationSeed) alone.
 * @module
 */
import { CODESTREAM_MUTATORS } from "./codestream_mutators.ts";
import { DICOM_META_MUTATORS } from "./dicom_meta_mutators.ts";
import { DICOM_MUTATORS } from "./dicom_mutators.ts";
import { GENERIC_MUTATORS } from "./generic_mutators.ts";
import type { Mutator } from "./mutation.ts";
import { NIFTI_MUTATORS } from "./nifti_mutators.ts";
import { deriveSeed, mulberry32 } from "./prng.ts";
import type { SeedFile } from "./seed_file.ts";
import { VIDEO_MUTATORS } from "./video_mutators.ts";

/** Every mutator by name. */
export const MUTATORS: Map<string, Mutator> = new Map(
  [
    ...GENERIC_MUTATORS,
    ...DICOM_MUTATORS,
    ...DICOM_META_MUTATORS,
    ...CODESTREAM_MUTATORS,
    ...NIFTI_MUTATORS,
    ...VIDEO_MUTATORS,
  ]
    .map((mutator) => [mutator.name, mutator]),
);

/** One generated mutant. */
export interface Mutant {
  /** File name in the mutant tree, unique per index: `m000123_<source stem>_<mutator><ext>`. */
  fileName: string;
  bytes: Uint8Array;
  source: string;
  /** Absolute path of the unmutated corpus file. */
  sourcePath: string;
  mutator: string;
  mutationSeed: number;
  detail: string;
}

/** Mixes a run seed on its own before the mutant index is combined with it. */
const RUN_SALT = 0x5eed;

/**
 * Make mutant `index` of a run.
 *
 * @example
 * ```ts
 * const mutant = makeMutant(corpus, 1, 0);
 * await Deno.writeFile(`/tmp/in/${mutant.fileName}`, mutant.bytes);
 * ```
 */
export function makeMutant(corpus: SeedFile[], runSeed: number, index: number): Mutant {
  // The run seed is hashed before the index goes in: deriveSeed(seed, index) alone gives mutant i of
  // one seed to mutant i XOR (seed1 ^ seed2) of another, so two runs repeated each other's mutants.
  const random = mulberry32(deriveSeed(deriveSeed(runSeed, RUN_SALT), index));
  // Small files are favoured: they are cheaper to process and a finding can be kept as a fixture.
  const weights = corpus.map((seed) => 1 / Math.sqrt(Math.max(seed.bytes.length, 1024)));
  for (let attempt = 0; attempt < 20; attempt++) {
    const seed = corpus[weightedIndex(weights, random.next())];
    const mutator = pickMutator(seed, random.next(), random.next());
    const mutationSeed = deriveSeed(random.int(2 ** 31), attempt);
    const mutation = applyMutator(seed, mutator.name, mutationSeed);
    if (!mutation) continue;
    const stem = seed.name.split("/").pop()!.replace(/(\.nii\.gz|\.[a-z0-9]+)$/i, "").replace(
      /[^A-Za-z0-9_-]/g,
      "_",
    );
    const extension = mutation.extension ?? seed.extension;
    return {
      fileName: `m${String(index).padStart(6, "0")}_${stem}_${mutator.name}${extension}`,
      bytes: mutation.bytes,
      source: seed.name,
      sourcePath: seed.path,
      mutator: mutator.name,
      mutationSeed,
      detail: mutation.detail,
    };
  }
  throw new Error(`no mutator applied for mutant ${index}`);
}

/**
 * Apply a named mutator with its own seed (replay of a recorded finding).
 *
 * @example
 * ```ts
 * const mutation = applyMutator(seed, "dicom-nested-sequences", 12345);
 * ```
 */
export function applyMutator(seed: SeedFile, mutatorName: string, mutationSeed: number) {
  const mutator = MUTATORS.get(mutatorName);
  if (!mutator || !mutator.kinds.includes(seed.kind)) return null;
  return mutator.mutate(seed, mulberry32(mutationSeed));
}

function pickMutator(seed: SeedFile, familyDraw: number, draw: number): Mutator {
  const families: Array<[number, Mutator[]]> = [[0.3, GENERIC_MUTATORS]];
  if (seed.kind === "dicom") {
    families.push([0.5, DICOM_MUTATORS]);
    families.push([0.3, DICOM_META_MUTATORS]);
    if ((seed.dicom?.fragments.length ?? 0) > 1) families.push([0.35, CODESTREAM_MUTATORS]);
  }
  if (seed.kind === "nifti") families.push([0.7, NIFTI_MUTATORS]);
  if (seed.kind === "video") families.push([0.6, VIDEO_MUTATORS]);
  const total = families.reduce((sum, [weight]) => sum + weight, 0);
  let target = familyDraw * total;
  for (const [weight, mutators] of families) {
    if (target < weight) return mutators[Math.floor(draw * mutators.length)];
    target -= weight;
  }
  return GENERIC_MUTATORS[Math.floor(draw * GENERIC_MUTATORS.length)];
}

function weightedIndex(weights: number[], draw: number): number {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  let target = draw * total;
  for (let index = 0; index < weights.length; index++) {
    if (target < weights[index]) return index;
    target -= weights[index];
  }
  return weights.length - 1;
}
