import assert from "node:assert/strict";
import { videoFailureReason, videoStructure } from "./video_structure.ts";

const VIDEO_DIR = new URL("../../../shared/data/public/video/", import.meta.url);
const mp4 = Deno.readFileSync(new URL("sonosite_echo_pla_30f_derived.mp4", VIDEO_DIR));
const avi = Deno.readFileSync(new URL("sonosite_echo_pla_30f_derived.avi", VIDEO_DIR));

/** A copy with `values` written at `at`. */
function patched(bytes: Uint8Array, at: number, values: number[]): Uint8Array {
  const copy = bytes.slice();
  copy.set(values, at);
  return copy;
}

function without(bytes: Uint8Array, at: number, count: number): Uint8Array {
  const copy = new Uint8Array(bytes.length - count);
  copy.set(bytes.subarray(0, at));
  copy.set(bytes.subarray(at + count), at);
  return copy;
}

/** Offset of the first box or chunk named `type` (the samples hold each one once). */
function find(bytes: Uint8Array, type: string): number {
  const at = new TextDecoder("latin1").decode(bytes).indexOf(type);
  assert.ok(at >= 0, type);
  return at;
}

Deno.test("videoStructure: the public MP4 and AVI samples are sound", () => {
  const sound = videoStructure(mp4);
  assert.deepEqual({ ...sound, samples: sound.samples?.length }, {
    container: "MP4",
    frames: '30 "avc1" samples in "mdat" (bytes 1165-52222)',
    samples: 30,
  });
  assert.deepEqual(sound.samples?.[0], {
    name: '"avc1" sample 0 of 30 (decode order; 5997 bytes at byte 1173)',
    offset: 1173,
    size: 5997,
  });
  const soundAvi = videoStructure(avi);
  assert.deepEqual({ ...soundAvi, samples: soundAvi.samples?.length }, {
    container: "AVI",
    frames: '30 "MJPG" frames in "movi" (bytes 5632-181780)',
    samples: 30,
  });
  assert.deepEqual(soundAvi.samples?.[0], {
    name: '"MJPG" frame 0 of 30 ("00dc" chunk at byte 5644, 5651 bytes)',
    offset: 5652,
    size: 5651,
  });
  assert.deepEqual(videoStructure(new TextEncoder().encode("not a video at all")), {});
});

Deno.test("videoStructure: MP4 boxes cut, resized or pointing past the file", () => {
  const problem = (bytes: Uint8Array) => videoStructure(bytes).problem;
  assert.equal(
    problem(mp4.subarray(0, 40000)),
    'MP4 box "mdat" at byte 1165 declares 51057 bytes, but the file ends 38835 bytes after its start',
  );
  assert.equal(
    problem(mp4.subarray(0, 600)),
    'MP4 box "moov" at byte 32 declares 1125 bytes, but the file ends 568 bytes after its start',
  );
  assert.equal(
    problem(mp4.subarray(0, 36)),
    "MP4 box header at byte 32 is cut short: the file ends 4 bytes after it (8 needed)",
  );
  const stsz = find(mp4, "stsz") - 4;
  assert.equal(
    problem(patched(mp4, stsz, [0, 0, 0, 0])),
    'MP4 box "stsz" at byte 936 has size 0, less than its 8-byte header',
  );
  assert.match(
    problem(patched(mp4, stsz, [0, 0, 0x10, 0]))!,
    /^MP4 box "stsz" at byte 936 declares 4096 bytes, but its parent "stbl" \(byte 433\) ends \d+ bytes after its start$/,
  );
  const stco = find(mp4, "stco") - 4;
  assert.equal(
    problem(patched(mp4, stco + 16, [0, 1, 0, 0])),
    "MP4 video sample 0 (5997 bytes at byte 65536) runs past the end of the file (52222 bytes)",
  );
  // The first sample's first NAL length made larger than the sample.
  const first = new DataView(mp4.buffer).getUint32(stco + 16);
  assert.match(
    problem(patched(mp4, first, [0, 0, 0x40, 0]))!,
    /^MP4 video sample 0 \(5997 bytes at byte 1173\): the NAL unit at byte 1173 declares 16384 bytes, past the sample's end at byte 7170$/,
  );
  const moov = find(mp4, "moov");
  assert.equal(
    problem(patched(mp4, moov, [0x6d, 0x6f, 0x6f, 0x77])),
    'MP4 file has no "moov" box (the movie header with the sample tables)',
  );
  const hdlr = find(mp4, "hdlr");
  const noVideo = videoStructure(patched(mp4, hdlr + 12, [0x73, 0x6f, 0x75, 0x6e]));
  assert.equal(noVideo.noVideo, true);
  assert.match(noVideo.problem!, /has no video track/);
});

Deno.test("videoStructure: AVI chunks cut, resized, frames and index broken", () => {
  const problem = (bytes: Uint8Array) => videoStructure(bytes).problem;
  assert.equal(
    problem(avi.subarray(0, 100000)),
    'AVI chunk "RIFF" at byte 0 declares 182260 bytes, but the file ends 99992 bytes after its header',
  );
  // 100 bytes cut out of frame 2 (RIFF size fixed up): the walk finds no chunk id where frame 3 should start.
  const cut = without(avi, 20000, 100);
  new DataView(cut.buffer).setUint32(4, cut.length - 8, true);
  assert.equal(
    problem(cut),
    'AVI chunk at byte 22580 has id 0x90000100, not a FOURCC; the chunk before it, "00dc" at byte 16938, declares 5633 bytes',
  );
  assert.match(
    problem(patched(avi, 5644 + 4, [0x20, 0x16, 0, 0]))!,
    /^AVI chunk at byte \d+ has id 0x[0-9a-f]{8}, not a FOURCC; the chunk before it, "00dc" at byte 5644, declares 5664 bytes$/,
  );
  // The first frame's JPEG start (SOI) overwritten.
  assert.equal(
    problem(patched(avi, 5652, [0, 0]))!,
    'AVI video frame 0 ("00dc" chunk at byte 5644): JPEG code stream does not start with an SOI marker (FFD8)',
  );
  // The quantisation table's length field inside frame 0 made too large.
  const dqt = find(avi.subarray(5652), "\xff\xdb") + 5652;
  assert.match(
    problem(patched(avi, dqt + 2, [0xff, 0xf0]))!,
    new RegExp(`^AVI video frame 0 \\("00dc" chunk at byte 5644\\): JPEG DQT segment at byte ${dqt} `),
  );
  const idx1 = find(avi, "idx1");
  assert.match(
    problem(patched(avi, idx1 + 8 + 16 + 8, [1, 0, 0, 0]))!,
    /^AVI "idx1" entry 1 \(byte \d+\) points to byte \d+ for a "00dc" chunk of 5625 bytes, but no such chunk starts there$/,
  );
});

Deno.test("videoFailureReason: names the broken box, or says the structure is sound and quotes the decoder", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(`${dir}/cut.mp4`, mp4.subarray(0, 600));
    assert.deepEqual(
      await videoFailureReason(`${dir}/cut.mp4`, "Cannot determine format of input stream 0:0 after EOF"),
      {
        reason: 'MP4 box "moov" at byte 32 declares 1125 bytes, but the file ends 568 bytes after its start',
        noVideo: undefined,
        structural: true,
      },
    );
    await Deno.writeFile(`${dir}/sound.avi`, avi);
    assert.equal(
      (await videoFailureReason(`${dir}/sound.avi`, "error dc")).reason,
      'coded frame data is damaged: 30 "MJPG" frames in "movi" (bytes 5632-181780), the AVI chunks and index are sound (decoder: error dc)',
    );
    await Deno.writeFile(`${dir}/other.mkv`, new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 1, 2, 3]));
    assert.equal(
      (await videoFailureReason(`${dir}/other.mkv`, "EBML header parsing failed", "open")).reason,
      "video container cannot be opened (container not MP4 or AVI, so not checked; demuxer: EBML header parsing failed)",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("videoFailureReason: damaged coded data names the frame the decoder first fails on (fuzz seed 47)", async (t) => {
  const dir = await Deno.makeTempDir();
  try {
    await t.step("MP4: two bit flips in sample 0 (#209, bit-flips)", async () => {
      await Deno.writeFile(
        `${dir}/flipped.mp4`,
        patched(mp4, 1622, [mp4[1622] ^ 0x20]).map((byte, at) => at === 3447 ? byte ^ 0x02 : byte),
      );
      assert.equal(
        (await videoFailureReason(`${dir}/flipped.mp4`, "left block unavailable")).reason,
        'coded frame data is damaged: the decoder first fails on "avc1" sample 0 of 30 (decode order; ' +
          "5997 bytes at byte 1173); the MP4 boxes and sample tables are sound (decoder: left block unavailable)",
      );
    });
    await t.step("AVI: 12 bytes zeroed inside frame 13 (#507, byte-smash)", async () => {
      await Deno.writeFile(`${dir}/smashed.avi`, patched(avi, 82990, Array(12).fill(0)));
      assert.equal(
        (await videoFailureReason(`${dir}/smashed.avi`, "error dc")).reason,
        'coded frame data is damaged: the decoder first fails on "MJPG" frame 13 of 30 ("00dc" chunk at ' +
          "byte 79524, 5861 bytes); the AVI chunks and index are sound (decoder: error dc)",
      );
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
