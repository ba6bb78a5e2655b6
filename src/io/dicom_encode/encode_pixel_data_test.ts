import assert from "node:assert/strict";
import { encodePixelData } from "./encode_pixel_data.ts";
import { decodeHtj2k } from "./htj2k.ts";
import { decodeJpegLs } from "./jpegls.ts";
import { bitsNeeded } from "./frame_bits.ts";
import { createVolume } from "../../volume.ts";

Deno.test("bitsNeeded grows past the declared Bits Stored when samples need it", () => {
  assert.equal(bitsNeeded(new Uint8Array([0, 255]), 8), 8);
  assert.equal(bitsNeeded(new Uint16Array([0, 4095]), 12), 12);
  assert.equal(bitsNeeded(new Uint16Array([0, 4096]), 12), 13);
  assert.equal(bitsNeeded(new Int16Array([-2048, 2047]), 12), 12);
  assert.equal(bitsNeeded(new Int16Array([-2049, 0]), 12), 13);
});

Deno.test("signed 16-bit and tiny odd-sized frames survive HTJ2K and JPEG-LS bit-exact", async () => {
  const signed = createVolume({
    frames: 2,
    rows: 37,
    cols: 53,
    channels: 1,
    type: "int16",
    meta: { format: "dicom" },
  });
  signed.data.forEach((_, index) => signed.data[index] = ((index * 7919) % 6000) - 3000);
  const tiny = createVolume({
    frames: 1,
    rows: 3,
    cols: 3,
    channels: 3,
    type: "uint8",
    meta: { format: "dicom" },
  });
  tiny.data.forEach((_, index) => tiny.data[index] = (index * 37) % 256);
  for (const volume of [signed, tiny]) {
    for (const codec of ["htj2k", "jpegls"] as const) {
      const encoded = await encodePixelData(volume, codec, { bitsStored: 12 });
      assert.equal(encoded.fragments.length, volume.frames);
      const original = new Uint8Array(volume.data.buffer);
      const frameBytes = original.length / volume.frames;
      for (let frame = 0; frame < volume.frames; frame++) {
        const decoded = codec === "htj2k"
          ? await decodeHtj2k(encoded.fragments[frame])
          : await decodeJpegLs(encoded.fragments[frame]);
        assert.deepEqual(
          decoded,
          original.subarray(frame * frameBytes, (frame + 1) * frameBytes),
          `${codec} ${frame}`,
        );
      }
    }
  }
});

Deno.test("raw output is even-length and colour photometric depends on the codec", async () => {
  const odd = createVolume({
    frames: 1,
    rows: 3,
    cols: 3,
    channels: 3,
    type: "uint8",
    meta: { format: "image" },
  });
  const raw = await encodePixelData(odd, "raw");
  assert.equal(raw.fragments[0].length, 28);
  assert.equal(raw.photometric, "RGB");
  assert.equal((await encodePixelData(odd, "htj2k")).photometric, "YBR_RCT");
  assert.equal((await encodePixelData(odd, "jpegls")).photometric, "RGB");
  const grey16 = createVolume({
    frames: 1,
    rows: 8,
    cols: 8,
    channels: 1,
    type: "uint16",
    meta: { format: "image" },
  });
  await assert.rejects(encodePixelData(grey16, "jpeg"), TypeError);
});
