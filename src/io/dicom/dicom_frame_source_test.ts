import assert from "node:assert/strict";
import { syntheticFrame, writeLargeDicom } from "../../../scripts/make_large_dicom.ts";
import type { PixelArray } from "../../volume.ts";
import { openFrameSource } from "../frame_source.ts";
import { readVolume } from "../read.ts";
import { type FragmentInfo, fragmentRangesPerFrame } from "./dicom_frame_source.ts";

const REPO = new URL("../../../", import.meta.url);

function assertSamePixels(actual: PixelArray, expected: PixelArray, label: string): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  for (let index = 0; index < actual.length; index++) {
    if (actual[index] !== expected[index]) {
      assert.fail(`${label}: sample ${index} is ${actual[index]}, expected ${expected[index]}`);
    }
  }
}

function fragment(offset: number, length: number, startsCodeStream: boolean): FragmentInfo {
  return { offset, position: 1000 + offset + 8, length, startsCodeStream };
}

async function withTempDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "logik_frame_source_" });
  try {
    await run(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("fragmentRangesPerFrame follows the Basic Offset Table when it has one entry per frame", () => {
  const fragments = [fragment(0, 10, true), fragment(18, 10, false), fragment(36, 10, true)];
  assert.deepEqual(fragmentRangesPerFrame(fragments, [0, 36], 2), [[0, 2], [2, 3]]);
  assert.throws(
    () => fragmentRangesPerFrame(fragments, [0, 20], 2),
    /Basic Offset Table entry 1 \(offset 20\) does not point at the start of a pixel data fragment/,
  );
});

Deno.test("fragmentRangesPerFrame without a table: all for one frame, one each, else split at code-stream starts", () => {
  const fragments = [
    fragment(0, 10, true),
    fragment(18, 10, false),
    fragment(36, 10, true),
    fragment(54, 4, false),
  ];
  assert.deepEqual(fragmentRangesPerFrame(fragments, [], 1), [[0, 4]]);
  assert.deepEqual(fragmentRangesPerFrame(fragments, [], 4), [[0, 1], [1, 2], [2, 3], [3, 4]]);
  assert.deepEqual(fragmentRangesPerFrame(fragments, [], 2), [[0, 2], [2, 4]]);
  assert.throws(() => fragmentRangesPerFrame(fragments, [], 3), /2 code streams, 3 frames expected/);
  assert.throws(() => fragmentRangesPerFrame([], [], 1), /no fragments/);
});

Deno.test("generated JPEG DICOMs stream like readVolume with an empty table, a filled table and split fragments", async () => {
  await withTempDir(async (dir) => {
    const variants = [
      { name: "empty_table.dcm", offsetTable: false, fragmentsPerFrame: 1 },
      { name: "filled_table_split.dcm", offsetTable: true, fragmentsPerFrame: 3 },
      { name: "empty_table_split.dcm", offsetTable: false, fragmentsPerFrame: 2 },
    ];
    for (const variant of variants) {
      const path = `${dir}/${variant.name}`;
      await writeLargeDicom(path, { frames: 9, rows: 120, cols: 160, jpeg: true, ...variant });
      const whole = await readVolume(path);
      const source = await openFrameSource(path);
      try {
        assert.deepEqual(source.meta, whole.meta, variant.name);
        assert.equal(source.meta.photometric, "RGB");
        const frameSamples = 120 * 160 * 3;
        for (const [start, end] of [[0, 9], [4, 6], [8, 9], [0, 1]]) {
          const range = await source.readFrames(start, end);
          assertSamePixels(
            range.data,
            whole.data.subarray(start * frameSamples, end * frameSamples),
            `${variant.name} [${start}, ${end})`,
          );
        }
      } finally {
        await source.close();
      }
    }
  });
});

Deno.test("generated native DICOM frames are the synthetic frames, in any order", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/native.dcm`;
    await writeLargeDicom(path, { frames: 5, rows: 30, cols: 40 });
    const source = await openFrameSource(path);
    try {
      for (const frame of [4, 0, 2]) {
        assertSamePixels(
          (await source.readFrames(frame, frame + 1)).data,
          syntheticFrame(frame, 30, 40),
          `frame ${frame}`,
        );
      }
    } finally {
      await source.close();
    }
  });
});

Deno.test("truncated generated DICOMs fail with the whole-file reader's error", async () => {
  await withTempDir(async (dir) => {
    for (const jpeg of [false, true]) {
      const path = `${dir}/${jpeg ? "jpeg" : "native"}.dcm`;
      const { bytes } = await writeLargeDicom(path, { frames: 4, rows: 60, cols: 80, jpeg });
      await Deno.truncate(path, bytes - 1000);
      const wholeError = await readVolume(path, { label: "cut.dcm" }).catch((error) => error);
      const streamError = await openFrameSource(path, { label: "cut.dcm" }).catch((error) => error);
      assert.equal(wholeError?.kind, "CorruptFile", `whole-file, jpeg=${jpeg}`);
      assert.equal(streamError?.kind, "CorruptFile", `stream, jpeg=${jpeg}`);
      if (!jpeg) assert.equal(streamError.message, wholeError.message);
    }
  });
});

Deno.test("a ~300 MB multi-frame DICOM streams frame by frame in bounded memory", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/large.dcm`;
    const written = await writeLargeDicom(path, { bytes: 300 * 2 ** 20 });
    assert.ok(written.frames > 200);
    // A fresh process, so the peak (VmHWM) is this read alone, not this test runner's history.
    const child = `
      const { openFrameSource } = await import(${
      JSON.stringify(new URL("src/io/frame_source.ts", REPO).href)
    });
      const source = await openFrameSource(${JSON.stringify(path)}, { label: "large.dcm" });
      let checksum = 0;
      for (let frame = 0; frame < source.frames; frame++) {
        const one = await source.readFrames(frame, frame + 1);
        checksum = (checksum + one.data[frame % one.data.length]) % 1000003;
      }
      await source.close();
      const peak = Deno.readTextFileSync("/proc/self/status").match(/^VmHWM:\\s+(\\d+)\\s+kB/m)[1];
      console.log(JSON.stringify({ frames: source.frames, peakMb: Number(peak) / 1024, checksum }));
    `;
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["eval", child],
      cwd: new URL(".", REPO).pathname,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(output.success, new TextDecoder().decode(output.stderr));
    const result = JSON.parse(new TextDecoder().decode(output.stdout).trim());
    assert.equal(result.frames, written.frames);
    let expected = 0;
    const rows = 600, cols = 800;
    for (let frame = 0; frame < written.frames; frame++) {
      expected = (expected + syntheticFrame(frame, rows, cols)[frame % (rows * cols * 3)]) % 1000003;
    }
    assert.equal(result.checksum, expected, "streamed pixels match the generated frames");
    assert.ok(
      result.peakMb < 250,
      `peak RSS ${result.peakMb.toFixed(0)} MB for a ${written.bytes >> 20} MB file`,
    );
  });
});
