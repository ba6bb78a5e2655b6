/**
 * Display conversion to 8 bits: rescale, then the DICOM window when present, else a robust
 * percentile min–max over the whole volume (so every frame uses the same mapping).
 * @module
 */
import { createVolume, type Volume } from "./volume.ts";

/** Percentiles used when there is no window: robust to a few hot pixels. */
const LOW_PERCENTILE = 0.005;
const HIGH_PERCENTILE = 0.995;

/**
 * The intensity interval [low, high] mapped to 0..255.
 *
 * @example
 * ```ts
 * const v = createVolume({ frames: 1, rows: 1, cols: 2, channels: 1, type: "int16", meta: { format: "dicom", windowCenter: 40, windowWidth: 400 } });
 * displayRange(v); // { low: -160, high: 240 }
 * ```
 */
export function displayRange(volume: Volume): { low: number; high: number } {
  const { windowCenter, windowWidth } = volume.meta;
  if (windowCenter !== undefined && windowWidth !== undefined && windowWidth > 1) {
    return { low: windowCenter - windowWidth / 2, high: windowCenter + windowWidth / 2 };
  }
  return percentileRange(volume);
}

function percentileRange(volume: Volume): { low: number; high: number } {
  const slope = volume.meta.rescaleSlope ?? 1;
  const intercept = volume.meta.rescaleIntercept ?? 0;
  const data = volume.data;
  // Histogram over a stride-sample keeps this O(n) and cheap for big loops.
  const step = Math.max(1, Math.floor(data.length / 2_000_000));
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i += step) {
    const value = data[i];
    if (value < min) min = value;
    if (value > max) max = value;
  }
  if (!Number.isFinite(min)) return { low: 0, high: 1 };
  if (min === max) return { low: min * slope + intercept, high: min * slope + intercept + 1 };
  const bins = 4096;
  const histogram = new Uint32Array(bins);
  const scale = (bins - 1) / (max - min);
  let count = 0;
  for (let i = 0; i < data.length; i += step) {
    const value = data[i];
    if (Number.isNaN(value)) continue;
    histogram[Math.floor((value - min) * scale)]++;
    count++;
  }
  const rawAt = (fraction: number) => {
    const target = fraction * count;
    let seen = 0;
    for (let bin = 0; bin < bins; bin++) {
      seen += histogram[bin];
      if (seen >= target) return min + bin / scale;
    }
    return max;
  };
  let low = rawAt(LOW_PERCENTILE);
  let high = rawAt(HIGH_PERCENTILE);
  if (high <= low) {
    low = min;
    high = max;
  }
  const a = low * slope + intercept;
  const b = high * slope + intercept;
  return { low: Math.min(a, b), high: Math.max(a, b) };
}

/**
 * An 8-bit copy of the volume for display, OCR and lossy writing. 8-bit input is returned as is.
 *
 * @example
 * ```ts
 * const ct = createVolume({ frames: 1, rows: 1, cols: 2, channels: 1, type: "int16", meta: { format: "dicom" } });
 * ct.data.set([-1000, 1000]);
 * toDisplay8(ct).data; // Uint8Array [0, 255]
 * ```
 */
export function toDisplay8(volume: Volume): Volume {
  if (isDisplayReady(volume)) return volume;
  return toDisplay8WithRange(volume, displayRange(volume));
}

/**
 * {@link toDisplay8} with a given [low, high] (from {@link displayRange} of a sample of the loop), so
 * that a loop converted chunk by chunk gets one mapping for every frame. 8-bit input without a
 * window is returned as is, as toDisplay8 does.
 *
 * @example
 * ```ts
 * const ct = createVolume({ frames: 1, rows: 1, cols: 2, channels: 1, type: "int16", meta: { format: "dicom" } });
 * ct.data.set([0, 50]);
 * toDisplay8WithRange(ct, { low: 0, high: 100 }).data; // Uint8Array [0, 128]
 * ```
 */
export function toDisplay8WithRange(volume: Volume, range: { low: number; high: number }): Volume {
  if (isDisplayReady(volume)) return volume;
  const { low, high } = range;
  const slope = volume.meta.rescaleSlope ?? 1;
  const intercept = volume.meta.rescaleIntercept ?? 0;
  // The output holds display values: rescale and window are spent and must not be applied again downstream.
  const meta = { ...volume.meta, bitsStored: 8, signed: false };
  delete meta.rescaleSlope;
  delete meta.rescaleIntercept;
  delete meta.windowCenter;
  delete meta.windowWidth;
  const out = createVolume({ ...volume, type: "uint8", meta });
  const gain = 255 / (high - low);
  const source = volume.data;
  const target = out.data;
  const invert = volume.meta.photometric === "MONOCHROME1";
  for (let i = 0; i < source.length; i++) {
    const value = (source[i] * slope + intercept - low) * gain;
    const clamped = value <= 0 ? 0 : value >= 255 ? 255 : Math.round(value);
    target[i] = invert ? 255 - clamped : clamped;
  }
  return out;
}

/** 8-bit samples with no window to apply are display values already. */
function isDisplayReady(volume: Volume): boolean {
  return volume.data instanceof Uint8Array && volume.meta.windowWidth === undefined;
}
