import assert from "node:assert/strict";
import { codestreamMarkers } from "./codestream_structure.ts";
import { dicomBoundaries, dicomLayout } from "./dicom_structure.ts";

const DICOM = "/work/shared/data/public/dicom";

Deno.test("dicomLayout finds Rows, Columns and Pixel Data in explicit, implicit and big-endian files", async () => {
  for (const name of ["MR_small.dcm", "MR_small_implicit.dcm", "MR_small_bigendian.dcm"]) {
    const bytes = await Deno.readFile(`${DICOM}/${name}`);
    const layout = dicomLayout(bytes);
    const rows = layout.elements.find((e) => e.depth === 0 && e.group === 0x0028 && e.element === 0x0010);
    assert.ok(rows, `${name}: Rows found`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    assert.equal(view.getUint16(rows.valueOffset, rows.littleEndian), 64, `${name}: MR_small is 64 rows`);
    const pixels = layout.elements.find((e) => e.group === 0x7fe0 && e.element === 0x0010);
    assert.ok(pixels, `${name}: Pixel Data found`);
    assert.equal(pixels.length, 64 * 64 * 2);
  }
});

Deno.test("dicomLayout lists the fragments of encapsulated pixel data; each frame is a JPEG code stream", async () => {
  const bytes = await Deno.readFile(`${DICOM}/examples_ybr_color.dcm`);
  const layout = dicomLayout(bytes);
  assert.equal(layout.transferSyntax, "1.2.840.10008.1.2.4.50");
  // 30 frames plus the basic offset table.
  assert.equal(layout.fragments.length, 31);
  const frame = layout.fragments[1];
  const markers = codestreamMarkers(bytes.subarray(frame.valueOffset, frame.valueOffset + frame.length));
  assert.equal(markers[0].marker, 0xd8, "starts with SOI");
  assert.ok(markers.some((marker) => marker.marker === 0xc0), "has a baseline SOF0");
  assert.ok(markers.some((marker) => marker.marker === 0xda), "has SOS");
  assert.equal(markers.at(-1)!.marker, 0xd9, "ends with EOI");
});

Deno.test("dicomBoundaries are sorted, inside the file, and include the pixel data value start", async () => {
  const bytes = await Deno.readFile(`${DICOM}/CT_small.dcm`);
  const layout = dicomLayout(bytes);
  const cuts = dicomBoundaries(layout);
  assert.deepEqual(cuts, [...cuts].sort((a, b) => a - b));
  assert.ok(cuts.every((cut) => cut >= 0 && cut <= bytes.length));
  const pixels = layout.elements.find((e) => e.group === 0x7fe0)!;
  assert.ok(cuts.includes(pixels.valueOffset));
});
