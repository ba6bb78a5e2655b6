import assert from "node:assert/strict";
import { join } from "node:path";
import sharp from "sharp";
import { runEvaluation } from "./run.ts";
import { makeFixtures } from "../scripts/make_fixtures.ts";

const CHROMIUM = ["chromium", "chromium-browser", "google-chrome"].map(findOnPath).find((p) => p !== null) ??
  null;

function findOnPath(name: string): string | null {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    try {
      if (Deno.statSync(join(dir, name)).isFile) return join(dir, name);
    } catch {
      // not in this directory
    }
  }
  return null;
}

if (!CHROMIUM) console.warn("report_test: SKIPPED — chromium is not installed (apt-get install -y chromium)");

// Chromium's own background services still call home despite the flags; those are not the page's requests.
const BROWSER_HOSTS = new Set([
  "clients2.google.com",
  "update.googleapis.com",
  "accounts.google.com",
  "optimizationguide-pa.googleapis.com",
  "content-autofill.googleapis.com",
  "safebrowsingohttpgateway.googleapis.com",
  "redirector.gvt1.com",
  "edgedl.me.gvt1.com",
]);

/** A TCP listener standing in as the browser's HTTP proxy; it records the host of every request. */
function countingProxy() {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const hosts: string[] = [];
  (async () => {
    for await (const connection of listener) {
      const buffer = new Uint8Array(4096);
      const read = await connection.read(buffer).catch(() => null);
      const requestLine = new TextDecoder().decode(buffer.subarray(0, read ?? 0)).split("\r\n")[0];
      const target = requestLine.split(" ")[1] ?? "";
      hosts.push(target.replace(/^[a-z]+:\/\//, "").split(/[/:]/)[0]);
      connection.close();
    }
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    /** Hosts the pages asked for, browser background traffic left out. */
    pageHosts: () => hosts.filter((host) => !BROWSER_HOSTS.has(host)),
    close: () => listener.close(),
  };
}

async function chromium(url: string, proxyPort: number, mode: string[]): Promise<string> {
  const profile = await Deno.makeTempDir({ prefix: "logik-chromium-" });
  try {
    const output = await new Deno.Command(CHROMIUM!, {
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        `--user-data-dir=${profile}`,
        `--proxy-server=http://127.0.0.1:${proxyPort}`,
        "--proxy-bypass-list=<-loopback>",
        "--virtual-time-budget=3000",
        "--window-size=1200,1600",
        ...mode,
        url,
      ],
      stdout: "piped",
      stderr: "null",
    }).output();
    return new TextDecoder().decode(output.stdout);
  } finally {
    await Deno.remove(profile, { recursive: true });
  }
}

Deno.test({
  name: "report renders offline in headless Chromium: every chart draws, no network request",
  ignore: CHROMIUM === null,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const work = await Deno.makeTempDir({ prefix: "logik-report-test-" });
    const proxy = countingProxy();
    try {
      await makeFixtures({ count: 4, seed: 11, outDir: join(work, "set"), small: true });
      const report = await runEvaluation({
        set: join(work, "set"),
        mode: "us",
        out: join(work, "out"),
        baselineOnly: true,
      });
      const html = await Deno.readTextFile(report.reportPath);
      assert.doesNotMatch(html, /(src|href)\s*=\s*["']?\s*(https?:)?\/\//i, "no remote src/href");
      assert.doesNotMatch(html, /url\(\s*["']?https?:/i, "no remote CSS url()");
      assert.match(html, /Content-Security-Policy" content="default-src 'none'/);

      // Positive control: the proxy must see a page that does try to fetch, or a zero count proves nothing.
      const control = join(work, "control.html");
      await Deno.writeTextFile(
        control,
        '<html><body><img src="http://logik-eval.invalid/x.png"></body></html>',
      );
      await chromium(`file://${control}`, proxy.port, ["--dump-dom"]);
      await new Promise((done) => setTimeout(done, 200));
      assert.ok(proxy.pageHosts().includes("logik-eval.invalid"), "the proxy saw the control page's request");
      const controlCount = proxy.pageHosts().length;

      const dom = await chromium(`file://${report.reportPath}`, proxy.port, ["--dump-dom"]);
      const body = dom.match(/<body[^>]*>/)?.[0] ?? "";
      const attribute = (name: string) => Number(body.match(new RegExp(`${name}="(\\d+)"`))?.[1] ?? NaN);
      assert.equal(attribute("data-charts-total"), 4);
      assert.equal(attribute("data-charts-drawn"), 4, "every chart canvas has ink");
      assert.equal(attribute("data-csp-violations"), 0, "no blocked fetch attempts");

      const shot = join(work, "shot.png");
      await chromium(`file://${report.reportPath}`, proxy.port, [`--screenshot=${shot}`]);
      await new Promise((done) => setTimeout(done, 200));
      assert.deepEqual(proxy.pageHosts().slice(controlCount), [], "the report made no network request");
      // The chart grid sits below the summary; coloured bars there mean the charts reached the screen.
      const { data, info } = await sharp(shot).raw().toBuffer({ resolveWithObject: true });
      let magenta = 0;
      for (let i = 0; i < data.length; i += info.channels) {
        if (data[i] > 150 && data[i + 1] < 60 && data[i + 2] > 150) magenta++;
      }
      assert.ok(magenta > 2000, `baseline bars visible in the screenshot (${magenta} magenta pixels)`);
    } finally {
      proxy.close();
      await Deno.remove(work, { recursive: true });
    }
  },
});
