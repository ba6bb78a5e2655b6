import assert from "node:assert/strict";
import dicomParser from "dicom-parser";
import { CorruptFileError, TooLargeError, UnsupportedFormatError } from "../../errors.ts";
import type { PixelArray, Volume } from "../../volume.ts";
import { encodeHtj2kLossless } from "./codecs/htj2k.ts";
import { looksLikeDicom, readDicom } from "./read_dicom.ts";

const DICOM_DIR = new URL("../../../../shared/data/public/dicom/", import.meta.url);

function sample(name: string): Uint8Array {
  return Deno.readFileSync(new URL(name, DICOM_DIR));
}

function load(name: string, maxBytes?: number): Promise<Volume> {
  return readDicom(sample(name), { path: name, maxBytes });
}

function frameOf(volume: Volume, index: number): PixelArray {
  const size = volume.rows * volume.cols * volume.channels;
  return volume.data.subarray(index * size, (index + 1) * size);
}

function assertSamePixels(actual: PixelArray, expected: PixelArray, label: string): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  for (let index = 0; index < actual.length; index++) {
    if (actual[index] !== expected[index]) {
      assert.fail(`${label}: sample ${index} is ${actual[index]}, expected ${expected[index]}`);
    }
  }
}

function meanAbsoluteDifference(a: PixelArray, b: PixelArray): number {
  let sum = 0;
  for (let index = 0; index < a.length; index++) sum += Math.abs(a[index] - b[index]);
  return sum / a.length;
}

function distinctValues(data: PixelArray): number {
  return new Set(data).size;
}

/** Expected outcome for every public sample: shape, sample type and photometric after decoding. */
const EXPECTED: Record<
  string,
  {
    frames: number;
    rows: number;
    cols: number;
    channels: 1 | 3;
    type: string;
    photometric: string;
    source: string;
  } | { error: new (...args: never[]) => Error; reason: RegExp }
> = {
  "CT1_JPLL.dcm": {
    frames: 1,
    rows: 512,
    cols: 512,
    channels: 1,
    type: "Int16Array",
    photometric: "MONOCHROME2",
    source: "MONOCHROME2",
  },
  "CT2_JLSN.dcm": {
    frames: 1,
    rows: 512,
    cols: 512,
    channels: 1,
    type: "Int16Array",
    photometric: "MONOCHROME2",
    source: "MONOCHROME2",
  },
  "CT_small.dcm": {
    frames: 1,
    rows: 128,
    cols: 128,
    channels: 1,
    type: "Int16Array",
    photometric: "MONOCHROME2",
    source: "MONOCHROME2",
  },
  "ExplVR_BigEnd.dcm": {
    frames: 1,
    rows: 60,
    cols: 80,
    channels: 3,
    type: "Uint8Array",
    photometric: "RGB",
    source: "RGB",
  },
  "JPGExtended.dcm": {
    frames: 1,
    rows: 1024,
    cols: 256,
    channels: 1,
    type: "Uint16Array",
    photometric: "MONOCHROME2",
    source: "MONOCHROME2",
  },
  "JPGLosslessP14SV1_1s_1f_8b.dcm": {
    frames: 1,
    rows: 768,
    cols: 1024,
    channels: 1,
    type: "Uint8Array",
    photometric: "MONOCHROME2",
    source: "MONOCHROME2",
  },
  "MR-SIEMENS-DICOM-WithOverlays.dcm": {
    frames: 1,
    rows: 484,
    cols: 484,
    channels: 1,
    type: "Uint16Array",
    photometric: "MONOCHROME2",
    source: "MONOCHROME2",
  },
  "MR_small.dcm": {
    frames: 1,
    rows: 64,
    cols: 64,
    channels: 1,
    type: "Int16Array",
    photometric: "MONOCHROME2",
    source: "MONOCHROME2",
  },
  "MR_small_RLE.dcm": {
    frames: 1,
    rows: 64,
    cols: 64,
    channels: 1,
    type: "Int16Array",
    photometric: "MONOCHROME2",
    source: "MONOCHROME2",
  },
  "MR_small_bigendian.dcm": {
    frames: 1,
    rows: 64,
    cols: 64,
    channels: 1,
    type: "Int16Array",
    photometric: "MONOCHROME2",
    source: "MONOCHROME2",
  },
  "MR_small_implicit.dcm": {
    frames: 1,
    rows: 64,
    cols: 64,
    channels: 1,
    type: "Int16Array",
    photometric: "MONOCHROME2",
    source: "MONOCHROME2",
  },
  "MR_small_jp2klossless.dcm": {
    frames: 1,
    rows: 64,
    cols: 64,
    channels: 1,
    type: "Int16Array",
    photometric: "MONOCHROME2",
    source: "MONOCHROME2",
  },
  "MR_small_jpeg_ls_lossless.dcm": {
    frames: 1,
    rows: 64,
    cols: 64,
    channels: 1,
    type: "Int16Array",
    photometric: "MONOCHROME2",
    source: "MONOCHROME2",
  },
  "MR_truncated.dcm": {
    error: CorruptFileError,
    reason: /MR_truncated\.dcm: pixel data has 8130 bytes, 8192 expected/,
  },
  "OBXXXX1A.dcm": {
    frames: 1,
    rows: 600,
    cols: 800,
    channels: 3,
    type: "Uint8Array",
    photometric: "RGB",
    source: "PALETTE COLOR",
  },
  "OBXXXX1A_2frame.dcm": {
    frames: 2,
    rows: 600,
    cols: 800,
    channels: 3,
    type: "Uint8Array",
    photometric: "RGB",
    source: "PALETTE COLOR",
  },
  "OBXXXX1A_expb.dcm": {
    frames: 1,
    rows: 600,
    cols: 800,
    channels: 3,
    type: "Uint8Array",
    photometric: "RGB",
    source: "PALETTE COLOR",
  },
  "OBXXXX1A_rle_2frame.dcm": {
    frames: 2,
    rows: 600,
    cols: 800,
    channels: 3,
    type: "Uint8Array",
    photometric: "RGB",
    source: "PALETTE COLOR",
  },
  "SC_rgb_dcmtk_eb_cy_np.dcm": {
    frames: 1,
    rows: 100,
    cols: 100,
    channels: 3,
    type: "Uint8Array",
    photometric: "RGB",
    source: "YBR_FULL_422",
  },
  "SC_rgb_small_odd.dcm": {
    frames: 1,
    rows: 3,
    cols: 3,
    channels: 3,
    type: "Uint8Array",
    photometric: "RGB",
    source: "RGB",
  },
  "SC_ybr_full_422_uncompressed.dcm": {
    frames: 1,
    rows: 100,
    cols: 100,
    channels: 3,
    type: "Uint8Array",
    photometric: "RGB",
    source: "YBR_FULL_422",
  },
  "US1_J2KI.dcm": {
    frames: 1,
    rows: 480,
    cols: 640,
    channels: 3,
    type: "Uint8Array",
    photometric: "RGB",
    source: "YBR_ICT",
  },
  "US1_J2KR.dcm": {
    frames: 1,
    rows: 480,
    cols: 640,
    channels: 3,
    type: "Uint8Array",
    photometric: "RGB",
    source: "YBR_RCT",
  },
  "US1_RLE.dcm": {
    frames: 1,
    rows: 480,
    cols: 640,
    channels: 3,
    type: "Uint8Array",
    photometric: "RGB",
    source: "RGB",
  },
  "US1_UNCR.dcm": {
    frames: 1,
    rows: 480,
    cols: 640,
    channels: 3,
    type: "Uint8Array",
    photometric: "RGB",
    source: "RGB",
  },
  "color-pl.dcm": {
    frames: 1,
    rows: 120,
    cols: 256,
    channels: 3,
    type: "Uint8Array",
    photometric: "RGB",
    source: "RGB",
  },
  "color-px.dcm": {
    frames: 1,
    rows: 120,
    cols: 256,
    channels: 3,
    type: "Uint8Array",
    photometric: "RGB",
    source: "RGB",
  },
  "eCT_Supplemental.dcm": {
    frames: 2,
    rows: 512,
    cols: 512,
    channels: 1,
    type: "Uint16Array",
    photometric: "MONOCHROME2",
    source: "MONOCHROME2",
  },
  "emri_small.dcm": {
    frames: 10,
    rows: 64,
    cols: 64,
    channels: 1,
    type: "Uint16Array",
    photometric: "MONOCHROME2",
    source: "MONOCHROME2",
  },
  "examples_ybr_color.dcm": {
    frames: 30,
    rows: 240,
    cols: 320,
    channels: 3,
    type: "Uint8Array",
    photometric: "RGB",
    source: "YBR_FULL_422",
  },
  "gdcm-US-ALOKA-16.dcm": {
    frames: 1,
    rows: 480,
    cols: 640,
    channels: 3,
    type: "Uint8Array",
    photometric: "RGB",
    source: "PALETTE COLOR",
  },
  "image_dfl.dcm": {
    frames: 1,
    rows: 512,
    cols: 512,
    channels: 1,
    type: "Uint8Array",
    photometric: "MONOCHROME2",
    source: "MONOCHROME2",
  },
  "no_meta.dcm": {
    error: UnsupportedFormatError,
    reason: /no_meta\.dcm: no DICOM preamble\/File Meta .*no parsable dataset/,
  },
}; // deno-fmt-ignore

Deno.test("every public DICOM sample loads with its shape or fails with its specific error", async (t) => {
  const names = [...Deno.readDirSync(DICOM_DIR)].map((entry) => entry.name).sort();
  assert.deepEqual(names, Object.keys(EXPECTED).sort(), "expectation table covers exactly the sample folder");
  for (const name of names) {
    await t.step(name, async () => {
      const expected = EXPECTED[name];
      if ("error" in expected) {
        await assert.rejects(load(name), (error: Error) => {
          assert.ok(error instanceof expected.error, `${name}: ${error.name} is not ${expected.error.name}`);
          assert.match(error.message, expected.reason);
          return true;
        });
        return;
      }
      const volume = await load(name);
      assert.equal(volume.frames, expected.frames);
      assert.equal(volume.rows, expected.rows);
      assert.equal(volume.cols, expected.cols);
      assert.equal(volume.channels, expected.channels);
      assert.equal(volume.data.constructor.name, expected.type);
      assert.equal(volume.data.length, expected.frames * expected.rows * expected.cols * expected.channels);
      assert.equal(volume.meta.format, "dicom");
      assert.equal(volume.meta.photometric, expected.photometric);
      assert.equal(volume.meta.sourcePhotometric, expected.source);
      assert.ok(distinctValues(frameOf(volume, 0)) > 1, `${name}: frame 0 is not constant`);
    });
  }
});

Deno.test("US1: uncompressed = RLE = J2K lossless exactly; J2K lossy close", async () => {
  const reference = await load("US1_UNCR.dcm");
  assertSamePixels((await load("US1_RLE.dcm")).data, reference.data, "US1_RLE");
  assertSamePixels((await load("US1_J2KR.dcm")).data, reference.data, "US1_J2KR");
  const lossy = await load("US1_J2KI.dcm");
  const difference = meanAbsoluteDifference(lossy.data, reference.data);
  assert.ok(difference < 3, `US1_J2KI mean abs difference ${difference}`);
  assert.ok(difference > 0, "lossy really differs");
});

Deno.test("MR_small: six transfer syntaxes decode to identical signed pixels", async () => {
  const reference = await load("MR_small.dcm");
  assert.ok(reference.data instanceof Int16Array);
  for (
    const name of [
      "MR_small_implicit.dcm",
      "MR_small_bigendian.dcm",
      "MR_small_jpeg_ls_lossless.dcm",
      "MR_small_jp2klossless.dcm",
      "MR_small_RLE.dcm",
    ]
  ) {
    assertSamePixels((await load(name)).data, reference.data, name);
  }
  assert.equal(reference.meta.windowCenter, 600);
  assert.equal(reference.meta.windowWidth, 1600);
  assert.deepEqual(reference.meta.pixelSpacing, [0.3125, 0.3125]);
});

Deno.test("OBXXXX1A: LE = big endian OW (byte pairs swapped) = frame 0 of the 2-frame and RLE 2-frame files", async () => {
  const reference = await load("OBXXXX1A.dcm");
  assertSamePixels((await load("OBXXXX1A_expb.dcm")).data, reference.data, "OBXXXX1A_expb");
  const twoFrame = await load("OBXXXX1A_2frame.dcm");
  assertSamePixels(frameOf(twoFrame, 0), reference.data, "OBXXXX1A_2frame frame 0");
  const rle = await load("OBXXXX1A_rle_2frame.dcm");
  assertSamePixels(rle.data, twoFrame.data, "OBXXXX1A_rle_2frame");
  assert.ok(reference.meta.ultrasoundRegions && reference.meta.ultrasoundRegions.length > 0);
  const region = reference.meta.ultrasoundRegions[0];
  assert.deepEqual([region.x0, region.y0, region.x1, region.y1], [120, 60, 800, 518]); // x1 as written: one past
  assert.equal(region.spatialFormat, 1);
  assert.equal(region.referencePixelX0, 340);
});

Deno.test("color-pl (planar 1) equals color-px (planar 0) after interleaving", async () => {
  const planar = await load("color-pl.dcm");
  const interleaved = await load("color-px.dcm");
  assertSamePixels(planar.data, interleaved.data, "color-pl");
});

Deno.test("CT1_JPLL and CT2_JLSN give plausible Hounsfield units (air/lung near -1000, soft tissue near 0)", async () => {
  for (const name of ["CT1_JPLL.dcm", "CT2_JLSN.dcm"]) {
    const volume = await load(name);
    const slope = volume.meta.rescaleSlope ?? 1;
    const intercept = volume.meta.rescaleIntercept ?? 0;
    let inField = 0;
    let air = 0;
    let softTissue = 0;
    let maximum = -Infinity;
    for (const value of volume.data) {
      const hu = value * slope + intercept;
      if (hu < -1500) continue; // padding outside the scan field
      inField++;
      if (hu >= -1100 && hu <= -800) air++;
      if (hu >= -150 && hu <= 150) softTissue++;
      maximum = Math.max(maximum, hu);
    }
    assert.ok(air / inField > 0.1, `${name}: ${air} of ${inField} pixels are air/lung`);
    assert.ok(softTissue / inField > 0.2, `${name}: ${softTissue} of ${inField} pixels are soft tissue`);
    assert.ok(maximum > 200 && maximum < 4000, `${name}: bone present (max ${maximum} HU)`);
  }
});

Deno.test("examples_ybr_color: 30 RGB frames, grey stays grey (no YBR cast), frame timing", async () => {
  const volume = await load("examples_ybr_color.dcm");
  assert.equal(volume.meta.frameTimeMs, 33.333);
  assert.ok(Math.abs((volume.meta.frameRate ?? 0) - 30) < 0.01);
  let greyish = 0;
  let bright = 0;
  const frame = frameOf(volume, 0);
  for (let pixel = 0; pixel < frame.length; pixel += 3) {
    const [red, green, blue] = [frame[pixel], frame[pixel + 1], frame[pixel + 2]];
    if (red + green + blue < 150) continue;
    bright++;
    if (Math.max(red, green, blue) - Math.min(red, green, blue) < 20) greyish++;
  }
  // Overlay text, toolbar and B-mode are grey: a missing or doubled YBR conversion tints them all.
  assert.ok(bright > 500 && greyish / bright > 0.8, `${greyish} of ${bright} bright pixels are grey`);
  const regions = volume.meta.ultrasoundRegions ?? [];
  assert.deepEqual([regions[0]?.x0, regions[0]?.y0, regions[0]?.x1, regions[0]?.y1], [84, 31, 595, 414]);
});

Deno.test("gdcm-US-ALOKA-16: 16-bit segmented palette expands to RGB (pydicom's reference pixels, 8-bit)", async () => {
  const volume = await load("gdcm-US-ALOKA-16.dcm");
  assert.ok(volume.data instanceof Uint8Array);
  const rgbAt = (
    row: number,
    col: number,
  ) => [...volume.data.subarray((row * 640 + col) * 3, (row * 640 + col) * 3 + 3)];
  // pydicom's apply_color_lut gives 16-bit [10280, 11565, 16705], [0, 0, 0], [257, 257, 257], [2313, 2313, 2313]
  assert.deepEqual(rgbAt(0, 0), [40, 45, 65]);
  assert.deepEqual(rgbAt(479, 639), [40, 45, 65]);
  assert.deepEqual(rgbAt(240, 0), [0, 0, 0]);
  assert.deepEqual(rgbAt(240, 320), [1, 1, 1]);
  assert.deepEqual(rgbAt(240, 639), [9, 9, 9]);
  assert.ok(distinctValues(volume.data) > 50);
});

Deno.test("ExplVR_BigEnd is mostly yellow", async () => {
  const volume = await load("ExplVR_BigEnd.dcm");
  let yellow = 0;
  for (let pixel = 0; pixel < volume.data.length; pixel += 3) {
    if (volume.data[pixel] > 150 && volume.data[pixel + 1] > 150 && volume.data[pixel + 2] < 100) yellow++;
  }
  assert.ok(yellow > (volume.rows * volume.cols) / 2, `${yellow} yellow pixels`);
});

Deno.test("JPGExtended (12-bit DCT) decodes to 12-bit values with an image in them", async () => {
  const volume = await load("JPGExtended.dcm");
  let maximum = 0;
  for (const value of volume.data) maximum = Math.max(maximum, value);
  assert.ok(maximum > 255 && maximum < 4096, `max ${maximum}`);
  assert.equal(volume.meta.bitsStored, 12);
  assert.equal(volume.meta.transferSyntax, "1.2.840.10008.1.2.4.51");
});

Deno.test("uncompressed YBR_FULL_422 equals its JPEG twin within JPEG error; odd-length RGB loads", async () => {
  const uncompressed = await load("SC_ybr_full_422_uncompressed.dcm");
  const jpeg = await load("SC_rgb_dcmtk_eb_cy_np.dcm");
  assert.ok(meanAbsoluteDifference(uncompressed.data, jpeg.data) < 3);
  // The first colour bar is pure red.
  assert.deepEqual([...uncompressed.data.subarray(0, 3)], [254, 0, 0]);
  const odd = await load("SC_rgb_small_odd.dcm");
  assert.equal(odd.data.length, 27);
});

Deno.test("deflated, enhanced multi-frame and functional-group metadata", async () => {
  const deflated = await load("image_dfl.dcm");
  assert.equal(deflated.meta.transferSyntax, "1.2.840.10008.1.2.1.99");
  const enhancedMr = await load("emri_small.dcm");
  assert.notDeepEqual([...frameOf(enhancedMr, 0)], [...frameOf(enhancedMr, 9)]);
  const enhancedCt = await load("eCT_Supplemental.dcm");
  assert.equal(enhancedCt.meta.rescaleIntercept, -1024);
  assert.ok(enhancedCt.meta.pixelSpacing && enhancedCt.meta.pixelSpacing[0] > 0);
});

Deno.test("deflated dataset whose File Meta has no group length (0002,0000), or a non-zero preamble", async () => {
  // dicom-parser reads the inflated array from byte 0; without the 12-byte (0002,0000) element the old
  // inflater output ran out of step there ("buffer overrun"), though the file is valid without it.
  const bytes = sample("image_dfl.dcm");
  const reference = await readDicom(bytes, { path: "dfl.dcm" });
  const dropped = new Uint8Array(bytes.length - 12);
  dropped.set(bytes.subarray(0, 132));
  dropped.set(bytes.subarray(144), 132);
  assert.deepEqual([...bytes.subarray(132, 136)], [2, 0, 0, 0]); // (0002,0000) was at 132
  const volume = await readDicom(dropped, { path: "dfl_drop.dcm" });
  assert.equal(volume.meta.transferSyntax, "1.2.840.10008.1.2.1.99");
  assertSamePixels(volume.data, reference.data, "no group length");
  const preamble = bytes.slice();
  preamble.fill(0x41, 0, 128);
  assertSamePixels((await readDicom(preamble, { path: "dfl_pre.dcm" })).data, reference.data, "preamble");
});

Deno.test("damaged JPEG-LS scan data: the reason says where the scan is in the frame's code stream", async () => {
  const bytes = sample("CT2_JLSN.dcm");
  const fragment = dicomParser.parseDicom(bytes).elements.x7fe00010.fragments![0];
  const damaged = bytes.slice();
  damaged.fill(0, fragment.position + 20_000, fragment.position + 20_040);
  await assert.rejects(
    readDicom(damaged, { path: "ls.dcm" }),
    /^CorruptFileError: ls\.dcm: JPEG-LS frame 0: the entropy-coded scan data \(scan SOS at byte 30, data bytes 40-49367 of the code stream\) is damaged \(markers and headers are sound; decoder: no message\)$/,
  );
});

Deno.test("maxBytes refuses before decoding, naming the path", async () => {
  await assert.rejects(load("examples_ybr_color.dcm", 1_000_000), (error: Error) => {
    assert.ok(error instanceof TooLargeError);
    assert.match(error.message, /^examples_ybr_color\.dcm: 6\.6 MiB of pixels exceeds the limit/);
    return true;
  });
  const exact = await load("MR_small.dcm", 64 * 64 * 2);
  assert.equal(exact.data.length, 64 * 64);
});

Deno.test("broken headers: declared lengths past the end, garbage, empty input", async () => {
  const bytes = sample("MR_small.dcm");
  const parsed = dicomParser.parseDicom(bytes);
  const element = parsed.elements.x00080016; // SOP Class UID, a short-VR element before the pixels
  const broken = bytes.slice();
  new DataView(broken.buffer).setUint16(element.dataOffset - 2, 0xfffe, true);
  await assert.rejects(readDicom(broken, { path: "long.dcm" }), (error: Error) => {
    assert.ok(error instanceof CorruptFileError, error.name);
    assert.match(
      error.message,
      /^long\.dcm: DICOM tag \(0008,0016\) SOP Class UID at byte \d+ declares a value length of 65534 bytes, but the file ends \d+ bytes later$/,
    );
    return true;
  });
  const pixelLength = bytes.slice();
  new DataView(pixelLength.buffer).setUint32(parsed.elements.x7fe00010.dataOffset - 4, 0x7ffffff0, true);
  await assert.rejects(readDicom(pixelLength, { path: "huge.dcm" }), (error: Error) => {
    assert.ok(error instanceof CorruptFileError, error.name);
    assert.match(error.message, /^huge\.dcm: pixel data declares \d+ bytes but the file ends after \d+$/);
    return true;
  });
  await assert.rejects(readDicom(new Uint8Array(0), { path: "empty.dcm" }), UnsupportedFormatError);
  await assert.rejects(
    readDicom(new TextEncoder().encode("hello world, not an image"), { path: "t.dcm" }),
    UnsupportedFormatError,
  );
  const cutJ2k = sample("US1_J2KR.dcm").slice(0, 100_000);
  await assert.rejects(readDicom(cutJ2k, { path: "cut_j2k.dcm" }), (error: Error) => {
    assert.ok(error instanceof CorruptFileError, error.name);
    assert.equal(
      error.message,
      "cut_j2k.dcm: encapsulated pixel data is cut short (the file ends inside it)",
    );
    return true;
  });
  const cutBigEndian = sample("MR_small_bigendian.dcm").slice(0, 5000);
  await assert.rejects(
    readDicom(cutBigEndian, { path: "be.dcm" }),
    /^CorruptFileError: be\.dcm: pixel data has 3484 bytes, 8192 expected$/,
  );
  const cut = bytes.slice(0, 700); // inside the header
  await assert.rejects(
    readDicom(cut, { path: "cut.dcm" }),
    (error: Error) => error instanceof CorruptFileError,
  );
});

Deno.test("deflated dataset: corrupt stream and size limit", async () => {
  const bytes = sample("image_dfl.dcm");
  const metaEnd = new TextDecoder("latin1").decode(bytes).indexOf("1.2.840.10008.1.2.1.99") + 22;
  assert.ok(metaEnd > 150);
  const corrupt = bytes.slice();
  corrupt.fill(0xff, metaEnd + 40, metaEnd + 400);
  await assert.rejects(readDicom(corrupt, { path: "dfl.dcm" }), (error: Error) => {
    assert.ok(error instanceof CorruptFileError, error.name);
    assert.match(error.message, /^dfl\.dcm: /);
    return true;
  });
  await assert.rejects(load("image_dfl.dcm", 100_000), TooLargeError);
});

Deno.test("looksLikeDicom sniffs Part 10 files and preamble-less datasets", () => {
  assert.equal(looksLikeDicom(sample("US1_UNCR.dcm")), true);
  assert.equal(looksLikeDicom(sample("no_meta.dcm")), false); // stray leading byte
  assert.equal(looksLikeDicom(sample("no_meta.dcm").subarray(1)), true);
  assert.equal(looksLikeDicom(new TextEncoder().encode("GIF89a....")), false);
});

Deno.test("a preamble-less dataset (no_meta without its stray byte) loads as Implicit/Explicit LE", async () => {
  const volume = await readDicom(sample("no_meta.dcm").subarray(1), { path: "no_meta_fixed" });
  const reference = await load("CT_small.dcm");
  assertSamePixels(volume.data, reference.data, "no_meta vs CT_small");
  assert.ok(volume.meta.notes?.[0].includes("preamble"));
});

// ---- synthetic Part 10 files: HTJ2K and an encapsulated multi-frame with an empty offset table ----

const LONG_VRS = new Set(["OB", "OW", "SQ", "UN", "UT"]);

function element(group: number, number: number, vr: string, value: Uint8Array | string | number): Uint8Array {
  let body: Uint8Array;
  if (typeof value === "number") {
    body = new Uint8Array(2);
    new DataView(body.buffer).setUint16(0, value, true);
  } else if (typeof value === "string") {
    const text = value.length % 2 === 1 ? value + (vr === "UI" ? "\0" : " ") : value;
    body = new TextEncoder().encode(text);
  } else {
    body = value;
  }
  const long = LONG_VRS.has(vr);
  const header = new Uint8Array(long ? 12 : 8);
  const view = new DataView(header.buffer);
  view.setUint16(0, group, true);
  view.setUint16(2, number, true);
  header[4] = vr.charCodeAt(0);
  header[5] = vr.charCodeAt(1);
  if (long) view.setUint32(8, body.length, true);
  else view.setUint16(6, body.length, true);
  return concat([header, body]);
}

function item(tagElement: number, body: Uint8Array): Uint8Array {
  const header = new Uint8Array(8);
  const view = new DataView(header.buffer);
  view.setUint16(0, 0xfffe, true);
  view.setUint16(2, tagElement, true);
  view.setUint32(4, body.length, true);
  return concat([header, body]);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const output = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    output.set(part, offset);
    offset += part.length;
  }
  return output;
}

/** A minimal Explicit VR LE Part 10 file with encapsulated pixel data and an empty Basic Offset Table. */
function encapsulatedDicom(
  transferSyntax: string,
  image: {
    rows: number;
    cols: number;
    frames: number;
    samples: number;
    bits: number;
    signed: boolean;
    photometric: string;
  },
  fragments: Uint8Array[],
): Uint8Array {
  const meta = concat([
    element(0x0002, 0x0001, "OB", new Uint8Array([0, 1])),
    element(0x0002, 0x0010, "UI", transferSyntax),
  ]);
  const pixelHeader = new Uint8Array([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0, 0, 0xff, 0xff, 0xff, 0xff]);
  const pixelItems = [
    item(0xe000, new Uint8Array(0)),
    ...fragments.map((fragment) => item(0xe000, fragment)),
  ];
  const delimiter = new Uint8Array([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);
  return concat([
    new Uint8Array(128),
    new TextEncoder().encode("DICM"),
    element(0x0002, 0x0000, "UL", new Uint8Array(new Uint32Array([meta.length]).buffer)),
    meta,
    element(0x0028, 0x0002, "US", image.samples),
    element(0x0028, 0x0004, "CS", image.photometric),
    element(0x0028, 0x0008, "IS", String(image.frames)),
    element(0x0028, 0x0010, "US", image.rows),
    element(0x0028, 0x0011, "US", image.cols),
    element(0x0028, 0x0100, "US", image.bits),
    element(0x0028, 0x0101, "US", image.bits),
    element(0x0028, 0x0102, "US", image.bits - 1),
    element(0x0028, 0x0103, "US", image.signed ? 1 : 0),
    pixelHeader,
    ...pixelItems,
    delimiter,
  ]);
}

Deno.test("HTJ2K (.201): lossless round trip of MR_small (signed 16-bit) and US1 (RGB)", async () => {
  const mr = await load("MR_small.dcm");
  const mrStream = await encodeHtj2kLossless(mr.data as Int16Array, {
    rows: 64,
    cols: 64,
    components: 1,
    bitsPerSample: 16,
    signed: true,
  });
  const mrFile = encapsulatedDicom(
    "1.2.840.10008.1.2.4.201",
    { rows: 64, cols: 64, frames: 1, samples: 1, bits: 16, signed: true, photometric: "MONOCHROME2" },
    [mrStream],
  );
  const mrBack = await readDicom(mrFile, { path: "mr_htj2k.dcm" });
  assertSamePixels(mrBack.data, mr.data, "MR_small via HTJ2K");

  const us = await load("US1_UNCR.dcm");
  const usStream = await encodeHtj2kLossless(us.data as Uint8Array, {
    rows: 480,
    cols: 640,
    components: 3,
    bitsPerSample: 8,
    signed: false,
  });
  const usFile = encapsulatedDicom(
    "1.2.840.10008.1.2.4.203",
    { rows: 480, cols: 640, frames: 1, samples: 3, bits: 8, signed: false, photometric: "RGB" },
    [usStream.subarray(0, 1000), usStream.subarray(1000)], // one frame in two fragments
  );
  assertSamePixels((await readDicom(usFile, { path: "us_htj2k.dcm" })).data, us.data, "US1 via HTJ2K");
});

Deno.test("encapsulated multi-frame with an empty offset table and split fragments", async () => {
  const source = sample("examples_ybr_color.dcm");
  const parsed = dicomParser.parseDicom(source);
  const pixelData = parsed.elements.x7fe00010;
  const streams = [0, 1, 2].map((index) => dicomParser.readEncapsulatedImageFrame(parsed, pixelData, index));
  const fragments = streams.flatMap((stream) => {
    const half = stream.length >> 1;
    return [stream.subarray(0, half), stream.subarray(half)];
  });
  const file = encapsulatedDicom(
    "1.2.840.10008.1.2.4.50",
    { rows: 240, cols: 320, frames: 3, samples: 3, bits: 8, signed: false, photometric: "YBR_FULL_422" },
    fragments,
  );
  const volume = await readDicom(file, { path: "split.dcm" });
  const reference = await load("examples_ybr_color.dcm");
  assertSamePixels(volume.data, reference.data.subarray(0, volume.data.length), "3 frames from 6 fragments");
  const short = encapsulatedDicom(
    "1.2.840.10008.1.2.4.50",
    { rows: 240, cols: 320, frames: 4, samples: 3, bits: 8, signed: false, photometric: "YBR_FULL_422" },
    fragments,
  );
  await assert.rejects(
    readDicom(short, { path: "short.dcm" }),
    /short\.dcm: encapsulated pixel data holds 3/,
  );
  const garbage = encapsulatedDicom(
    "1.2.840.10008.1.2.4.90",
    { rows: 240, cols: 320, frames: 1, samples: 3, bits: 8, signed: false, photometric: "RGB" },
    [new Uint8Array(64).fill(7)],
  );
  await assert.rejects(readDicom(garbage, { path: "garbage.dcm" }), (error: Error) => {
    assert.ok(error instanceof CorruptFileError, error.name);
    assert.match(
      error.message,
      /^garbage\.dcm: JPEG 2000 frame 0: JPEG 2000 code stream does not start with an SOC marker \(FF4F\)$/,
    );
    return true;
  });
  const unknown = encapsulatedDicom(
    "1.2.840.10008.1.2.4.110",
    { rows: 240, cols: 320, frames: 1, samples: 3, bits: 8, signed: false, photometric: "RGB" },
    [new Uint8Array(64)],
  );
  await assert.rejects(readDicom(unknown, { path: "jxl.dcm" }), UnsupportedFormatError);
});
