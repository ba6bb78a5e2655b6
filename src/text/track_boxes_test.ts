import assert from "node:assert/strict";
import { joinLines, trackBoxes } from "./track_boxes.ts";

Deno.test("trackBoxes joins the same place over frames and keeps separate places apart", () => {
  const tracks = trackBoxes([
    { frame: 0, x: 10, y: 10, width: 50, height: 12 },
    { frame: 5, x: 11, y: 10, width: 52, height: 12 },
    { frame: 5, x: 300, y: 10, width: 40, height: 12 },
    { frame: 9, x: 10, y: 11, width: 50, height: 12 },
  ]);
  assert.equal(tracks.length, 2);
  assert.deepEqual(tracks[0], { x: 10, y: 10, width: 53, height: 13, frames: [0, 5, 9] });
  assert.deepEqual(tracks[1].frames, [5]);
});

Deno.test("joinLines joins words of one line but not separate lines or distant fields", () => {
  const lines = joinLines([
    { x: 17, y: 23, width: 79, height: 20, frames: [0] },
    { x: 94, y: 23, width: 78, height: 20, frames: [0] },
    { x: 17, y: 39, width: 76, height: 20, frames: [0] },
    { x: 300, y: 23, width: 40, height: 20, frames: [1] },
  ]);
  assert.equal(lines.length, 3);
  assert.deepEqual(lines[0], { x: 17, y: 23, width: 155, height: 20, frames: [0] });
});
