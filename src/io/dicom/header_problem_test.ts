import assert from "node:assert/strict";
import dicomParser from "dicom-parser";
import { CorruptFileError } from "../../errors.ts";
import { dicomHeaderProblem } from "./header_problem.ts";
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
