/**
 * The mutator contract: a named, family-tagged function from a corpus file and a PRNG to new bytes.
 * @module
 */
import type { Random } from "./prng.ts";
import type { SeedFile } from "./seed_file.ts";

/** The bytes of one mutant and a PHI-free description of what was done. */
export interface Mutation {
  bytes: Uint8Array;
  detail: string;
  /** Override of the mutant's extension (e.g. a .nii.gz written back uncompressed). */
  extension?: string;
}

/** One mutator: returns null when it does not apply to this file. */
export interface Mutator {
  name: string;
  /** Which files it applies to. */
  kinds: ReadonlyArray<SeedFile["kind"]>;
  mutate(seed: SeedFile, random: Random): Mutation | null;
}
