import assert from "node:assert/strict";
import {
  agreeFormat,
  claimNext,
  claimProgress,
  closeClaim,
  createFrameClaim,
  markWritten,
  unclaimedFrames,
} from "./frame_claim.ts";

Deno.test("frame claim: chunks start at multiples of the chunk size, the last one is short, then none", () => {
  const claim = createFrameClaim(20, 8);
  assert.deepEqual(claimNext(claim), { start: 0, end: 8 });
  assert.equal(unclaimedFrames(claim), 12);
  assert.deepEqual(claimNext(claim), { start: 8, end: 16 });
  assert.deepEqual(claimNext(claim), { start: 16, end: 20 });
  assert.equal(claimNext(claim), null);
  assert.equal(claimNext(claim), null);
  assert.equal(unclaimedFrames(claim), 0);
  assert.equal(claimNext(createFrameClaim(0, 8)), null);
});

Deno.test("frame claim: two workers sharing the buffer take every chunk exactly once", async () => {
  const claim = createFrameClaim(1000, 8);
  const source = `
    import { claimNext, markWritten } from ${
    JSON.stringify(new URL("./frame_claim.ts", import.meta.url).href)
  };
    self.onmessage = (event) => {
      const taken = [];
      for (let range = claimNext(event.data); range; range = claimNext(event.data)) {
        taken.push(range.start);
        // A little work per chunk, so that the other thread gets chunks too.
        const until = performance.now() + 0.5;
        while (performance.now() < until);
        markWritten(event.data, range.end - range.start, { helper: true });
      }
      self.postMessage(taken);
    };
    self.postMessage("ready");`;
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  const worker = new Worker(url, { type: "module" });
  try {
    const messages: unknown[] = [];
    let arrived = () => {};
    worker.onmessage = (event) => {
      messages.push(event.data);
      arrived();
    };
    const nextMessage = async () => {
      while (messages.length === 0) await new Promise<void>((resolve) => (arrived = resolve));
      return messages.shift();
    };
    assert.equal(await nextMessage(), "ready");
    worker.postMessage(claim);
    const mine: number[] = [];
    for (let range = claimNext(claim); range; range = claimNext(claim)) {
      mine.push(range.start);
      markWritten(claim, range.end - range.start, { helper: false });
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const theirs = nextMessage() as Promise<number[]>;
    const other = await theirs;
    assert.ok(mine.length > 0 && other.length > 0, `${mine.length} and ${other.length} chunks`);
    const all = [...mine, ...other].sort((a, b) => a - b);
    assert.deepEqual(all, Array.from({ length: 125 }, (_, i) => i * 8));
    const progress = claimProgress(claim);
    assert.equal(progress.written, 1000);
    assert.equal(progress.helped, other.reduce((sum, start) => sum + Math.min(8, 1000 - start), 0));
  } finally {
    worker.terminate();
    URL.revokeObjectURL(url);
  }
});

Deno.test("frame claim: closing hands out nothing more; written counts who wrote", () => {
  const claim = createFrameClaim(30, 8);
  claimNext(claim);
  markWritten(claim, 8, { helper: true });
  closeClaim(claim);
  assert.equal(claimNext(claim), null);
  assert.deepEqual(claimProgress(claim), { written: 8, helped: 8, format: null });
});

Deno.test("frame claim: writers must agree on bit depth and value offset", () => {
  const claim = createFrameClaim(16, 8);
  agreeFormat(claim, { bitDepth: 16, valueOffset: 32768 });
  agreeFormat(claim, { bitDepth: 16, valueOffset: 32768 });
  assert.deepEqual(claimProgress(claim).format, { bitDepth: 16, valueOffset: 32768 });
  assert.throws(() => agreeFormat(claim, { bitDepth: 8, valueOffset: 0 }), /disagree/);
  assert.throws(() => agreeFormat(claim, { bitDepth: 16, valueOffset: 0 }), /disagree/);
  const plain = createFrameClaim(16, 8);
  agreeFormat(plain, { bitDepth: 8, valueOffset: 0 });
  assert.deepEqual(claimProgress(plain).format, { bitDepth: 8, valueOffset: 0 });
});
