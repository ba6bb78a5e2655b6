/**
 * Gallery pictures for the report: imshowpair overlays and a masked frame, as small PNG data URIs.
 * @module
 */

import sharp from "sharp";
import { extname, join } from "node:path";
import type { Mask } from "../src/volume.ts";
import { imshowpair } from "../src/metrics.ts";
import type { LoadedCase } from "./evaluate_case.ts";

/** One gallery card. */
export interface GalleryItem {
  id: string;
  caption: string;
  oursOverlay: string | null;
  baselineOverlay: string | null;
  maskedFrame: string | null;
  maskedCaption: string;
}

const THUMB_WIDTH = 300;

/**
 * Build the pictures of one case; `caseDir` is its CLI output folder (null without our run).
 *
 * @example
 * ```ts
 * const item = await galleryItem("case_0003", "phased, Dice 0.91", loaded, "out/eval/ours/case_0003");
 * ```
 */
export async function galleryItem(
  id: string,
  caption: string,
  loaded: LoadedCase,
  caseDir: string | null,
): Promise<GalleryItem> {
  const truth = loaded.truth?.roi ?? null;
  const sameSize = (mask: Mask | null) =>
    mask && truth && mask.rows === truth.rows && mask.cols === truth.cols;
  const overlay = async (mask: Mask | null) =>
    sameSize(mask)
      ? await pngDataUri(imshowpair(binary(mask!), binary(truth!)).data, truth!.cols, truth!.rows, 3)
      : null;
  const item: GalleryItem = {
    id,
    caption,
    oursOverlay: await overlay(loaded.oursRoi),
    baselineOverlay: await overlay(loaded.baselineMask),
    maskedFrame: null,
    maskedCaption: "",
  };
  const outputImage = loaded.manifest?.outputs.find((name) =>
    /\.(jpe?g|png|webp)$/i.test(extname(name)) && !/_mask\.png$/.test(name)
  );
  if (caseDir && outputImage) {
    try {
      const bytes = await Deno.readFile(join(caseDir, outputImage));
      const thumb = await sharp(bytes).resize({ width: THUMB_WIDTH, withoutEnlargement: true }).png()
        .toBuffer();
      item.maskedFrame = `data:image/png;base64,${base64(thumb)}`;
      item.maskedCaption = `our output, ${outputImage.replace(/^.*_/, "frame ")}`;
      return item;
    } catch {
      // Fall through to a frame rendered from the source and the masks.
    }
  }
  const source = loaded.source;
  const keep = loaded.oursRoi ?? loaded.baselineMask;
  if (source && keep && keep.rows === source.rows && keep.cols === source.cols) {
    const frame = new Uint8Array(source.rows * source.cols * 3);
    const text = loaded.oursText;
    for (let i = 0; i < keep.data.length; i++) {
      if (!keep.data[i] || (text && text.data[i])) continue;
      for (let c = 0; c < 3; c++) {
        frame[i * 3 + c] = source.data[i * source.channels + (source.channels === 3 ? c : 0)];
      }
    }
    item.maskedFrame = await pngDataUri(frame, source.cols, source.rows, 3);
    item.maskedCaption = loaded.oursRoi
      ? "source frame 0 with our masks applied"
      : "source frame 0, baseline mask";
  }
  return item;
}

async function pngDataUri(data: Uint8Array, cols: number, rows: number, channels: 1 | 3): Promise<string> {
  const png = await sharp(data, { raw: { width: cols, height: rows, channels } })
    .resize({ width: THUMB_WIDTH, withoutEnlargement: true, kernel: "nearest" }).png().toBuffer();
  return `data:image/png;base64,${base64(png)}`;
}

function binary(mask: Mask): Mask {
  return { rows: mask.rows, cols: mask.cols, data: mask.data.map((v) => (v ? 1 : 0)) };
}

function base64(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(text);
}
