import assert from "node:assert/strict";
import { openFrameSource } from "./frame_source.ts";
import { readVolume } from "./read.ts";
import { openVideoFrameSource } from "./video_frame_source.ts";

const VIDEO = new URL("../../../shared/data/public/video/", import.meta.url);
const OPTIONS = { maxBytes: 2 ** 32, maxFrameBytes: 2 ** 30 };

function assertSameBytes(actual: Uint8Array, expected: Uint8Array, label: string): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  const differing = actual.findIndex((value, index) => value !== expected[index]);
  assert.equal(differing, -1, `${label}: first differing byte`);
}

for (const name of ["sonosite_echo_pla_30f_derived.mp4", "sonosite_echo_pla_30f_derived.avi"]) {
  Deno.test(`video source ${name}: forward, skipping and backwards requests give readVolume's frames`, async () => {
    const path = new URL(name, VIDEO).pathname;
    const whole = await readVolume(path);
    const frameBytes = whole.rows * whole.cols * 3;
    const frame = (index: number) =>
      (whole.data as Uint8Array).subarray(index * frameBytes, (index + 1) * frameBytes);
    const source = await openVideoFrameSource(path, { label: name, ...OPTIONS });
    try {
      assert.equal(source.frames, whole.frames);
      // 0, then a short skip (drained), a long skip (restart at the target), then backwards (restart).
      for (const index of [0, 1, 5, 27, 3, 4, 29, 0]) {
        assertSameBytes(
          (await source.readFrames(index, index + 1)).data as Uint8Array,
          frame(index),
          `${name} #${index}`,
        );
      }
    } finally {
      await source.close(); // with ffmpeg still running on the last restart
    }
  });
}

Deno.test("video source refuses videos over maxBytes before decoding", async () => {
  const path = new URL("sonosite_echo_pla_30f_derived.mp4", VIDEO).pathname;
  await assert.rejects(openFrameSource(path, { maxBytes: 29 * 320 * 240 * 3 }), { kind: "TooLarge" });
});

Deno.test("video source reports a damaged video as CorruptFile naming the label", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const bytes = await Deno.readFile(new URL("sonosite_echo_pla_30f_derived.mp4", VIDEO));
    const path = `${dir}/cut.mp4`;
    await Deno.writeFile(path, bytes.subarray(0, bytes.length >> 1));
    const error = await (async () => {
      const source = await openFrameSource(path, { label: "clip-3" });
      try {
        await source.readFrames(0, source.frames);
      } finally {
        await source.close();
      }
    })().catch((caught) => caught);
    const wholeError = await readVolume(path, { label: "clip-3" }).catch((caught) => caught);
    assert.equal(wholeError?.kind, "CorruptFile");
    assert.equal(error?.kind, "CorruptFile");
    assert.match(error.message, /^clip-3: /);
    // Same reason on both paths: the cut mdat box, with its offset and sizes.
    const reason =
      'clip-3: MP4 box "mdat" at byte 1165 declares 51057 bytes, but the file ends 24946 bytes after its start';
    assert.equal(error.message, reason);
    assert.equal(wholeError.message, reason);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
