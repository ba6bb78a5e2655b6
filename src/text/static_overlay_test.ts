import assert from "node:assert/strict";
import { toDisplay8 } from "../display.ts";
import { readDicom } from "../io/dicom/read_dicom.ts";
import { createVolume } from "../volume.ts";
import { staticOverlay } from "./static_overlay.ts";

Deno.test("staticOverlay finds the static labels of a moving echo loop (examples_ybr_color)", async () => {
  const path = new URL("../../../shared/data/public/dicom/examples_ybr_color.dcm", import.meta.url).pathname;
  const loop = toDisplay8(await readDicom(await Deno.readFile(path), { path }));
  const { regions, movingFraction, mask } = staticOverlay(loop);
  assert.ok(movingFraction > 0.05, `moving fraction ${movingFraction}`);
  // "PLA" sits in the top-left corner; the heart in the middle moves and must not be static text.
  assert.ok(regions.some((r) => r.x < 40 && r.y < 12), "no region over the PLA label");
  let centre = 0;
  for (let y = 100; y < 140; y++) for (let x = 140; x < 180; x++) centre += mask.data[y * loop.cols + x];
  assert.ok(centre < 40, `${centre} static edge pixels in the moving heart`);
});

Deno.test("staticOverlay is empty for single frames and still loops", () => {
  const still = createVolume({
    frames: 4,
    rows: 20,
    cols: 20,
    channels: 1,
    type: "uint8",
    meta: { format: "video" },
  });
  still.data.fill(50);
  for (let f = 0; f < 4; f++) still.data.fill(255, f * 400 + 100, f * 400 + 110);
  assert.deepEqual(staticOverlay(still).regions, []);
  const single = createVolume({
    frames: 1,
    rows: 20,
    cols: 20,
    channels: 3,
    type: "uint8",
    meta: { format: "image" },
  });
  assert.equal(staticOverlay(single).movingFraction, 0);
});
