import assert from "node:assert/strict";
import dicomParser from "dicom-parser";
import { jpegFrameHeader } from "./jpeg_markers.ts";

function firstFrame(name: string): Uint8Array {
  const bytes = Deno.readFileSync(
    new URL(`../../../../../shared/data/public/dicom/${name}`, import.meta.url),
  );
  const dataSet = dicomParser.parseDicom(bytes);
  const pixelData = dataSet.elements.x7fe00010;
  return dicomParser.readEncapsulatedPixelDataFromFragments(
    dataSet,
    pixelData,
    0,
    pixelData.fragments!.length,
  );
}

Deno.test("jpegFrameHeader reads precision, size and components of real DICOM JPEG streams", () => {
  assert.deepEqual(jpegFrameHeader(firstFrame("JPGExtended.dcm")), {
    marker: 0xc1,
    precision: 12,
    rows: 1024,
    cols: 256,
    components: 1,
  });
  const baseline = jpegFrameHeader(firstFrame("SC_rgb_dcmtk_eb_cy_np.dcm"));
  assert.equal(baseline?.precision, 8);
  assert.equal(baseline?.components, 3);
  assert.equal(jpegFrameHeader(firstFrame("CT1_JPLL.dcm"))?.marker, 0xc3);
  assert.equal(jpegFrameHeader(new Uint8Array([0xff, 0xd8, 0xff, 0xda, 0, 2])), undefined);
  assert.equal(jpegFrameHeader(new Uint8Array([1, 2, 3, 4])), undefined);
});
