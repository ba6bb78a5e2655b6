import assert from "node:assert/strict";
import dicomParser from "dicom-parser";
import { CorruptFileError } from "../../errors.ts";
import { openFrameSource } from "../frame_source.ts";
import { isParserFailure, parseDicomBytes, parserFailure } from "./dataset.ts";
import { dicomHeaderProblem, trailingDataStart } from "./header_problem.ts";
import { readDicom } from "./read_dicom.ts";

const sample = (name: string) =>
  Deno.readFileSync(new URL(`../../../../shared/data/public/dicom/${name}`, import.meta.url));

Deno.test("readDicom: an overlong Rows length names the tag, its offset and the shortfall", async () => {
  const bytes = sample("CT_small.dcm");
  const rows = dicomParser.parseDicom(bytes).elements.x00280010;
  const broken = bytes.slice();
  new DataView(broken.buffer).setUint16(rows.dataOffset - 2, 0xfff0, true);
  const at = rows.dataOffset - 8;
  await assert.rejects(readDicom(broken, { path: "in/ct.dcm" }), (error: Error) => {
    assert.ok(error instanceof CorruptFileError, error.name);
    assert.equal(
      error.message,
      `in/ct.dcm: DICOM tag (0028,0010) Rows at byte ${at} declares a value length of 65520 bytes, but the file ends ${
        bytes.length - rows.dataOffset
      } bytes later`,
    );
    return true;
  });
});

Deno.test("dicomHeaderProblem: a missing Transfer Syntax UID, a cut header and deep nesting are named", () => {
  const bytes = sample("MR_small.dcm");
  const syntax = dicomParser.parseDicom(bytes).elements.x00020010;
  const renamed = bytes.slice();
  renamed[syntax.dataOffset - 6] = 0x11; // (0002,0010) becomes (0002,0011)
  assert.equal(
    dicomHeaderProblem(renamed),
    "DICOM File Meta lacks the (0002,0010) Transfer Syntax UID element",
  );
  const rows = dicomParser.parseDicom(bytes).elements.x00280010;
  assert.equal(
    dicomHeaderProblem(bytes.subarray(0, rows.dataOffset - 4)),
    `DICOM file ends at byte ${rows.dataOffset - 4} inside the header of the element at byte ${
      rows.dataOffset - 8
    }`,
  );
  // 100 nested undefined-length sequences (0008,1115) in front of the pixel data
  const open = [
    0x08,
    0x00,
    0x15,
    0x11,
    0x53,
    0x51,
    0,
    0,
    0xff,
    0xff,
    0xff,
    0xff,
    0xfe,
    0xff,
    0x00,
    0xe0,
    0xff,
    0xff,
    0xff,
    0xff,
  ];
  const pixel = dicomParser.parseDicom(bytes).elements.x7fe00010.dataOffset - 12;
  const nested = new Uint8Array([...bytes.subarray(0, pixel), ...Array(100).fill(open).flat()]);
  assert.equal(
    dicomHeaderProblem(nested),
    `DICOM sequence (0008,1115) at byte ${pixel}: sequences nest more than 64 levels deep`,
  );
});

Deno.test("readDicom: a fragment item header cut by the end of the file is named (fuzz seed 31, delete-span)", async () => {
  const bytes = sample("SC_rgb_dcmtk_eb_cy_np.dcm");
  const cut = new Uint8Array([...bytes.subarray(0, 2656), ...bytes.subarray(2663)]);
  await assert.rejects(readDicom(cut, { path: "cut.dcm" }), (error: Error) => {
    assert.ok(error instanceof CorruptFileError, error.name);
    assert.equal(
      error.message,
      `cut.dcm: Pixel Data (7FE0,0010): the file ends at byte ${cut.length} inside the header of the fragment at byte ${
        cut.length - 1
      }`,
    );
    return true;
  });
});

Deno.test("garbage after a complete dataset is left out: a second copy of the file's start (fuzz seed 41, #806)", async (t) => {
  const bytes = sample("SC_rgb_small_odd.dcm");
  // append-garbage appended the file's own first 1358 bytes: dicom-parser read them as elements, let
  // them overwrite the first copy's tags, then threw a plain string from an element cut off at the end.
  const doubled = new Uint8Array([...bytes, ...bytes.subarray(0, 1358)]);
  const expected = await readDicom(bytes, { path: "a.dcm" });
  await t.step("the dataset ends where the copy starts", async () => {
    assert.equal(trailingDataStart(doubled), bytes.length);
    const parsed = parseDicomBytes(doubled, "a.dcm", 2 ** 30);
    assert.deepEqual(parsed.trailing, { start: bytes.length, bytes: 1358 });
    assert.equal(parsed.truncated, false);
    assert.equal(
      parsed.dataSet.elements.x00280010.dataOffset,
      dicomParser.parseDicom(bytes).elements.x00280010.dataOffset,
    );
    const volume = await readDicom(doubled, { path: "a.dcm" });
    assert.deepEqual([...volume.data], [...expected.data]);
    assert.deepEqual(volume.meta, expected.meta);
  });
  await t.step("random bytes and a whole second copy too; the streaming reader agrees", async () => {
    let state = 41;
    const noise = Uint8Array.from({ length: 999 }, () => (state = (state * 1103515245 + 12345) >>> 0) >>> 24);
    for (const tail of [noise, bytes]) {
      const volume = await readDicom(new Uint8Array([...bytes, ...tail]), { path: "a.dcm" });
      assert.deepEqual([...volume.data], [...expected.data]);
    }
    const path = await Deno.makeTempFile({ suffix: ".dcm" });
    try {
      await Deno.writeFile(path, doubled);
      const source = await openFrameSource(path);
      try {
        assert.deepEqual([...(await source.readFrames(0, 1)).data], [...expected.data]);
      } finally {
        await source.close();
      }
    } finally {
      await Deno.remove(path);
    }
  });
  await t.step("bytes missing before the end of the Pixel Data are not trailing garbage", () => {
    assert.equal(trailingDataStart(doubled.subarray(0, bytes.length - 1)), undefined);
  });
});

Deno.test("a sequence given another VR names the tag, the VR and why (fuzz seed 41, #5582)", async () => {
  const bytes = sample("OBXXXX1A_rle_2frame.dcm");
  const at = 1160; // (0018,6011) Sequence of Ultrasound Regions, SQ of undefined length
  assert.deepEqual([...bytes.subarray(at, at + 12)], [
    0x18,
    0,
    0x11,
    0x60,
    0x53,
    0x51,
    0,
    0,
    0xff,
    0xff,
    0xff,
    0xff,
  ]);
  const broken = bytes.slice();
  broken.set([0x55, 0x54], at + 4); // "UT"
  await assert.rejects(readDicom(broken, { path: "us.dcm" }), (error: Error) => {
    assert.ok(error instanceof CorruptFileError, error.name);
    assert.equal(
      error.message,
      "us.dcm: DICOM tag (0018,6011) Sequence of Ultrasound Regions at byte 1160 has VR UT but an undefined " +
        "length (only SQ, UN and Pixel Data may); it holds items, so likely an SQ with a wrong VR",
    );
    return true;
  });
});

Deno.test("dicom-parser's thrown strings become a CorruptFileError naming the element", () => {
  const thrown = "dicomParser.readFixedString: attempt to read past end of buffer";
  assert.ok(isParserFailure(thrown));
  assert.ok(isParserFailure({ exception: "dicomParser:parseDicomDataSetExplicit: buffer overrun" }));
  assert.ok(!isParserFailure(new TypeError("x is undefined")));
  const bytes = sample("CT_small.dcm");
  const rows = dicomParser.parseDicom(bytes).elements.x00280010;
  const error = parserFailure(thrown, bytes.subarray(0, rows.dataOffset + 1), "ct.dcm");
  assert.ok(error instanceof CorruptFileError);
  assert.equal(
    error.message,
    `ct.dcm: DICOM tag (0028,0010) Rows at byte ${rows.dataOffset - 8} declares a value length of 2 bytes, ` +
      "but the file ends 1 bytes later",
  );
});

Deno.test("an encapsulated file cut right after its Pixel Data header names the missing offset table (fuzz seed 43)", async () => {
  const bytes = sample("US1_J2KI.dcm");
  const pixelData = dicomParser.parseDicom(bytes, { untilTag: "x7fe00010" }).elements.x7fe00010;
  const cut = bytes.slice(0, pixelData.dataOffset);
  const expected = `Pixel Data (7FE0,0010): the file ends at byte ${cut.length}, before the first item ` +
    "(the Basic Offset Table) of its encapsulated frames";
  assert.equal(dicomHeaderProblem(cut), expected);
  await assert.rejects(
    () => readDicom(cut, { path: "US1_J2KI_cut.dcm" }),
    (error: Error) => error instanceof CorruptFileError && error.message.includes(expected),
  );
});

Deno.test("readDicom: a value length that swallows the next element headers names the element and the length that fits (fuzz seed 47, #4944)", async () => {
  // Two bit flips (fixtures/fuzz): one in a text value, one raising the (0028,2112) DS value length from
  // 6 to 38, so that its value covers (0028,2114) and the Pixel Data header and ends on the Basic Offset
  // Table's item tag. dicom-parser read that item as an element and stopped with "buffer overrun".
  const bytes = Deno.readFileSync(
    new URL("../../../fixtures/fuzz/seeds/m004944_SC_rgb_dcmtk_eb_cy_np_bit-flips.dcm", import.meta.url),
  );
  await assert.rejects(readDicom(bytes, { path: "in/m.dcm" }), (error: Error) => {
    assert.ok(error instanceof CorruptFileError, error.name);
    assert.equal(
      error.message,
      "in/m.dcm: DICOM tag (0028,2112) Lossy Image Compression Ratio at byte 1626 declares a value length of " +
        "38 bytes, too long: it ends at byte 1672 on an (FFFE,E000) Item tag, outside any sequence; 6 bytes " +
        "end on (0028,2114) at byte 1640",
    );
    return true;
  });
});

Deno.test("dicomHeaderProblem: an item tag among a dataset's elements with no length that fits, and at its start", () => {
  const bytes = sample("SC_rgb_dcmtk_eb_cy_np.dcm");
  const ratio = dicomParser.parseDicom(bytes).elements.x00282112;
  // (0028,2112) lengthened by 2: its value then ends 2 bytes into (0028,2114), on no element at all.
  const longer = bytes.slice();
  new DataView(longer.buffer).setUint16(ratio.dataOffset - 2, ratio.length + 2, true);
  const itemAt = ratio.dataOffset + ratio.length + 2;
  longer.set([0xfe, 0xff, 0x00, 0xe0], itemAt);
  assert.equal(
    dicomHeaderProblem(longer),
    `DICOM tag (0028,2112) Lossy Image Compression Ratio at byte ${ratio.dataOffset - 8} declares a value ` +
      `length of ${ratio.length + 2} bytes; after it, at byte ${itemAt}, comes an (FFFE,E000) Item tag, ` +
      "outside any sequence: that length or the bytes after the value are damaged",
  );
  // A top-level Item Delimitation Item used to end the walk quietly, as if it closed an item.
  const first = dicomParser.parseDicom(bytes).elements.x00080005.dataOffset - 8;
  const opened = bytes.slice();
  opened.set([0xfe, 0xff, 0x0d, 0xe0], first);
  assert.match(
    dicomHeaderProblem(opened) ?? "",
    /^DICOM file: an \(FFFE,E00D\) Item Delimitation Item tag at byte \d+ stands where an element should start, outside any sequence$/,
  );
});
