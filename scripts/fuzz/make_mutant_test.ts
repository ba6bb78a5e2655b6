import assert from "node:assert/strict";
import { dicomLayout } from "./dicom_structure.ts";
import { applyMutator, makeMutant, MUTATORS } from "./make_mutant.ts";
import { describeSeed, loadCorpus } from "./seed_file.ts";

const DICOM = "/work/shared/data/public/dicom";

Deno.test("the same run seed and index give the same mutant; another index gives another", async () => {
  const corpus = await loadCorpus([DICOM]);
  const first = makeMutant(corpus, 5, 17),
    again = makeMutant(corpus, 5, 17),
    other = makeMutant(corpus, 5, 18);
  assert.equal(first.fileName, again.fileName);
  assert.deepEqual(first.bytes, again.bytes);
  assert.notEqual(first.fileName, other.fileName);
});

Deno.test("a recorded mutation replays byte for byte from its source, mutator and seed", async () => {
  const corpus = await loadCorpus([DICOM]);
  const mutant = makeMutant(corpus, 3, 4);
  const source = corpus.find((seed) => seed.name === mutant.source)!;
  assert.deepEqual(applyMutator(source, mutant.mutator, mutant.mutationSeed)!.bytes, mutant.bytes);
});

Deno.test("nested sequences are inserted 10,000 deep and terminated when delimited", async () => {
  const path = `${DICOM}/MR_small.dcm`;
  const seed = describeSeed("MR_small.dcm", path, await Deno.readFile(path));
  for (let mutationSeed = 0; mutationSeed < 40; mutationSeed++) {
    const mutation = applyMutator(seed, "dicom-nested-sequences", mutationSeed)!;
    if (!mutation.detail.includes("10000 deep, delimited")) continue;
    const count = (pattern: number[]) => {
      let found = 0;
      for (let i = 0; i + pattern.length <= mutation.bytes.length; i++) {
        if (pattern.every((byte, k) => mutation.bytes[i + k] === byte)) found++;
      }
      return found;
    };
    // Item start with undefined length, and sequence delimitation item (FFFE,E0DD), little endian.
    assert.equal(count([0xfe, 0xff, 0x00, 0xe0, 0xff, 0xff, 0xff, 0xff]), 10000);
    assert.equal(count([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]), 10000);
    // The fuzzer's own walker survives the nest without throwing.
    assert.ok(dicomLayout(mutation.bytes).elements.length > 500);
    return;
  }
  assert.fail("no delimited 10,000-deep mutation among 40 seeds");
});

Deno.test("every mutator changes the bytes of a file it applies to", async () => {
  const files = ["MR_small_jpeg_ls_lossless.dcm", "US1_RLE.dcm", "MR_small.dcm"];
  const seeds = await Promise.all(
    files.map(async (name) =>
      describeSeed(name, `${DICOM}/${name}`, await Deno.readFile(`${DICOM}/${name}`))
    ),
  );
  const nifti = "/work/shared/data/public/nifti/anatomical.nii";
  seeds.push(describeSeed("anatomical.nii", nifti, await Deno.readFile(nifti)));
  for (const mutator of MUTATORS.values()) {
    const applicable = seeds.filter((seed) => mutator.kinds.includes(seed.kind));
    let changed = false;
    for (const seed of applicable) {
      for (let mutationSeed = 1; mutationSeed < 6 && !changed; mutationSeed++) {
        const mutation = applyMutator(seed, mutator.name, mutationSeed);
        if (
          mutation &&
          (mutation.bytes.length !== seed.bytes.length || mutation.bytes.some((b, i) => b !== seed.bytes[i]))
        ) {
          changed = true;
        }
      }
    }
    if (applicable.length) assert.ok(changed, `${mutator.name} never changed a file`);
  }
});
