/**
 * Greedy CTC decoding of a recogniser's per-step class probabilities.
 * @module
 */

/** Decoded text with its confidence: the mean probability of the emitted characters. */
export interface Reading {
  text: string;
  confidence: number;
}

/**
 * Best class per time step, collapse repeats, drop blanks (class 0). Confidence is the mean of
 * the winning probabilities of the kept characters (0 when nothing was read). The text is
 * NFKC-normalised so full-width digits and punctuation from the Chinese key list become ASCII.
 *
 * @example
 * ```ts
 * const keys = ["", "a", "b", " "];
 * const probs = new Float32Array([0.1, 0.9, 0, 0, 0.1, 0.9, 0, 0, 0.9, 0.1, 0, 0, 0, 0, 0.8, 0.2]);
 * ctcGreedyDecode(probs, 4, keys).text; // "ab"
 * ```
 */
export function ctcGreedyDecode(probs: Float32Array, steps: number, keys: string[]): Reading {
  const classes = keys.length;
  let text = "";
  let sum = 0;
  let count = 0;
  let previous = -1;
  for (let t = 0; t < steps; t++) {
    const base = t * classes;
    let best = 0;
    let bestProb = probs[base];
    for (let c = 1; c < classes; c++) {
      const p = probs[base + c];
      if (p > bestProb) {
        bestProb = p;
        best = c;
      }
    }
    if (best !== 0 && best !== previous) {
      text += keys[best];
      sum += bestProb;
      count++;
    }
    previous = best;
  }
  return { text: text.normalize("NFKC").trim(), confidence: count === 0 ? 0 : sum / count };
}
