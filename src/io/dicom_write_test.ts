import assert from "node:assert/strict";
import { readDicom } from "./dicom/read_dicom.ts";
import { deidentifyDicom, type DicomWriteOptions } from "./dicom_write.ts";
import { CorruptFileError } from "../errors.ts";
import type { Volume } from "../volume.ts";
import dcmjs from "dcmjs";
import { containsBytes, phiNeedles } from "../phi/phi_needles.ts";

const DATA = new URL("../../../shared/data/public/dicom/", import.meta.url);
const load = (name: string) => Deno.readFileSync(new URL(name, DATA));

async function roundTrip(name: string, options: DicomWriteOptions, crop: Volume | null = null) {
  const source = load(name);
  const volume = crop ?? await readDicom(source, { path: name });
  const result = await deidentifyDicom(source, { volume, crop: null, textRemoved: true }, options);
  return { source, volume, result };
}

async function dcmtk(tool: string, args: string[]): Promise<{ code: number; output: string }> {
  const { code, stdout, stderr } = await new Deno.Command(tool, { args, stdout: "piped", stderr: "piped" })
    .output();
  return { code, output: new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr) };
}

async function withTempFile<T>(bytes: Uint8Array, use: (path: string) => Promise<T>): Promise<T> {
  const path = await Deno.makeTempFile({ suffix: ".dcm" });
  try {
    await Deno.writeFile(path, bytes);
    return await use(path);
  } finally {
    await Deno.remove(path);
  }
}

function assertSamePixels(actual: Volume, expected: Volume, label: string) {
  assert.deepEqual(
    [actual.frames, actual.rows, actual.cols, actual.channels],
    [expected.frames, expected.rows, expected.cols, expected.channels],
    label,
  );
  assert.equal(actual.data.constructor, expected.data.constructor, label);
  assert.ok(actual.data.every((value, index) => value === expected.data[index]), `${label}: pixels differ`);
}

for (
  const [name, codec] of [
    ["US1_UNCR.dcm", "htj2k"],
    ["US1_UNCR.dcm", "jpegls"],
    ["OBXXXX1A.dcm", "htj2k"],
    ["OBXXXX1A_2frame.dcm", "jpegls"],
    ["CT_small.dcm", "htj2k"],
    ["CT_small.dcm", "jpegls"],
    ["MR-SIEMENS-DICOM-WithOverlays.dcm", "raw"],
    ["eCT_Supplemental.dcm", "htj2k"],
  ] as const
) {
  Deno.test(`${name} → ${codec}: dcmdump +E reads it cleanly and pixels decode bit-exact`, async () => {
    const { volume, result } = await roundTrip(name, { siteKey: "k", codec });
    assert.equal(result.codec, codec);
    const dump = await withTempFile(result.bytes, (path) => dcmtk("dcmdump", ["+E", path]));
    assert.equal(dump.code, 0, dump.output.slice(0, 400));
    assert.ok(
      !/^(E|W):|error/im.test(dump.output),
      dump.output.split("\n").filter((l) => /error|^[EW]:/i.test(l)).join("\n"),
    );
    const back = await readDicom(result.bytes, { path: "out.dcm" });
    assertSamePixels(back, volume, `${name} ${codec}`);
  });
}

Deno.test("JPEG-LS output also decodes bit-exact with dcmtk's dcmdjpls", async () => {
  const { volume, result } = await roundTrip("US1_UNCR.dcm", { siteKey: "k", codec: "jpegls" });
  const decoded = await withTempFile(result.bytes, async (path) => {
    const outPath = path + ".raw.dcm";
    const run = await dcmtk("dcmdjpls", [path, outPath]);
    assert.equal(run.code, 0, run.output);
    try {
      return dcmjs.data.DicomMessage.readFile(Deno.readFileSync(outPath).buffer).dict;
    } finally {
      Deno.removeSync(outPath);
    }
  });
  const pixels = new Uint8Array(decoded["7FE00010"].Value[0]);
  assert.equal(pixels.length, volume.data.length);
  assert.ok(pixels.every((value, index) => value === volume.data[index]));
});

Deno.test("JPEG baseline output is lossy, flagged as such, and close to the input", async () => {
  const { volume, result } = await roundTrip("US1_UNCR.dcm", { siteKey: "k", codec: "jpeg", quality: 95 });
  assert.equal(result.lossy, true);
  const header = dcmjs.data.DicomMessage.readFile(result.bytes.slice().buffer).dict;
  assert.equal(header["00282110"].Value[0], "01");
  const back = await readDicom(result.bytes, { path: "out.dcm" });
  let squared = 0;
  for (let i = 0; i < back.data.length; i++) squared += (back.data[i] - volume.data[i]) ** 2;
  const psnr = 10 * Math.log10(255 ** 2 / (squared / back.data.length));
  assert.ok(psnr > 35, `PSNR ${psnr.toFixed(1)} dB`);
  assert.ok(result.bytes.length < volume.data.byteLength / 4);
});

Deno.test('"lossless" picks the smaller of HTJ2K and JPEG-LS', async () => {
  const auto = await roundTrip("US1_UNCR.dcm", { siteKey: "k", codec: "lossless" });
  const htj2k = await roundTrip("US1_UNCR.dcm", { siteKey: "k", codec: "htj2k" });
  const jpegls = await roundTrip("US1_UNCR.dcm", { siteKey: "k", codec: "jpegls" });
  assert.equal(auto.result.bytes.length, Math.min(htj2k.result.bytes.length, jpegls.result.bytes.length));
});

for (const name of ["eCT_Supplemental.dcm", "MR-SIEMENS-DICOM-WithOverlays.dcm", "OBXXXX1A.dcm"]) {
  Deno.test(`no PHI value of ${name}'s header survives, as ASCII or UTF-16LE`, async () => {
    const { source, result } = await roundTrip(name, { siteKey: "k", codec: "htj2k" });
    const needles = phiNeedles(source);
    assert.ok(needles.length >= 8, `only ${needles.length} PHI values found in the fixture`);
    const leaks: string[] = [];
    for (const needle of needles) {
      const ascii = new TextEncoder().encode(needle);
      const utf16 = new Uint8Array(ascii.length * 2);
      ascii.forEach((byte, index) => utf16[index * 2] = byte);
      if (containsBytes(result.bytes, ascii) || containsBytes(result.bytes, utf16)) {
        leaks.push(needle.length + " chars");
      }
    }
    assert.deepEqual(leaks, [], "leaked values (lengths only, values stay out of logs)");
    const csv = result.actions.map((row) => `${row.tag},${row.name},${row.action}`).join("\n");
    for (const needle of needles) assert.ok(!csv.includes(needle), "action report must carry no values");
  });
}

function identifiers(bytes: Uint8Array): string[] {
  const { dict, meta } = dcmjs.data.DicomMessage.readFile(bytes.slice().buffer);
  return [
    meta["00020003"].Value[0],
    dict["00080018"].Value[0],
    dict["0020000D"].Value[0],
    dict["0020000E"].Value[0],
    dict["00200052"]?.Value?.[0],
    dict["00080020"]?.Value?.[0],
    dict["00080023"]?.Value?.[0],
  ].filter((value) => value !== undefined).map(String);
}

Deno.test("same input and key give identical UIDs and dates; another key matches none", async () => {
  const options = { siteKey: "site-one", retainDates: true, codec: "raw" as const };
  const first = identifiers((await roundTrip("eCT_Supplemental.dcm", options)).result.bytes);
  const second = identifiers((await roundTrip("eCT_Supplemental.dcm", options)).result.bytes);
  assert.deepEqual(second, first);
  const { dict, meta } = dcmjs.data.DicomMessage.readFile(
    (await roundTrip("eCT_Supplemental.dcm", options)).result.bytes.slice().buffer,
  );
  assert.equal(meta["00020003"].Value[0], dict["00080018"].Value[0], "file meta SOP Instance UID consistent");
  const other = identifiers(
    (await roundTrip("eCT_Supplemental.dcm", { ...options, siteKey: "site-two" })).result.bytes,
  );
  assert.equal(other.length, first.length);
  other.forEach((value, index) =>
    assert.notEqual(value, first[index], `identifier ${index} matches across keys`)
  );
});

Deno.test("crop: Rows/Columns follow the volume, ultrasound regions shift, clip and drop", async () => {
  const name = "OBXXXX1A.dcm";
  const source = load(name);
  const full = await readDicom(source, { path: name });
  const crop = { x: 150, y: 40, width: 500, height: 450 };
  const data = new Uint8Array(crop.width * crop.height * 3);
  for (let row = 0; row < crop.height; row++) {
    const start = ((row + crop.y) * full.cols + crop.x) * 3;
    data.set(full.data.subarray(start, start + crop.width * 3) as Uint8Array, row * crop.width * 3);
  }
  const volume: Volume = { ...full, rows: crop.height, cols: crop.width, data };
  const result = await deidentifyDicom(source, { volume, crop, textRemoved: false }, { siteKey: "k" });
  const dict = dcmjs.data.DicomMessage.readFile(result.bytes.slice().buffer).dict;
  assert.equal(dict["00280010"].Value[0], 450);
  assert.equal(dict["00280011"].Value[0], 500);
  assert.equal(dict["00280004"].Value[0], "YBR_RCT");
  assert.equal(dict["00281201"], undefined, "palette removed once pixels are RGB");
  assert.equal(dict["00280301"], undefined, "BurnedInAnnotation=NO only when text was removed");
  // Source regions: (120,60)-(800,518) ref (340,36) and (176,522)-(743,576): the second ends below row 490.
  const regions = dict["00186011"].Value as Record<string, { Value: number[] }>[];
  assert.equal(regions.length, 1);
  const region = regions[0];
  assert.deepEqual(
    ["00186018", "0018601A", "0018601C", "0018601E"].map((tag) => region[tag].Value[0]),
    [0, 20, 499, 449],
  );
  assert.equal(region["00186020"].Value[0], 340 - 30, "reference pixel follows the clipped left edge");
  const back = await readDicom(result.bytes, { path: "out.dcm" });
  assertSamePixels(back, volume, "cropped");
});

Deno.test("big-endian and deflated sources are de-identified too", async () => {
  for (const name of ["OBXXXX1A_expb.dcm", "image_dfl.dcm", "MR_small_bigendian.dcm"]) {
    const { volume, result } = await roundTrip(name, { siteKey: "k", codec: "jpegls" });
    const back = await readDicom(result.bytes, { path: "out.dcm" });
    assertSamePixels(back, volume, name);
  }
});

Deno.test("unparseable or truncated sources throw CorruptFileError naming the file, not values", async () => {
  const volume = await readDicom(load("MR_small.dcm"), { path: "MR_small.dcm" });
  for (const name of ["MR_truncated.dcm", "no_meta.dcm"]) {
    await assert.rejects(
      deidentifyDicom(load(name), { volume, crop: null, textRemoved: false }, {
        siteKey: "k",
        sourceName: name,
      }),
      (error: Error) => error instanceof CorruptFileError && error.message.startsWith(name),
    );
  }
  const broken = load("MR_small.dcm").slice(0, 600);
  await assert.rejects(
    deidentifyDicom(broken, { volume, crop: null, textRemoved: false }, {
      siteKey: "k",
      sourceName: "cut.dcm",
    }),
    CorruptFileError,
  );
});
