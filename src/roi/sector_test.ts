import assert from "node:assert/strict";
import { diceScore } from "../metrics.ts";
import { createVolume } from "../volume.ts";
import { fitSector, fitSectorToRegion, type SectorGeometry, sectorMask } from "./sector.ts";
import { type ScanShape, syntheticScan } from "./testdata/synthetic_scan.ts";

const rows = 480, cols = 640;
const shapes: ScanShape[] = [
  { kind: "phased", apexX: 320, apexY: 40, leftAngle: -42, rightAngle: 39, nearRadius: 0, farRadius: 400 },
  { kind: "phased", apexX: 330, apexY: 20, leftAngle: -40, rightAngle: 41, nearRadius: 35, farRadius: 420 },
  {
    kind: "curvilinear",
    apexX: 320,
    apexY: -100,
    leftAngle: -31,
    rightAngle: 30,
    nearRadius: 160,
    farRadius: 540,
  },
  {
    kind: "linear",
    apexX: 310,
    apexY: 60,
    leftAngle: 0,
    rightAngle: 0,
    nearRadius: 0,
    farRadius: 350,
    width: 450,
  },
  {
    kind: "trapezoid",
    apexX: 320,
    apexY: -260,
    leftAngle: -20,
    rightAngle: 21,
    nearRadius: 0,
    farRadius: 0,
    topY: 55,
    bottomY: 420,
  },
];

for (const shape of shapes) {
  for (const frames of [1, 12]) {
    for (const hard of [false, true]) {
      const label = `${shape.kind}${shape.nearRadius ? " (truncated)" : ""}, ${frames} frame(s)${
        hard ? ", black pool on the edge" : ""
      }`;
      Deno.test(`fitSector: ${label} reaches Dice ≥ 0.99 and the right kind`, () => {
        const { volume, truth } = syntheticScan(shape, {
          rows,
          cols,
          frames,
          channels: 3,
          hard,
          seed: frames + 5,
        });
        const fit = fitSector(volume);
        assert.ok(fit.ok, fit.reason);
        assert.equal(fit.geometry?.kind, shape.kind);
        const dice = diceScore(fit.mask!, truth);
        assert.ok(dice >= 0.99, `Dice ${dice.toFixed(4)}`);
        assert.ok(fit.score !== null && fit.score >= 0.9);
      });
    }
  }
}

Deno.test("fitSector recovers the apex and angles of a phased sector", () => {
  const shape = shapes[0];
  const { volume } = syntheticScan(shape, { rows, cols, frames: 1 });
  const geometry = fitSector(volume).geometry!;
  assert.ok(Math.hypot(geometry.apex!.x - shape.apexX, geometry.apex!.y - shape.apexY) < 2);
  assert.ok(Math.abs(geometry.angles.left - shape.leftAngle) < 0.5, `left ${geometry.angles.left}`);
  assert.ok(Math.abs(geometry.angles.right - shape.rightAngle) < 0.5, `right ${geometry.angles.right}`);
  assert.ok(Math.abs(geometry.radii.far! - shape.farRadius) < 2);
});

Deno.test("fitSector with a bound ignores content outside it", () => {
  const { volume, truth } = syntheticScan(shapes[2], { rows, cols, frames: 1 });
  const fit = fitSector(volume, { bound: { x: 0, y: 30, width: cols, height: 420 } });
  assert.ok(fit.ok);
  // The corner text blocks (rows 4..18) are outside the bound and never become evidence.
  assert.ok(diceScore(fit.mask!, truth) > 0.99);
});

Deno.test("fitSector on a blank frame fails with a reason instead of throwing", () => {
  const volume = createVolume({
    frames: 1,
    rows: 64,
    cols: 64,
    channels: 1,
    type: "uint8",
    meta: { format: "image" },
  });
  const fit = fitSector(volume);
  assert.equal(fit.ok, false);
  assert.equal(fit.mask, null);
  assert.match(fit.reason ?? "", /no bright region/);
});

Deno.test("fitSectorToRegion rejects a disc (no straight edges) with a low score or reason", () => {
  const size = 200;
  const data = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) if ((x - 100) ** 2 + (y - 100) ** 2 < 80 ** 2) data[y * size + x] = 1;
  }
  const fit = fitSectorToRegion({ rows: size, cols: size, data });
  assert.equal(fit.ok, false);
  assert.ok(fit.reason && fit.reason.length > 0);
});

Deno.test("sectorMask equals the pixel-by-pixel definition for sectors, annuli and trapezoids", () => {
  /** Pixel centres inside both edges, within the far boundary and outside the near one. */
  const definition = (geometry: SectorGeometry, rows: number, cols: number) => {
    const data = new Uint8Array(rows * cols);
    const { left, right, near, far, apex } = geometry;
    for (let y = 0; y < rows; y++) {
      if (apex && y < apex.y) continue;
      if (near.type === "line" && y < near.y) continue;
      if (far.type === "line" && y > far.y) continue;
      for (let x = 0; x < cols; x++) {
        if (x < left.slope * y + left.intercept || x > right.slope * y + right.intercept) continue;
        if (apex) {
          const dx = x - apex.x, dy = y - apex.y;
          const distance = dx * dx + dy * dy;
          if (distance > (far.type === "arc" ? far.radius * far.radius : Infinity)) continue;
          if (distance < (near.type === "arc" ? near.radius * near.radius : 0)) continue;
        }
        data[y * cols + x] = 1;
      }
    }
    return data;
  };
  const rows = 90, cols = 120;
  let seed = 5;
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  for (let trial = 0; trial < 60; trial++) {
    // Apexes on whole and fractional columns, some outside the frame; edges 10°–60° off vertical.
    const apex = { x: trial % 3 === 0 ? 60 : 20 + 80 * random(), y: -10 + 30 * random() };
    const leftSlope = -0.2 - 1.5 * random(), rightSlope = 0.2 + 1.5 * random();
    const farRadius = 20 + 90 * random(), nearRadius = trial % 2 ? 0.6 * farRadius * random() : 0;
    const geometry: SectorGeometry = {
      kind: "curvilinear",
      apex,
      left: { slope: leftSlope, intercept: apex.x - leftSlope * apex.y },
      right: { slope: rightSlope, intercept: apex.x - rightSlope * apex.y },
      near: nearRadius > 0 ? { type: "arc", radius: nearRadius } : { type: "apex" },
      far: trial % 5 === 4 ? { type: "line", y: apex.y + farRadius } : { type: "arc", radius: farRadius },
      angles: { left: 0, right: 0 },
      radii: { near: null, far: null },
      box: { x: 0, y: 0, width: 0, height: 0 },
    };
    assert.deepEqual(
      sectorMask(geometry, rows, cols).data,
      definition(geometry, rows, cols),
      `trial ${trial}`,
    );
  }
});
