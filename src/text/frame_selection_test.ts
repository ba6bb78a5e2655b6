import assert from "node:assert/strict";
import { selectFrames } from "./frame_selection.ts";

/** Largest distance in ms from any frame to its nearest selected frame. */
function worstGapMs(frames: number, chosen: number[], frameTimeMs: number): number {
  let worst = 0;
  for (let f = 0; f < frames; f++) {
    const nearest = Math.min(...chosen.map((c) => Math.abs(c - f)));
    worst = Math.max(worst, nearest * frameTimeMs);
  }
  return worst;
}

Deno.test("selectFrames scans every frame of short loops and with all", () => {
  assert.deepEqual(selectFrames(16), Array.from({ length: 16 }, (_, i) => i));
  assert.equal(selectFrames(300, { all: true }).length, 300);
  assert.deepEqual(selectFrames(0), []);
  assert.deepEqual(selectFrames(1), [0]);
});

Deno.test("selectFrames keeps first, middle and last and every frame within 0.5 s", () => {
  for (const [frames, frameTimeMs] of [[30, 33.333], [200, 33.333], [97, 20], [1000, 16.7], [50, 100]]) {
    const chosen = selectFrames(frames, { frameTimeMs });
    assert.ok(
      chosen.includes(0) && chosen.includes(frames - 1) && chosen.includes(Math.floor((frames - 1) / 2)),
    );
    assert.ok(worstGapMs(frames, chosen, frameTimeMs) <= 500, `${frames} frames at ${frameTimeMs} ms`);
    assert.ok(chosen.length < frames, "should not need every frame at this rate");
  }
});

Deno.test("selectFrames uses frameRate, and scans all frames when frames are over 0.5 s apart", () => {
  const byRate = selectFrames(120, { frameRate: 10 });
  assert.ok(worstGapMs(120, byRate, 100) <= 500);
  assert.equal(selectFrames(40, { frameTimeMs: 800 }).length, 40);
});
