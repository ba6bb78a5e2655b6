/**
 * The fuzz corpus: the public sample files (and the repo fixtures), each parsed once into the layout
 * the mutators need.
 * @module
 */
import { join, relative } from "node:path";
import { type DicomLayout, dicomLayout } from "./dicom_structure.ts";
import { maybeGunzip, type NiftiHeader, niftiHeader } from "./nifti_header.ts";
import { type ContainerSpan, containerSpans } from "./video_structure.ts";

/** One corpus file with its structure. */
export interface SeedFile {
  /** Path relative to its corpus root, used in mutant names and notes. */
  name: string;
  path: string;
  bytes: Uint8Array;
  /** Output extension to keep (".dcm", ".nii", ".nii.gz", ".mp4", ...). */
  extension: string;
  kind: "dicom" | "nifti" | "video" | "other";
  dicom: DicomLayout | null;
  nifti: { header: NiftiHeader; raw: Uint8Array; gzipped: boolean } | null;
  container: ContainerSpan[] | null;
}

/** Largest corpus file, so that mutants stay cheap to process. */
const MAX_SEED_BYTES = 4 * 1024 * 1024;

/**
 * Load every regular file under the roots (sorted, so the same seed gives the same mutants).
 *
 * @example
 * ```ts
 * const corpus = await loadCorpus(["/work/shared/data/public"]);
 * ```
 */
export async function loadCorpus(roots: string[], exclude: string[] = []): Promise<SeedFile[]> {
  const files: SeedFile[] = [];
  for (const root of roots) {
    const paths: string[] = [];
    const visit = async (dir: string) => {
      let entries: Deno.DirEntry[];
      try {
        entries = await Array.fromAsync(Deno.readDir(dir));
      } catch {
        return;
      }
      for (const entry of entries.sort((a, b) => a.name < b.name ? -1 : 1)) {
        const path = join(dir, entry.name);
        if (exclude.some((prefix) => path.startsWith(prefix))) continue;
        if (entry.isDirectory) await visit(path);
        else if (entry.isFile && !/\.(md|json|csv|txt)$/i.test(entry.name)) paths.push(path);
      }
    };
    await visit(root);
    for (const path of paths) {
      const size = (await Deno.stat(path)).size;
      if (size === 0 || size > MAX_SEED_BYTES) continue;
      files.push(describeSeed(relative(root, path), path, await Deno.readFile(path)));
    }
  }
  return files;
}

/**
 * Classify bytes and parse their structure.
 *
 * @example
 * ```ts
 * const seed = describeSeed("CT_small.dcm", "/x/CT_small.dcm", bytes);
 * seed.kind; // "dicom"
 * ```
 */
export function describeSeed(name: string, path: string, bytes: Uint8Array): SeedFile {
  const extension = name.match(/(\.nii\.gz|\.[a-z0-9]+)$/i)?.[0] ?? "";
  const seed: SeedFile = {
    name,
    path,
    bytes,
    extension,
    kind: "other",
    dicom: null,
    nifti: null,
    container: null,
  };
  const unzipped = maybeGunzip(bytes);
  const header = niftiHeader(unzipped.bytes);
  if (header) {
    seed.kind = "nifti";
    seed.nifti = { header, raw: unzipped.bytes, gzipped: unzipped.gzipped };
    return seed;
  }
  const tag = (offset: number) => String.fromCharCode(...bytes.subarray(offset, offset + 4));
  if (tag(0) === "RIFF" || tag(4) === "ftyp") {
    seed.kind = "video";
    seed.container = containerSpans(bytes);
    return seed;
  }
  const layout = dicomLayout(bytes);
  if (layout.elements.length > 3) {
    seed.kind = "dicom";
    seed.dicom = layout;
  }
  return seed;
}
