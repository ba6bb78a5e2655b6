/**
 * `deno task fixtures --n N --seed S --out DIR`: generate a deterministic set of synthetic echo loops with truth.
 *
 * `--small` limits sizes (≤ 480×360, ≤ 10 frames, RGB DICOM 320×240) for the checked-in set.
 * Layout: DIR/inputs/case_NNNN.{dcm,png,jpg,mp4}, DIR/truth/case_NNNN_roi.png, DIR/truth/case_NNNN.json.
 * @module
 */

import { parseArgs } from "node:util";
import { caseSeed } from "./fixtures/prng.ts";
import { generateCase } from "./fixtures/generate_case.ts";
import { writeCase } from "./fixtures/case_writer.ts";

/**
 * Generate `count` cases from `seed` into `outDir`; returns the input file paths.
 *
 * @example
 * ```ts
 * await makeFixtures({ count: 4, seed: 1, outDir: "/tmp/fixtures" });
 * ```
 */
export async function makeFixtures(
  options: { count: number; seed: number; outDir: string; first?: number; small?: boolean },
): Promise<string[]> {
  const paths: string[] = [];
  const first = options.first ?? 0;
  for (let index = first; index < first + options.count; index++) {
    const synthetic = await generateCase(index, caseSeed(options.seed, index), { small: options.small });
    paths.push(await writeCase(synthetic, options.outDir));
  }
  return paths;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      n: { type: "string", default: "20" },
      seed: { type: "string", default: "1" },
      out: { type: "string", default: "fixtures" },
      first: { type: "string", default: "0" },
      small: { type: "boolean", default: false },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log("usage: deno task fixtures [--n 20] [--seed 1] [--out fixtures] [--first 0] [--small]");
    Deno.exit(0);
  }
  const count = Number(values.n), seed = Number(values.seed), first = Number(values.first);
  if (
    !Number.isInteger(count) || count < 1 || !Number.isInteger(seed) || !Number.isInteger(first) || first < 0
  ) {
    console.error("--n and --first must be non-negative integers (n ≥ 1) and --seed an integer");
    Deno.exit(2);
  }
  const started = performance.now();
  const paths = await makeFixtures({ count, seed, outDir: values.out!, first, small: values.small });
  console.log(
    `wrote ${paths.length} cases to ${values.out} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}
