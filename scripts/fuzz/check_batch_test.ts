import assert from "node:assert/strict";
import { isUnspecific } from "./check_batch.ts";

// Reasons seen in fuzz runs before the readers named the broken structure (seed 101, 3000 mutants).
const GENERIC = [
  "image data cannot be decoded: vipspng: libpng read error",
  "image header is corrupt: Input buffer has corrupt header: ",
  "image data cannot be decoded: Warning treated as error due to failOn setting",
  "DICOM header is truncated or malformed (parseDicomDataSetExplicit: buffer overrun)",
  "DICOM header is truncated or malformed (littleEndianByteArrayParser.readUint16: attempt to read past end of buffer)",
  "DICOM header is truncated or malformed (ByteStream: parameter 'position' cannot be greater than or equal to 'byteArray' length)",
  "DICOM header is truncated or malformed (parseDicom: missing required meta header attribute 0002,0010)",
  "DICOM header is truncated or malformed (sequences are nested too deeply to parse)",
  "JPEG Baseline/Extended frame 0 could not be decoded (decoder error)",
  "JPEG-LS frame 0 could not be decoded (decoder error)",
  "JPEG Baseline/Extended frame 0 could not be decoded (JpegDecoder12::ErrorExit::Bogus marker length)",
  "dicomParser.readEncapsulatedImageFrame: unable to find fragment that matches basic offset table entry",
  "NIfTI dimension is zero, negative or not an integer",
  "truncated gzip stream",
  "offset is out of bounds",
  "Invalid typed array length: -4",
  // ffmpeg's words passed on for mutated MP4/AVI files (seed 31, 10000 mutants).
  "ffmpeg could not decode the video cleanly: Cannot determine format of input stream 0:0 after EOF",
  "ffmpeg could not decode the video cleanly: cabac decode of qscale diff failed at 3 4",
  "ffmpeg cannot open the video: /tmp/in/m1_case_0001_video-truncate-box.mp4: Invalid data found when processing input",
  "ffmpeg could not decode the video cleanly: stream 0, offset 0x4a1: partial file",
  "Cannot determine format of input stream 0:0 after EOF",
  "Invalid NAL unit size (1404 > 1226).",
  "video frame data is damaged (container not MP4 or AVI, so not checked; decoder: error dc)",
  // Damaged coded data with no frame or tile named (seed 47, 10000 mutants).
  'coded frame data is damaged: 30 "avc1" samples in "mdat" (bytes 1165-52222), the MP4 boxes and sample tables are sound (decoder: Reference 7 >= 4)',
  "JPEG 2000 frame 0: the tile data (code-blocks) is damaged (markers and headers are sound; decoder: decoded 0 samples, 4096 expected)",
];

// The reasons that replaced them.
const SPECIFIC = [
  "PNG chunk IDAT at byte 33: CRC mismatch (the chunk's type or data is damaged)",
  "PNG chunk IDAT at byte 33 declares 956 data bytes, but the file ends 12 bytes later (CRC included)",
  "DICOM tag (0028,0010) Rows at byte 812 declares a value length of 65520 bytes, but the file ends 38000 bytes later",
  "DICOM sequence (0008,1115) at byte 900: sequences nest more than 64 levels deep",
  "DICOM File Meta lacks the (0002,0010) Transfer Syntax UID element",
  "JPEG-LS frame 3: JPEG-LS scan (SOS at byte 39) is cut short: the code stream ends at byte 400 with no EOI marker",
  "JPEG 2000 frame 0: JPEG 2000 tile-part 0 (SOT at byte 88) declares 4100 bytes, but the code stream ends 900 bytes later",
  "Pixel Data (7FE0,0010) Basic Offset Table entry 8 (offset 48814) does not point at the start of a pixel data fragment",
  "NIfTI dim[2] = -5: a dimension must be at least 1",
  "gzip stream is cut short before the end of the NIfTI data (1234 bytes needed)",
  "pixel data has 8130 bytes, 8192 expected",
  'MP4 box "moov" at byte 32 declares 1125 bytes, but the file ends 568 bytes after its start',
  "MP4 video sample 0 (5997 bytes at byte 1173): the NAL unit at byte 1173 declares 16384 bytes, past the sample's end at byte 7170",
  'AVI video frame 0 ("00dc" chunk at byte 5644): JPEG code stream does not start with an SOI marker (FFD8)',
  'coded frame data is damaged: the decoder first fails on "avc1" sample 0 of 30 (decode order; 5997 bytes at byte 1173); the MP4 boxes and sample tables are sound (decoder: left block unavailable)',
  "JPEG 2000 frame 0: the tile data (code-blocks) (tile 0: tile-part SOT at byte 122, data bytes 136-4312 of the code stream) is damaged (markers and headers are sound; decoder: decoded 0 samples, 4096 expected)",
  "DICOM tag (0028,2112) Lossy Image Compression Ratio at byte 1626 declares a value length of 38 bytes, too long: it ends at byte 1672 on an (FFFE,E000) Item tag, outside any sequence; 6 bytes end on (0028,2114) at byte 1640",
  "JPEG 2000 frame 0: JPEG 2000 tile-part 0 (SOT at byte 122) has the marker code FFFF at byte 264 inside its coded data (bytes 136-4312), where none but SOP/EPH may appear",
];

Deno.test("isUnspecific flags the generic reasons fuzzing used to find", () => {
  for (const reason of GENERIC) assert.ok(isUnspecific(reason), reason);
});

Deno.test("isUnspecific accepts reasons that name the structure or field", () => {
  for (const reason of SPECIFIC) assert.ok(!isUnspecific(reason), reason);
});
