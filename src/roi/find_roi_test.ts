import assert from "node:assert/strict";
import { toDisplay8 } from "../display.ts";
import { readDicom } from "../io/dicom/read_dicom.ts";
import { diceScore } from "../metrics.ts";
import { createVolume, type Mask, type Volume } from "../volume.ts";
import { findRoi, type RoiMethod } from "./find_roi.ts";
import { maskArea } from "./plane.ts";
import { type ScanShape, shapeMask, syntheticScan } from "./testdata/synthetic_scan.ts";

const dicomDir = new URL("../../../shared/data/public/dicom/", import.meta.url);

async function read(name: string): Promise<Volume> {
  const path = new URL(name, dicomDir).pathname;
  return toDisplay8(await readDicom(await Deno.readFile(path), { path }));
}

/**
 * Measured on frames rendered by dcmtk and by readDicom + toDisplay8 (viewed as PNG):
 * `scan` are points just inside the edges/corners of the scan area (and its deepest visible echoes),
 * `text` are the boxes [x0, y0, x1, y1] (inclusive) of banner text, icons, ECG and grey bars.
 */
interface RealCase {
  file: string;
  methods: RoiMethod[];
  kind?: string;
  scan: [number, number][];
  text: [number, number, number, number][];
}

const jpg: Omit<RealCase, "file"> = {
  methods: ["sector-fit"],
  kind: "phased",
  scan: [[438, 170], [594, 170], [515, 172], [560, 215], [141, 489], [900, 470], [656, 659], [512, 640], [
    600,
    650,
  ]],
  text: [
    [14, 26, 140, 42], // "Adult Echo"
    [828, 26, 982, 42], // TIS / MI
    [14, 54, 67, 113], // probe, rate, depth
    [83, 66, 335, 112], // measurement labels
    [14, 140, 69, 235], // 2D settings
    [934, 730, 991, 748], // heart rate
    [964, 80, 983, 91], // "M3"
    [15, 470, 88, 494], // "1.3 2.6"
    [6, 416, 95, 470], // orientation icon
    [64, 704, 376, 744], // ECG trace
    [965, 122, 982, 278], // grey bar
  ],
};
const ob: Omit<RealCase, "file"> = {
  methods: ["sector-fit"],
  kind: "curvilinear",
  scan: [[364, 70], [556, 70], [460, 100], [130, 412], [790, 412], [460, 512], [460, 300], [300, 380]],
  text: [
    [0, 0, 799, 59], // banner: name, ID, date, time, institution
    [4, 68, 75, 256], // probe and settings column
    [127, 80, 302, 102], // "+ Cist Mag 1.06 cm"
    [312, 62, 332, 82], // "P" orientation marker
    [140, 470, 190, 517], // "G" icon
  ],
};
const us1: Omit<RealCase, "file"> = {
  methods: ["sector-fit"],
  kind: "linear",
  scan: [[16, 110], [620, 110], [16, 334], [620, 334], [318, 220]],
  text: [
    [12, 26, 167, 103], // institution and IDs
    [280, 26, 357, 53], // clock
    [500, 25, 623, 103], // right block
    [250, 362, 357, 373], // "LYMPH NODE"
    [400, 458, 617, 469], // TIS / MI / AO
    [78, 445, 252, 455], // scale bar
    [307, 26, 330, 38], // logo
  ],
};
const cases: RealCase[] = [
  { file: "JPGLosslessP14SV1_1s_1f_8b.dcm", ...jpg },
  { file: "OBXXXX1A.dcm", ...ob },
  { file: "OBXXXX1A_2frame.dcm", ...ob },
  { file: "OBXXXX1A_rle_2frame.dcm", ...ob },
  { file: "OBXXXX1A_expb.dcm", ...ob },
  { file: "US1_UNCR.dcm", ...us1 },
  { file: "US1_J2KI.dcm", ...us1 },
  {
    file: "gdcm-US-ALOKA-16.dcm",
    methods: ["us-regions"],
    scan: [[34, 26], [637, 26], [34, 413], [637, 413], [335, 200], [337, 200]],
    text: [[0, 0, 639, 23], [0, 433, 639, 479]], // banner with name, date, time; settings footer
  },
  {
    file: "examples_ybr_color.dcm",
    methods: ["sector-fit", "morphology"],
    scan: [[160, 22], [180, 22], [50, 152], [295, 152], [175, 200], [120, 190], [230, 190]],
    text: [[2, 3, 35, 28], [298, 15, 315, 95], [44, 227, 274, 239], [288, 200, 294, 204]],
  },
];

function inside(mask: Mask, [x, y]: [number, number]): boolean {
  return mask.data[y * mask.cols + x] === 1;
}

function overlap(mask: Mask, [x0, y0, x1, y1]: [number, number, number, number]): number {
  let count = 0;
  for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) count += mask.data[y * mask.cols + x];
  return count;
}

for (const testCase of cases) {
  Deno.test(`findRoi us on ${testCase.file}: whole scan area kept, no banner text`, async () => {
    const volume = await read(testCase.file);
    const roi = findRoi(volume, "us");
    assert.ok(testCase.methods.includes(roi.method), `method ${roi.method}: ${roi.reason}`);
    if (testCase.kind) assert.equal(roi.geometry.kind, testCase.kind);
    for (const point of testCase.scan) {
      assert.ok(inside(roi.mask, point), `scan point ${point} outside the region`);
    }
    for (const box of testCase.text) {
      assert.equal(overlap(roi.mask, box), 0, `text box ${box} inside the region`);
    }
    assert.ok(roi.cropBox && roi.cropBox.width > 0 && roi.cropBox.height > 0);
    // The crop box is the mask's tight box.
    const { x, y, width, height } = roi.cropBox!;
    assert.ok(inside(roi.mask, [x, y]) || overlap(roi.mask, [x, y, x + width - 1, y]) > 0);
    assert.equal(overlap(roi.mask, [x, y, x + width - 1, y + height - 1]), maskArea(roi.mask));
  });
}

Deno.test("findRoi us: OBXXXX1A uses the consistent regions sequence, examples_ybr_color says why it ignores its", async () => {
  const ob = findRoi(await read("OBXXXX1A.dcm"), "us");
  assert.match(ob.reason ?? "", /ultrasound region/);
  assert.deepEqual(ob.geometry.bound, { x: 120, y: 60, width: 680, height: 459 });
  const ybr = findRoi(await read("examples_ybr_color.dcm"), "us");
  assert.match(ybr.reason ?? "", /ultrasound regions ignored: .* outside the 320x240 frame/);
});

Deno.test("findRoi us: OBXXXX1A without the regions sequence still fits the dark sector from its edges", async () => {
  const volume = await read("OBXXXX1A.dcm");
  const withRegions = findRoi(volume, "us");
  const withoutRegions = findRoi(volume, "us", { useUltrasoundRegions: false });
  assert.equal(withoutRegions.method, "sector-fit");
  assert.ok(diceScore(withoutRegions.mask, withRegions.mask) > 0.99);
});

Deno.test("findRoi us: a loop of one grey level is blank too; one brighter pixel is not", () => {
  const volume = createVolume({
    frames: 2,
    rows: 40,
    cols: 50,
    channels: 1,
    type: "uint8",
    meta: { format: "image" },
  });
  volume.data.fill(128);
  assert.match(findRoi(volume, "us").reason!, /blank/);
  volume.data[2 * 40 * 50 - 1] = 129; // last pixel of the second frame
  assert.doesNotMatch(findRoi(volume, "us").reason ?? "", /blank/);
});

Deno.test("findRoi us: an all-black loop gives method none, the full frame and a reason", () => {
  const volume = createVolume({
    frames: 3,
    rows: 60,
    cols: 80,
    channels: 3,
    type: "uint8",
    meta: { format: "image" },
  });
  const roi = findRoi(volume, "us");
  assert.equal(roi.method, "none");
  assert.match(roi.reason!, /blank/);
  assert.equal(maskArea(roi.mask), 60 * 80);
  assert.equal(roi.cropBox, null);
  for (const mode of ["deid", "one", "clean"] as const) assert.equal(findRoi(volume, mode).method, "none");
});

Deno.test("findRoi us: content filling the frame (no sector) gives none, not an empty crop", () => {
  const volume = createVolume({
    frames: 1,
    rows: 100,
    cols: 120,
    channels: 1,
    type: "uint8",
    meta: { format: "image" },
  });
  for (let i = 0; i < volume.data.length; i++) volume.data[i] = 40 + ((i * 7919) % 100);
  const roi = findRoi(volume, "us");
  assert.equal(roi.method, "none");
  assert.match(roi.reason!, /border/);
  assert.equal(maskArea(roi.mask), 100 * 120);
});

Deno.test("findRoi us: a sector cut by the image border gives none with the reason", () => {
  const shape: ScanShape = {
    kind: "phased",
    apexX: 320,
    apexY: 40,
    leftAngle: -45,
    rightAngle: 45,
    nearRadius: 0,
    farRadius: 560,
  };
  const { volume } = syntheticScan(shape, { rows: 480, cols: 640, frames: 1 });
  const roi = findRoi(volume, "us");
  assert.equal(roi.method, "none");
  assert.match(roi.reason!, /touches the image border/);
  assert.equal(roi.cropBox, null);
});

Deno.test("findRoi us: two side-by-side sectors without a regions sequence are both kept", () => {
  const rows = 300, cols = 640;
  const left: ScanShape = {
    kind: "phased",
    apexX: 160,
    apexY: 30,
    leftAngle: -35,
    rightAngle: 35,
    nearRadius: 0,
    farRadius: 240,
  };
  const right: ScanShape = { ...left, apexX: 480 };
  const volume = createVolume({
    frames: 1,
    rows,
    cols,
    channels: 1,
    type: "uint8",
    meta: { format: "image" },
  });
  const a = syntheticScan(left, { rows, cols, frames: 1, channels: 1, overlays: false });
  const b = syntheticScan(right, { rows, cols, frames: 1, channels: 1, overlays: false, seed: 9 });
  for (let i = 0; i < volume.data.length; i++) volume.data[i] = Math.max(a.volume.data[i], b.volume.data[i]);
  const truth = shapeMask(left, rows, cols);
  const other = shapeMask(right, rows, cols);
  for (let i = 0; i < truth.data.length; i++) truth.data[i] |= other.data[i];
  const roi = findRoi(volume, "us");
  assert.equal(roi.method, "sector-fit");
  assert.ok(diceScore(roi.mask, truth) > 0.99, `Dice ${diceScore(roi.mask, truth)}`);
});

Deno.test("findRoi us: ALOKA's two B-mode images are both kept through the regions sequence", async () => {
  const roi = findRoi(await read("gdcm-US-ALOKA-16.dcm"), "us");
  assert.equal(roi.method, "us-regions");
  assert.equal((roi.geometry.regions as unknown[]).length, 2);
  assert.deepEqual(roi.cropBox, { x: 32, y: 24, width: 608, height: 392 });
});

Deno.test("findRoi deid/one/clean on US1_UNCR after blanking its text", async () => {
  const volume = await read("US1_UNCR.dcm");
  // What the pipeline does before findRoi: text boxes blanked on every frame.
  for (const [x0, y0, x1, y1] of us1.text) {
    for (let y = y0; y <= y1; y++) {
      volume.data.fill(0, (y * volume.cols + x0) * 3, (y * volume.cols + x1 + 1) * 3);
    }
  }
  const deid = findRoi(volume, "deid");
  assert.equal(deid.method, "smallest");
  // Remaining content: the image with its side colour bars and arrow markers (x 2..632, y 108..337).
  assert.ok(deid.cropBox!.x <= 14 && deid.cropBox!.x + deid.cropBox!.width >= 623);
  assert.ok(deid.cropBox!.y <= 108 && deid.cropBox!.y + deid.cropBox!.height >= 337);
  const one = findRoi(volume, "one");
  assert.equal(one.method, "largest");
  // The bottom-left corner of the image is black (no echo): intensity-based modes cannot see it there.
  const litScan = us1.scan.filter(([x, y]) => !(x < 60 && y > 300));
  for (const point of litScan) assert.ok(inside(one.mask, point), `one: ${point}`);
  const clean = findRoi(volume, "clean");
  const kept = findRoi(volume, "clean", { keepColor: true });
  assert.equal(clean.method, "clean");
  // Doppler at (180, 210) is orange: removed by default, kept with keepColor.
  assert.equal(inside(clean.mask, [180, 210]), false);
  assert.equal(inside(kept.mask, [180, 210]), true);
  for (const point of litScan) assert.ok(inside(kept.mask, point), `clean keepColor: ${point}`);
});

Deno.test("findRoi converts 16-bit input for display first", () => {
  const volume = createVolume({
    frames: 1,
    rows: 40,
    cols: 40,
    channels: 1,
    type: "uint16",
    meta: { format: "dicom" },
  });
  for (let y = 10; y < 30; y++) for (let x = 10; x < 30; x++) volume.data[y * 40 + x] = 3000;
  const roi = findRoi(volume, "deid");
  assert.deepEqual(roi.cropBox, { x: 10, y: 10, width: 20, height: 20 });
});
