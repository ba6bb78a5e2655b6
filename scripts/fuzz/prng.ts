/**
 * A small seeded PRNG (mulberry32): the same seed gives the same mutants and benchmark inputs everywhere.
 * @module
 */

/** A deterministic random source. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
}

/**
 * Create a PRNG from a 32-bit seed.
 *
 * @example
 * ```ts
 * const random = mulberry32(42);
 * random.int(10); // the same value on every run
 * ```
 */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (items) => items[Math.floor(next() * items.length)],
  };
}

/**
 * Derive an independent seed for item `index` of a run seeded with `seed`.
 *
 * @example
 * ```ts
 * const random = mulberry32(deriveSeed(1, 17));
 * ```
 */
export function deriveSeed(seed: number, index: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ index, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
