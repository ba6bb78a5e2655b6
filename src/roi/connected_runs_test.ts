import assert from "node:assert/strict";
import { readVolume } from "../io/read.ts";
import type { Mask } from "../volume.ts";
import { connectedRuns } from "./connected_runs.ts";

/** Component of every `value` pixel by a plain flood fill, numbered by first pixel (the reference). */
function floodComponents(mask: Mask, value: 0 | 1, connectivity: 4 | 8): Int32Array {
  const { rows, cols, data } = mask;
  const component = new Int32Array(rows * cols).fill(-1);
  const steps = connectivity === 4
    ? [[0, -1], [0, 1], [-1, 0], [1, 0]]
    : [[0, -1], [0, 1], [-1, 0], [1, 0], [-1, -1], [-1, 1], [1, -1], [1, 1]];
  let next = 0;
  for (let seed = 0; seed < data.length; seed++) {
    if ((data[seed] !== 0 ? 1 : 0) !== value || component[seed] >= 0) continue;
    component[seed] = next;
    const queue = [seed];
    while (queue.length > 0) {
      const i = queue.pop()!;
      const x = i % cols, y = (i - x) / cols;
      for (const [dy, dx] of steps) {
        const ny = y + dy, nx = x + dx;
        if (ny < 0 || nx < 0 || ny >= rows || nx >= cols) continue;
        const j = ny * cols + nx;
        if ((data[j] !== 0 ? 1 : 0) === value && component[j] < 0) {
          component[j] = next;
          queue.push(j);
        }
      }
    }
    next++;
  }
  return component;
}

Deno.test("connectedRuns joins runs as a flood fill joins pixels, for both values and connectivities", async () => {
  const volume = await readVolume("../shared/data/public/dicom/US1_UNCR.dcm");
  const { rows, cols } = volume;
  const mask: Mask = { rows, cols, data: new Uint8Array(rows * cols) };
  for (let p = 0; p < rows * cols; p++) mask.data[p] = volume.data[p * 3] > 60 ? 1 : 0;
  for (const value of [0, 1] as const) {
    for (const connectivity of [4, 8] as const) {
      const runs = connectedRuns(mask, { value, connectivity });
      const expected = floodComponents(mask, value, connectivity);
      // Same partition: every pixel of a run is in its root run's flood component, and roots differ
      // between components.
      const rootOf = new Map<number, number>();
      for (let run = 0; run < runs.count; run++) {
        const offset = runs.row[run] * cols;
        for (let x = runs.start[run]; x < runs.end[run]; x++) {
          const flood = expected[offset + x];
          assert.ok(flood >= 0, `value ${value}: run pixel outside every component`);
          const known = rootOf.get(flood);
          if (known === undefined) rootOf.set(flood, runs.root[run]);
          else assert.equal(runs.root[run], known, `value ${value}, ${connectivity}-connected`);
        }
      }
      assert.equal(new Set(rootOf.values()).size, rootOf.size, `value ${value}, ${connectivity}-connected`);
      let covered = 0;
      for (let run = 0; run < runs.count; run++) covered += runs.end[run] - runs.start[run];
      assert.equal(covered, expected.filter((component) => component >= 0).length, "pixels left out of runs");
      assert.ok(rootOf.size > 1);
    }
  }
});
