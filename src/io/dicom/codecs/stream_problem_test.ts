import assert from "node:assert/strict";
import dicomParser from "dicom-parser";
import { CorruptFileError } from "../../../errors.ts";
import { codecFor } from "../codec_registry.ts";
import { describePixels } from "../image_info.ts";
import { decodeCodedFrame } from "../read_dicom.ts";

function firstFrame(name: string) {
  const bytes = Deno.readFileSync(
    new URL(`../../../../../shared/data/public/dicom/${name}`, import.meta.url),
  );
  const dataSet = dicomParser.parseDicom(bytes);
  const element = dataSet.elements.x7fe00010;
  const stream = dicomParser.readEncapsulatedPixelDataFromFragments(
    dataSet,
    element,
    0,
    element.fragments!.length,
  );
  return { stream, pixels: describePixels(dataSet), codec: codecFor(dataSet.string("x00020010")!)! };
}

async function failure(name: string, mutate: (stream: Uint8Array) => Uint8Array): Promise<string> {
  const { stream, pixels, codec } = firstFrame(name);
  try {
    await decodeCodedFrame(codec, mutate(stream.slice()), pixels, "in/a.dcm", 0);
  } catch (error) {
    assert.ok(error instanceof CorruptFileError, (error as Error).name);
    return error.message;
  }
  throw new Error("decoded");
}

Deno.test("decodeCodedFrame: a JPEG-LS stream cut inside its scan says so, with the SOS offset", async () => {
  const message = await failure("MR_small_jpeg_ls_lossless.dcm", (stream) => stream.subarray(0, 400));
  assert.match(
    message,
    /^in\/a\.dcm: JPEG-LS frame 0: JPEG-LS scan \(SOS at byte \d+\) is cut short: the code stream ends at byte 400 with no EOI marker$/,
  );
});

Deno.test("decodeCodedFrame: a JPEG 2000 stream cut inside its tile-part names the tile-part", async () => {
  const message = await failure("MR_small_jp2klossless.dcm", (stream) => stream.subarray(0, 1000));
  assert.match(
    message,
    /^in\/a\.dcm: JPEG 2000 frame 0: JPEG 2000 tile-part 0 \(SOT at byte \d+\) declares \d+ bytes, but the code stream ends \d+ bytes later$/,
  );
});

Deno.test("decodeCodedFrame: a JPEG frame header of the wrong size is compared with Rows and Columns", async () => {
  const message = await failure("SC_rgb_dcmtk_eb_cy_np.dcm", (stream) => {
    let position = 2;
    while (stream[position + 1] !== 0xc0) {
      position += 2 + ((stream[position + 2] << 8) | stream[position + 3]);
    }
    stream[position + 8] = 50; // SOF0 width 100 -> 50
    return stream;
  });
  assert.equal(
    message,
    "in/a.dcm: JPEG Baseline/Extended frame 0: JPEG frame header image size 50x100 does not match the DICOM header's (0028,0011) Columns 100 x (0028,0010) Rows 100",
  );
});
