/**
 * Split encapsulated pixel data (PS3.5 A.4) into one code stream per frame, with or without a Basic
 * Offset Table.
 * @module
 */

import dicomParser from "dicom-parser";
import type { DataSet, Element, Fragment } from "dicom-parser";

/**
 * True when a fragment starts a new code stream: JPEG/JPEG-LS SOI, J2K SOC+SIZ, or a JP2 signature box.
 *
 * @example
 * ```ts
 * startsCodeStream(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]), 0, 4); // true
 * ```
 */
export function startsCodeStream(bytes: Uint8Array, position: number, length: number): boolean {
  if (length < 4) return false;
  const b0 = bytes[position], b1 = bytes[position + 1], b2 = bytes[position + 2], b3 = bytes[position + 3];
  if (b0 === 0xff && b1 === 0xd8 && b2 === 0xff) return true;
  if (b0 === 0xff && b1 === 0x4f && b2 === 0xff && b3 === 0x51) return true;
  return length >= 8 && b0 === 0 && b1 === 0 && b2 === 0 && b3 === 0x0c && bytes[position + 4] === 0x6a &&
    bytes[position + 5] === 0x50;
}

function concatenate(dataSet: DataSet, fragments: Fragment[]): Uint8Array {
  const total = fragments.reduce((sum, fragment) => sum + fragment.length, 0);
  const output = new Uint8Array(total);
  let written = 0;
  for (const fragment of fragments) {
    output.set(dataSet.byteArray.subarray(fragment.position, fragment.position + fragment.length), written);
    written += fragment.length;
  }
  return output;
}

/**
 * One code stream per frame. Throws an Error with a reason when the fragments cannot be split into
 * `frameCount` frames or run past the end of the data.
 *
 * @example
 * ```ts
 * const streams = encapsulatedFrames(dataSet, dataSet.elements.x7fe00010, 30);
 * streams.length; // 30
 * ```
 */
export function encapsulatedFrames(dataSet: DataSet, element: Element, frameCount: number): Uint8Array[] {
  const fragments = element.fragments ?? [];
  if (fragments.length === 0) throw new Error("encapsulated pixel data has no fragments");
  for (const fragment of fragments) {
    if (fragment.position + fragment.length > dataSet.byteArray.length) {
      throw new Error("a pixel data fragment extends past the end of the file");
    }
  }
  const offsets = element.basicOffsetTable ?? [];
  if (offsets.length === frameCount && frameCount > 1) {
    // dicom-parser looks each entry up among the fragment offsets; say which entry fails first.
    const starts = new Set(fragments.map((fragment) => fragment.offset));
    const bad = offsets.findIndex((offset, index) =>
      !starts.has(offset) || (index > 0 && offset <= offsets[index - 1])
    );
    if (bad >= 0) {
      throw new Error(
        `Pixel Data (7FE0,0010) Basic Offset Table entry ${bad} (offset ${offsets[bad]}) ${
          starts.has(offsets[bad])
            ? "does not increase"
            : "does not point at the start of a pixel data fragment"
        }`,
      );
    }
    return offsets.map((_, index) => dicomParser.readEncapsulatedImageFrame(dataSet, element, index));
  }
  if (frameCount === 1) return [concatenate(dataSet, fragments)];
  if (fragments.length === frameCount) return fragments.map((fragment) => concatenate(dataSet, [fragment]));
  // Empty offset table and several fragments per frame: a frame starts where a code stream starts.
  const groups: Fragment[][] = [];
  for (const fragment of fragments) {
    if (groups.length === 0 || startsCodeStream(dataSet.byteArray, fragment.position, fragment.length)) {
      groups.push([fragment]);
    } else {
      groups[groups.length - 1].push(fragment);
    }
  }
  if (groups.length < frameCount) {
    throw new Error(
      `encapsulated pixel data holds ${groups.length} code streams, ${frameCount} frames expected`,
    );
  }
  return groups.slice(0, frameCount).map((group) => concatenate(dataSet, group));
}
