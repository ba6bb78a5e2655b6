/**
 * Command-line interface: `logik <mode> <input> <output> [options]`.
 * Exit codes: 0 all files ok, 1 some files skipped, 2 usage error, 130 cancelled by SIGINT/SIGTERM.
 * @module
 */
import { parseArgs } from "node:util";
import { runBatch, UsageError } from "./batch.ts";
import { StartupError } from "./file_pool.ts";
import { VERSION } from "./manifest.ts";
import { type Mode, MODES, OptionsError, parseProcessOptions } from "./options.ts";

/** Help text, with examples. */
export const HELP =
  `logik ${VERSION}: remove burned-in text and keep only the region of interest in medical images

Usage:
  logik <mode> <input file or folder> <output folder> [options]

Modes:
  deid    remove text, keep the smallest region holding all content, crop
  us      remove text, keep the ultrasound scan sector (phased, curvilinear, linear), crop
  one     remove text, keep the largest connected region, crop
  clean   remove text, keep the main anatomy without small objects (calipers, ECG, logos), crop
  text    detect and read text only: writes <name>_txt.csv per file, no images
  watch   poll an S3 bucket and process new objects (logik watch --help)

Options:
  --format F          jpeg (default) | png | webp | dicom | mp4 | nifti
  --quality N         JPEG/WebP quality 1-100 (default 95); recorded in manifest.json
  --lossless          smallest lossless encoding of the chosen container
  --codec C           DICOM pixel codec: htj2k (default, lossless) | jpegls | jpeg | raw
  --crf N             H.264 CRF for --format mp4 (default 18)
  --no-csv            do not write the recognised-text CSV
  --rules FILE        per-site PHI rules (JSON): also writes <name>_txt.filtered.csv
  --masks             also write roi_mask.png and text_mask.png (source size, 0/255)
  --verify            re-run text detection on the output; residual boxes go in the manifest
  --text-frames M     auto (default: enough frames that each is within 0.5 s of a scanned one) | all
  --pad N             pixels added around each text box (default 2)
  --fill F            zero (default) | background
  --keep-color        clean mode: keep colour Doppler inside the region
  --rename            random output names; see --mapping
  --mapping FILE      with --rename, write original,renamed to FILE (it links back to PHI: guard it)
  --site-key KEY      secret for UID remapping and date shifts (--format dicom); or env LOGIK_SITE_KEY
  --retain-dates      keep dates, shifted per patient by the site key
  --jobs N            parallel workers (default: number of cores)
  --threads N         OCR threads per worker (default: cores / jobs; 1 keeps each worker to one core)
  --max-bytes N       refuse inputs whose pixels exceed N bytes (default 4294967296)
  --low-memory        OCR in 448-px tiles without arenas: ~130 MB less per worker, detection slower
  --json              one JSON line per file on stdout
  -h, --help          this help
  -V, --version       print the version

Examples:
  logik us  scans/ out/                      # ultrasound: sector kept, text removed, JPEG frames
  logik deid study.dcm out/ --format png     # lossless PNG frames, full bit depth
  logik us  echos/ out/ --format dicom --site-key "$KEY"   # de-identified DICOM, HTJ2K lossless
  logik text echos/ csv/ --rules rules/example.json        # CSVs only, with a phi column
  logik clean scans/ out/ --rename --mapping secure/map.csv --jobs 2

Outputs (per input IN/a/b/name.ext): OUT/a/b/name/name_0000.jpeg ..., name_txt.csv, manifest.json;
batch files OUT/processed_files.log, OUT/skipped_files.log, OUT/summary.json. Reruns skip finished files.`;

/**
 * Run the CLI with `args`; returns the exit code instead of exiting (testable).
 *
 * @example
 * ```ts
 * const code = await runCli(["us", "../shared/data/public/dicom/US1_UNCR.dcm", "/tmp/out"]);
 * ```
 */
export async function runCli(args: string[]): Promise<number> {
  if (args[0] === "watch") {
    const { runWatch } = await import("./cli_watch.ts");
    return await runWatch(args.slice(1));
  }
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: "string" },
        quality: { type: "string" },
        lossless: { type: "boolean" },
        codec: { type: "string" },
        crf: { type: "string" },
        "no-csv": { type: "boolean" },
        rules: { type: "string" },
        masks: { type: "boolean" },
        verify: { type: "boolean" },
        "text-frames": { type: "string" },
        pad: { type: "string" },
        fill: { type: "string" },
        "keep-color": { type: "boolean" },
        rename: { type: "boolean" },
        mapping: { type: "string" },
        "site-key": { type: "string" },
        "retain-dates": { type: "boolean" },
        jobs: { type: "string" },
        threads: { type: "string" },
        "max-bytes": { type: "string" },
        "low-memory": { type: "boolean" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "V" },
      },
    });
  } catch (error) {
    return usage((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (values.version) {
    console.log(VERSION);
    return 0;
  }
  const [mode, input, output, ...extra] = positionals;
  if (!mode || !MODES.includes(mode as Mode)) {
    return usage(`first argument must be one of ${MODES.join(", ")}`);
  }
  if (!input || !output) return usage("an input and an output folder are required");
  if (extra.length) return usage(`unexpected argument: ${extra[0]}`);
  if (values.mapping && !values.rename) return usage("--mapping only makes sense with --rename");

  let options;
  try {
    options = parseProcessOptions({
      mode: mode as Mode,
      format: values.format as never,
      quality: numberOption(values.quality),
      lossless: values.lossless,
      codec: values.codec as never,
      crf: numberOption(values.crf),
      csv: !values["no-csv"],
      rules: values.rules,
      masks: values.masks,
      verify: values.verify,
      textFrames: values["text-frames"] as never,
      pad: numberOption(values.pad),
      fill: values.fill as never,
      keepColor: values["keep-color"],
      rename: values.rename,
      siteKey: values["site-key"] ?? Deno.env.get("LOGIK_SITE_KEY"),
      retainDates: values["retain-dates"],
      maxBytes: numberOption(values["max-bytes"]),
    });
  } catch (error) {
    if (error instanceof OptionsError) return usage(error.message);
    throw error;
  }
  const jobs = numberOption(values.jobs) ?? navigator.hardwareConcurrency ?? 1;
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 256) {
    return usage("--jobs: expected a whole number from 1 to 256");
  }
  const threads = numberOption(values.threads);
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > 256)) {
    return usage("--threads: expected a whole number from 1 to 256");
  }
  if (options.format === "dicom" && !options.siteKey) {
    return usage("--format dicom needs --site-key (or LOGIK_SITE_KEY): UIDs and dates are remapped with it");
  }
  if (options.rules) {
    try {
      await Deno.stat(options.rules);
    } catch {
      return usage(`--rules: cannot read ${options.rules}`);
    }
  }

  const cancel = listenForCancel();
  try {
    const summary = await runBatch(input, output, options, {
      jobs,
      json: values.json,
      progress: !values.json,
      mapping: values.mapping,
      threads,
      lowMemory: values["low-memory"],
      stop: cancel.stop,
      abandon: cancel.abandon,
    });
    const ratio = summary.ratio === null ? "n/a" : `${(summary.ratio * 100).toFixed(1)}%`;
    console.error(
      `logik ${mode}: ${summary.ok} ok, ${summary.skipped} skipped, ${summary.alreadyDone} already done; ` +
        `${formatBytes(summary.bytesIn)} in, ${
          formatBytes(summary.bytesOut)
        } out (${ratio}); ${summary.seconds} s` +
        (summary.residualText ? `; ${summary.residualText} file(s) with residual text (see manifests)` : "") +
        (summary.skipped ? `; reasons in ${output}/skipped_files.log` : "") +
        (summary.cancelled ? `; cancelled, ${summary.notDone} file(s) left for the next run` : ""),
    );
    if (summary.cancelled) return 130;
    return summary.skipped > 0 ? 1 : 0;
  } catch (error) {
    if (error instanceof UsageError) return usage(error.message);
    if (error instanceof StartupError) {
      console.error(`logik: cannot start: ${error.message}`);
      return 2;
    }
    if (error instanceof Error && error.name === "ReadError") return usage(error.message);
    throw error;
  } finally {
    cancel.dispose();
  }
}

/**
 * SIGINT/SIGTERM once: finish the files in flight and start no more. Twice: abandon them too.
 * Either way the batch writes its summary, and no partial output survives.
 */
function listenForCancel(): { stop: AbortSignal; abandon: AbortSignal; dispose: () => void } {
  const stop = new AbortController();
  const abandon = new AbortController();
  const onSignal = () => {
    if (!stop.signal.aborted) {
      console.error("\nlogik: stopping: finishing the files in flight (signal again to abandon them)");
      stop.abort();
    } else if (!abandon.signal.aborted) {
      console.error("\nlogik: abandoning the files in flight and removing their partial outputs");
      abandon.abort();
    }
  };
  // Windows has no SIGTERM listener; SIGINT (Ctrl-C) is enough there.
  const signals = (["SIGINT", "SIGTERM"] as const).filter((signal) => {
    try {
      Deno.addSignalListener(signal, onSignal);
      return true;
    } catch {
      return false;
    }
  });
  return {
    stop: stop.signal,
    abandon: abandon.signal,
    dispose: () => signals.forEach((signal) => Deno.removeSignalListener(signal, onSignal)),
  };
}

function numberOption(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : NaN;
}

function usage(message: string): number {
  console.error(`logik: ${message}\nRun with --help for usage and examples.`);
  return 2;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}
