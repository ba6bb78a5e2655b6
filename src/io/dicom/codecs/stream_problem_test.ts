import assert from "node:assert/strict";
import dicomParser from "dicom-parser";
import { CorruptFileError } from "../../../errors.ts";
import { codecFor } from "../codec_registry.ts";
import { describePixels } from "../image_info.ts";
import { decodeCodedFrame } from "../read_dicom.ts";
import { encodeHtj2kLossless } from "./htj2k.ts";
import { j2kStructure, j2kTileLocation } from "./j2k_structure.ts";
import { htj2kStreamProblem } from "./stream_problem.ts";

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

Deno.test("decodeCodedFrame: a tile-part index past the tile's tile-part count names the SOT fields (fuzz seed 47, #9668)", async () => {
  // codestream-header set TPsot of the only tile-part to 0xE7; OpenJPEG then decoded no samples.
  const message = await failure("US1_J2KI.dcm", (stream) => {
    stream[118 + 10] = 0xe7;
    return stream;
  });
  assert.equal(
    message,
    "in/a.dcm: JPEG 2000 frame 0: JPEG 2000 tile-part 0 (SOT at byte 118) gives tile-part index (TPsot) 231, but its tile 0 has 1 tile-part (TNsot)",
  );
});

Deno.test("decodeCodedFrame: a marker code inside the tile data is located (fuzz seed 44, #2390)", async () => {
  // byte-smash set 4 bytes of the tile data to FF; OpenJPEG then decoded no samples.
  const message = await failure("MR_small_jp2klossless.dcm", (stream) => {
    stream.set([0xff, 0xff, 0xff, 0xff], 264);
    return stream;
  });
  assert.equal(
    message,
    "in/a.dcm: JPEG 2000 frame 0: JPEG 2000 tile-part 0 (SOT at byte 122) has the marker code FFFF at byte 264 inside its coded data (bytes 136-4312), where none but SOP/EPH may appear",
  );
});

Deno.test("decodeCodedFrame: a Part 1 stream under an HTJ2K transfer syntax says so (fuzz seed 41, #5830)", async () => {
  const { stream, pixels } = firstFrame("MR_small_jp2klossless.dcm");
  const htj2k = codecFor("1.2.840.10008.1.2.4.201")!;
  await assert.rejects(decodeCodedFrame(htj2k, stream, pixels, "in/a.dcm", 0), (error: Error) => {
    assert.ok(error instanceof CorruptFileError, error.name);
    assert.equal(
      error.message,
      "in/a.dcm: HTJ2K frame 0: the code stream is Part 1 JPEG 2000, not the HTJ2K that (0002,0010) names: no CAP marker for Part 15, and the COD at byte 45 sets code-block style 0x00 (no HT bit 0x40)",
    );
    return true;
  });
  // A real HTJ2K stream of the same image passes both checks.
  const mr = dicomParser.parseDicom(
    Deno.readFileSync(new URL("../../../../../shared/data/public/dicom/MR_small.dcm", import.meta.url)),
  );
  const raw = mr.byteArray.slice(mr.elements.x7fe00010.dataOffset, mr.elements.x7fe00010.dataOffset + 8192);
  const encoded = await encodeHtj2kLossless(new Int16Array(raw.buffer), {
    rows: 64,
    cols: 64,
    components: 1,
    bitsPerSample: 16,
    signed: true,
  });
  assert.equal(htj2kStreamProblem(encoded, pixels), undefined);
  assert.equal(j2kStructure(encoded).problem, undefined);
});

Deno.test("j2kTileLocation: each tile-part's SOT and coded data bytes", () => {
  assert.equal(
    j2kTileLocation(firstFrame("MR_small_jp2klossless.dcm").stream),
    "tile 0: tile-part SOT at byte 122, data bytes 136-4312 of the code stream",
  );
  assert.equal(j2kTileLocation(new Uint8Array([0xff, 0x4f])), undefined);
});

Deno.test("decodeCodedFrame: rejected streams do not break the decoder for the next, sound ones (fuzz seed 42)", async () => {
  // A code stream of its SOC marker alone makes OpenJPEG throw a C++ exception; after eight of those the
  // shared module failed on sound streams too ("memory access out of bounds"), so they were skipped.
  const { stream, pixels, codec } = firstFrame("MR_small_jp2klossless.dcm");
  for (let round = 0; round < 12; round++) {
    await assert.rejects(
      decodeCodedFrame(codec, stream.subarray(0, 2), pixels, "in/a.dcm", 0),
      CorruptFileError,
    );
    const decoded = await decodeCodedFrame(codec, stream, pixels, "in/b.dcm", 0);
    assert.equal(decoded.samples.length, 64 * 64, `round ${round}`);
  }
});

Deno.test("decodeCodedFrame: a COD field out of range is named, not blamed on the tile data (fuzz seed 34, #554)", async () => {
  // One of 29 bit flips set the COD progression order to 8; OpenJPEG then decoded no samples.
  const message = await failure("MR_small_jp2klossless.dcm", (stream) => {
    stream[50] = 8;
    return stream;
  });
  assert.equal(
    message,
    "in/a.dcm: JPEG 2000 frame 0: JPEG 2000 COD segment at byte 45 gives progression order 8 (0-4 are defined)",
  );
  const blocks = await failure("MR_small_jp2klossless.dcm", (stream) => {
    stream[55] = 7; // code-block width exponent 2^9 with the height's 2^6: over 4096 samples
    return stream;
  });
  assert.match(blocks, /COD segment at byte 45 gives code-blocks of 2\^9 x 2\^\d+ samples/);
});
