import assert from "node:assert/strict";
import { claimNext, createFrameClaim } from "./frame_claim.ts";
import { createSpreadBroker } from "./spread_broker.ts";
import type { SpreadOffer } from "./stream_spread.ts";
import { keepAllPlan } from "./testdata/keep_all_plan.ts";

function offer(id: string, frames: number): SpreadOffer {
  return {
    id,
    claim: createFrameClaim(frames, 8),
    path: `/in/${id}.dcm`,
    shape: { frames, rows: 4, cols: 4, channels: 1, type: "uint8" },
    dir: "/tmp/none",
    name: id,
    options: {} as SpreadOffer["options"],
    plan: keepAllPlan(),
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

Deno.test("broker: an idle worker waits while a job runs, then gets its offer", async () => {
  const broker = createSpreadBroker();
  broker.jobStarted();
  let got: SpreadOffer | null | undefined;
  const waiting = broker.next().then((next) => (got = next));
  await tick();
  assert.equal(got, undefined, "still waiting: the running job may offer later");
  const big = offer("big", 100);
  broker.open(0, big);
  await waiting;
  assert.equal(got, big);
  assert.equal(broker.ownerOf("big"), 0);
});

Deno.test("broker: no job running and no offer means no work; the job's end closes its claim", async () => {
  const broker = createSpreadBroker();
  assert.equal(await broker.next(), null);
  broker.jobStarted();
  const big = offer("big", 100);
  broker.open(1, big);
  broker.close("big");
  // Closed to new helpers, but a helper's failure still reaches the owner until its job ends.
  assert.equal(broker.ownerOf("big"), 1);
  const waiting = broker.next();
  broker.jobEnded(1);
  assert.equal(await waiting, null);
  assert.equal(broker.ownerOf("big"), undefined);
  assert.equal(claimNext(big.claim), null, "helpers still at work stop at their next chunk");
});

Deno.test("broker: the offer with the most frames left comes first; drained offers are skipped", async () => {
  const broker = createSpreadBroker();
  broker.jobStarted();
  broker.jobStarted();
  const small = offer("small", 24);
  const large = offer("large", 80);
  broker.open(0, small);
  broker.open(1, large);
  assert.equal(await broker.next(), large);
  while (claimNext(large.claim));
  assert.equal(await broker.next(), small);
});

Deno.test("broker: a stop signal ends the wait", async () => {
  const broker = createSpreadBroker();
  broker.jobStarted();
  const stop = new AbortController();
  const waiting = broker.next(stop.signal);
  stop.abort();
  assert.equal(await waiting, null);
});
