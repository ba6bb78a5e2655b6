import assert from "node:assert/strict";
import { ctcGreedyDecode } from "./ctc_decode.ts";

const KEYS = ["", "a", "b", "：", " "];

function steps(winners: number[], probability = 0.9): Float32Array {
  const probs = new Float32Array(winners.length * KEYS.length).fill((1 - probability) / (KEYS.length - 1));
  winners.forEach((c, t) => (probs[t * KEYS.length + c] = probability));
  return probs;
}

Deno.test("ctcGreedyDecode collapses repeats and keeps letters split by a blank", () => {
  assert.equal(ctcGreedyDecode(steps([1, 1, 0, 1, 2, 2, 0]), 7, KEYS).text, "aab");
});

Deno.test("ctcGreedyDecode normalises full-width punctuation and trims spaces", () => {
  assert.equal(ctcGreedyDecode(steps([4, 1, 3, 2, 4]), 5, KEYS).text, "a:b");
});

Deno.test("ctcGreedyDecode confidence is the mean winning probability; nothing read is 0", () => {
  const read = ctcGreedyDecode(steps([1, 2], 0.8), 2, KEYS);
  assert.ok(Math.abs(read.confidence - 0.8) < 1e-6);
  assert.deepEqual(ctcGreedyDecode(steps([0, 0]), 2, KEYS), { text: "", confidence: 0 });
});
