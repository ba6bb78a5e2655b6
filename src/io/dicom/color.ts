/**
 * Colour-space and layout conversions for decoded DICOM frames. Output is always interleaved.
 * @module
 */

/** Samples a colour step works on. */
export type ColorSamples = Uint8Array | Uint16Array;

function sameType(samples: ColorSamples, length: number): ColorSamples {
  return samples instanceof Uint8Array ? new Uint8Array(length) : new Uint16Array(length);
}

/**
 * Planes (RRR...GGG...BBB) to interleaved (RGBRGB...).
 *
 * @example
 * ```ts
 * planarToInterleaved(new Uint8Array([1, 2, 3, 4, 5, 6]), 2, 3); // [1, 3, 5, 2, 4, 6]
 * ```
 */
export function planarToInterleaved(
  samples: ColorSamples,
  pixelCount: number,
  channels: number,
): ColorSamples {
  const output = sameType(samples, pixelCount * channels);
  for (let channel = 0; channel < channels; channel++) {
    const plane = channel * pixelCount;
    for (let pixel = 0; pixel < pixelCount; pixel++) {
      output[pixel * channels + channel] = samples[plane + pixel];
    }
  }
  return output;
}

/**
 * YBR_FULL (ITU-R BT.601 full range, as DICOM PS3.3 C.7.6.3.1.2 defines it) to RGB, in place.
 *
 * @example
 * ```ts
 * const pixel = new Uint8Array([128, 128, 128]);
 * ybrFullToRgb(pixel, 8); // [128, 128, 128]: grey stays grey
 * ```
 */
export function ybrFullToRgb(samples: ColorSamples, bitsStored: number): ColorSamples {
  const maximum = 2 ** bitsStored - 1;
  const offset = 2 ** (bitsStored - 1);
  for (let index = 0; index + 2 < samples.length; index += 3) {
    const y = samples[index];
    const cb = samples[index + 1] - offset;
    const cr = samples[index + 2] - offset;
    const red = Math.round(y + 1.402 * cr);
    const green = Math.round(y - 0.344136 * cb - 0.714136 * cr);
    const blue = Math.round(y + 1.772 * cb);
    samples[index] = red < 0 ? 0 : red > maximum ? maximum : red;
    samples[index + 1] = green < 0 ? 0 : green > maximum ? maximum : green;
    samples[index + 2] = blue < 0 ? 0 : blue > maximum ? maximum : blue;
  }
  return samples;
}

/**
 * Uncompressed YBR_FULL_422 (PS3.3 C.7.6.3.1.2: Y1 Y2 Cb Cr for each horizontal pixel pair) to full
 * YBR_FULL, interleaved, by repeating each chroma pair.
 *
 * @example
 * ```ts
 * expandYbr422(new Uint8Array([10, 20, 100, 200]), 1, 2); // [10, 100, 200, 20, 100, 200]
 * ```
 */
export function expandYbr422(samples: ColorSamples, rows: number, cols: number): ColorSamples {
  const output = sameType(samples, rows * cols * 3);
  const pairsPerRow = Math.ceil(cols / 2);
  for (let row = 0; row < rows; row++) {
    for (let pair = 0; pair < pairsPerRow; pair++) {
      const source = (row * pairsPerRow + pair) * 4;
      const cb = samples[source + 2];
      const cr = samples[source + 3];
      for (let half = 0; half < 2; half++) {
        const col = pair * 2 + half;
        if (col >= cols) break;
        const target = (row * cols + col) * 3;
        output[target] = samples[source + half];
        output[target + 1] = cb;
        output[target + 2] = cr;
      }
    }
  }
  return output;
}

/**
 * Bring a decoded frame to interleaved RGB (or leave greyscale alone). Returns the samples and the
 * photometric interpretation they now have.
 *
 * @example
 * ```ts
 * toInterleavedRgb(planes, { photometric: "YBR_FULL", planar: 1, rows: 2, cols: 2, channels: 3, bitsStored: 8 });
 * ```
 */
export function toInterleavedRgb(
  samples: ColorSamples,
  frame: {
    photometric: string;
    planar: 0 | 1;
    rows: number;
    cols: number;
    channels: number;
    bitsStored: number;
  },
): { samples: ColorSamples; photometric: string } {
  if (frame.channels !== 3) return { samples, photometric: frame.photometric };
  const pixelCount = frame.rows * frame.cols;
  let photometric = frame.photometric;
  let output = samples;
  if (photometric === "YBR_FULL_422" && samples.length < pixelCount * 3) {
    // still subsampled: only uncompressed data arrives like this
    output = expandYbr422(output, frame.rows, frame.cols);
    photometric = "YBR_FULL";
  } else if (frame.planar === 1) {
    output = planarToInterleaved(output, pixelCount, 3);
  }
  if (photometric === "YBR_FULL" || photometric === "YBR_FULL_422") {
    // A full-size YBR_FULL_422 buffer (e.g. from RLE or JPEG-LS) is already upsampled.
    if (output === samples) output = output.slice();
    ybrFullToRgb(output, frame.bitsStored);
    photometric = "RGB";
  }
  return { samples: output, photometric };
}
