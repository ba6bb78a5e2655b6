import assert from "node:assert/strict";
import type { PixelDescription } from "../image_info.ts";
import { decodeJpegBaseline } from "./jpeg_baseline.ts";

Deno.test("decodeJpegBaseline gives plain Uint8Array samples (libjpeg-turbo's WASM build returns clamped bytes)", async () => {
  // A baseline JPEG code stream, as it would sit in a DICOM fragment: 480x360, 3 components.
  const encoded = await Deno.readFile("fixtures/inputs/case_0004.jpg");
  const pixels: PixelDescription = {
    rows: 360,
    cols: 480,
    frames: 1,
    samplesPerPixel: 3,
    bitsAllocated: 8,
    bitsStored: 8,
    highBit: 7,
    signed: false,
    photometric: "YBR_FULL_422",
    planarConfiguration: 0,
  };
  const frame = await decodeJpegBaseline(encoded, pixels);
  // Anything but a Uint8Array is taken downstream for 16-bit words and masked sample by sample.
  assert.equal(frame.samples.constructor, Uint8Array);
  assert.equal(frame.samples.length, 360 * 480 * 3);
  assert.equal(frame.photometric, "RGB");
  assert.ok(frame.samples.some((value) => value > 200), "the decoded frame has bright text");
});
