import assert from "node:assert/strict";
import { readDicom } from "../io/dicom/read_dicom.ts";
import { ultrasoundRegionBounds } from "./ultrasound_regions.ts";

const dicomDir = new URL("../../../shared/data/public/dicom/", import.meta.url);

async function read(name: string) {
  const path = new URL(name, dicomDir).pathname;
  return await readDicom(await Deno.readFile(path), { path });
}

Deno.test("examples_ybr_color: 640x480 regions on 320x240 pixels are ignored with a reason", async () => {
  const volume = await read("examples_ybr_color.dcm");
  const bounds = ultrasoundRegionBounds(volume.meta.ultrasoundRegions, volume.rows, volume.cols);
  assert.deepEqual(bounds.boxes, []);
  assert.match(bounds.reason!, /outside the 320x240 frame/);
  assert.match(bounds.reason!, /640x480/);
});

Deno.test("OBXXXX1A: the 2D region is kept (MaxX1 = Columns tolerated), the waveform region dropped", async () => {
  const volume = await read("OBXXXX1A.dcm");
  const bounds = ultrasoundRegionBounds(volume.meta.ultrasoundRegions, volume.rows, volume.cols);
  assert.equal(bounds.reason, undefined);
  assert.deepEqual(bounds.boxes, [{ x: 120, y: 60, width: 680, height: 459 }]);
});

Deno.test("gdcm-US-ALOKA-16: two side-by-side 2D regions, the small grey-bar region dropped", async () => {
  const volume = await read("gdcm-US-ALOKA-16.dcm");
  const bounds = ultrasoundRegionBounds(volume.meta.ultrasoundRegions, volume.rows, volume.cols);
  assert.deepEqual(bounds.boxes, [
    { x: 32, y: 24, width: 304, height: 392 },
    { x: 336, y: 24, width: 304, height: 392 },
  ]);
});

Deno.test("absent sequence and nested colour-flow boxes", () => {
  assert.match(ultrasoundRegionBounds(undefined, 10, 10).reason!, /no Sequence/);
  const bounds = ultrasoundRegionBounds(
    [
      { x0: 10, y0: 10, x1: 90, y1: 90, spatialFormat: 1, dataType: 1 },
      { x0: 30, y0: 30, x1: 60, y1: 60, spatialFormat: 1, dataType: 2 },
    ],
    100,
    100,
  );
  assert.deepEqual(bounds.boxes, [{ x: 10, y: 10, width: 81, height: 81 }]);
  assert.match(
    ultrasoundRegionBounds([{ x0: 0, y0: 0, x1: 50, y1: 50, spatialFormat: 3 }], 100, 100).reason!,
    /no 2D/,
  );
});
