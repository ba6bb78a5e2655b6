/**
 * The offline HTML report: one file, chart.js inlined, images as data URIs, a CSP that forbids any fetch.
 * @module
 */

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CaseResult } from "./evaluate_case.ts";
import type { Summary } from "./aggregate.ts";
import type { GalleryItem } from "./gallery.ts";

/** Facts about the run shown in the header. */
export interface ReportMeta {
  set: string;
  mode: string;
  command: string;
  generatedAt: string;
  oursRan: boolean;
  note: string | null;
}

/**
 * Read chart.js's UMD bundle from the installed npm package (never from the network).
 *
 * @example
 * ```ts
 * const source = await chartJsSource();
 * source.length > 100000; // true
 * ```
 */
export async function chartJsSource(): Promise<string> {
  const entry = fileURLToPath(import.meta.resolve("chart.js"));
  return await Deno.readTextFile(join(dirname(entry), "chart.umd.min.js"));
}

const DICE_BINS = [0, 0.8, 0.85, 0.9, 0.95, 0.97, 0.98, 0.99, 0.995, 1.0001];

/**
 * Render the report page.
 *
 * @example
 * ```ts
 * const html = renderReport(summary, results, gallery, meta, await chartJsSource());
 * ```
 */
export function renderReport(
  summary: Summary,
  results: CaseResult[],
  gallery: GalleryItem[],
  meta: ReportMeta,
  chartJs: string,
): string {
  const histogram = (values: number[]) => {
    const counts = new Array(DICE_BINS.length - 1).fill(0);
    for (const v of values) {
      const bin = DICE_BINS.findIndex((edge, i) =>
        i < DICE_BINS.length - 1 && v >= edge && v < DICE_BINS[i + 1]
      );
      if (bin >= 0) counts[bin]++;
    }
    return counts;
  };
  const oursDice = results.map((r) => r.ours?.scores?.dice).filter((d): d is number => d !== undefined);
  const baseDice = results.map((r) => r.baseline.scores?.dice).filter((d): d is number => d !== undefined);
  const kinds = summary.kinds;
  const compressionKeys = Object.keys(summary.compression);
  const chartData = {
    diceBins: DICE_BINS.slice(0, -1).map((edge, i) =>
      i === DICE_BINS.length - 2 ? `≥ ${edge}` : `${edge.toFixed(3)}–${DICE_BINS[i + 1].toFixed(3)}`
    ),
    oursHistogram: histogram(oursDice),
    baselineHistogram: histogram(baseDice),
    kinds,
    oursByKind: kinds.map((k) => summary.region.ours[k]?.meanDice ?? null),
    baselineByKind: kinds.map((k) => summary.region.baseline[k]?.meanDice ?? null),
    compressionKeys,
    bytesIn: compressionKeys.map((k) => summary.compression[k].bytesIn / 1e6),
    bytesOut: compressionKeys.map((k) => summary.compression[k].bytesOut / 1e6),
    timeLabels: ["ms per file", "ms per frame"],
    oursTime: [summary.time.oursMeanMsPerFile, summary.time.oursMeanMsPerFrame],
    baselineTime: [summary.time.baselineMeanMsPerFile, summary.time.baselineMeanMsPerFrame],
    oursRan: meta.oursRan,
  };
  const totalIn = summary.firstRunBytes.bytesIn;
  const totalOut = summary.firstRunBytes.bytesOut;
  const text = summary.text;
  const oursAll = summary.region.ours.all, baseAll = summary.region.baseline.all;
  const table1: [string, string, string, string][] = [
    [
      "Files evaluated",
      String(summary.cases),
      meta.oursRan ? String(oursAll.scored) : "—",
      meta.oursRan ? pct(oursAll.scored / Math.max(1, summary.cases)) : "—",
    ],
    [
      "Total size (MB)",
      totalIn ? mb(totalIn) : "—",
      totalIn ? mb(totalOut) : "—",
      totalIn ? signedPct(totalOut / totalIn - 1) : "—",
    ],
    [
      "Burned-in text boxes visible",
      text ? String(text.boxes) : "—",
      text ? String(text.boxes - text.removed) : "—",
      text?.recall != null ? `${pct(text.recall)} removed` : "—",
    ],
    [
      "PHI text boxes visible",
      text ? String(text.phiBoxes) : "—",
      text ? String(text.phiBoxes - text.phiRemoved) : "—",
      text?.phiRecall != null ? `${pct(text.phiRecall)} removed` : "—",
    ],
    [
      "Text still found by the leak check (boxes)",
      text ? String(text.boxes) : "—",
      text ? String(text.residualBoxes) : "—",
      text ? `${text.casesWithResidual} files` : "—",
    ],
    [
      "ROI Dice vs expert, mean (before = PyLogik, after = Logik)",
      fmt(baseAll.meanDice),
      fmt(oursAll.meanDice),
      baseAll.meanDice && oursAll.meanDice ? signedPct(oursAll.meanDice / baseAll.meanDice - 1) : "—",
    ],
    ...kinds.map((k): [string, string, string, string] => {
      const b = summary.region.baseline[k], o = summary.region.ours[k];
      return [
        `  ${k}: Dice mean (min)`,
        `${fmt(b.meanDice)} (${fmt(b.minDice)})`,
        `${fmt(o.meanDice)} (${fmt(o.minDice)})`,
        b.meanDice && o.meanDice ? signedPct(o.meanDice / b.meanDice - 1) : "—",
      ];
    }),
    ["ROI IoU, mean", fmt(baseAll.meanIou), fmt(oursAll.meanIou), "—"],
    ["ROI HD95 px, median", fmt(baseAll.medianHd95, 1), fmt(oursAll.medianHd95, 1), "—"],
    [
      "ROI failures (crash / no region)",
      String(baseAll.failures),
      meta.oursRan ? String(oursAll.failures) : "—",
      "—",
    ],
  ];
  const compressionRows = compressionKeys.map((k) => {
    const c = summary.compression[k];
    return `<tr><td>${esc(k)}</td><td>${c.files}</td><td>${mb(c.bytesIn)}</td><td>${mb(c.bytesOut)}</td><td>${
      c.ratio === null ? "—" : c.ratio.toFixed(3)
    }</td><td>${c.ratio === null ? "—" : signedPct(c.ratio - 1)}</td><td>${fmt(c.psnrMean, 1)}</td><td>${
      fmt(c.psnrMin, 1)
    }</td></tr>`;
  }).join("");
  const caseRows = results.map((r) => {
    const o = r.ours;
    return `<tr><td>${esc(r.id)}</td><td>${esc(r.kind)}</td><td>${esc(r.inputFormat)}</td><td>${
      r.cols ?? "—"
    }×${r.rows ?? "—"}×${r.frames ?? "—"}</td>` +
      `<td>${fmt(r.baseline.scores?.dice)}</td><td>${
        esc(r.baseline.method ?? (r.baseline.error ? "crash" : "—"))
      }</td>` +
      `<td>${fmt(o?.scores?.dice)}</td><td>${fmt(o?.scores?.hd95, 1)}</td><td>${
        esc(o?.roiMethod ?? "—")
      }</td>` +
      `<td>${o?.text ? `${o.text.removed}/${o.text.boxes}` : "—"}</td><td>${
        o?.text ? `${o.text.phiRemoved}/${o.text.phiBoxes}` : "—"
      }</td>` +
      `<td>${o?.residual ?? "—"}</td><td>${
        o?.psnr == null ? "—" : Number.isFinite(o.psnr) ? o.psnr.toFixed(1) : "∞"
      }</td></tr>`;
  }).join("");
  const galleryCards = gallery.map((g) =>
    `<figure class="card"><figcaption><b>${esc(g.id)}</b> ${esc(g.caption)}</figcaption>
<div class="imgs">${img(g.oursOverlay, "ours vs truth")}${img(g.baselineOverlay, "PyLogik vs truth")}${
      img(g.maskedFrame, g.maskedCaption)
    }</div></figure>`
  ).join("\n");
  const failures = summary.failures.length
    ? `<ul>${
      summary.failures.map((f) => `<li><b>${esc(f.id)}</b> [${f.who}] ${esc(f.reason)}</li>`).join("")
    }</ul>`
    : "<p>None.</p>";
  const gaps = summary.gaps.length
    ? `<ul>${
      summary.gaps.map((g) => `<li><b>${esc(g.id)}</b>: missing ${esc(g.missing.join(", "))}</li>`).join("")
    }</ul>`
    : "<p>Every case has its truth.</p>";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Logik evaluation</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}
table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
td:first-child,th:first-child{text-align:left;white-space:pre}
.charts{display:grid;grid-template-columns:1fr 1fr;gap:16px}.charts div{height:280px}
.card{border:1px solid #ccc;padding:8px;margin:0 0 12px}.imgs{display:flex;gap:8px;flex-wrap:wrap}
.imgs figure{margin:0}.imgs img{max-width:300px;image-rendering:pixelated;background:#000}
.note{background:#fff4d6;padding:8px;border:1px solid #e0c070}
small{color:#666}
</style></head>
<body data-charts-drawn="0" data-charts-total="4" data-csp-violations="0">
<h1>Logik evaluation — mode <code>${esc(meta.mode)}</code></h1>
<p>Set <code>${esc(meta.set)}</code>, ${summary.cases} cases, generated ${esc(meta.generatedAt)}.<br>
<small>Command: <code>${esc(meta.command)}</code></small></p>
${meta.note ? `<p class="note">${esc(meta.note)}</p>` : ""}
<h2>Summary (Table 1 form)</h2>
<table><tr><th>Measure</th><th>Before</th><th>After</th><th>%</th></tr>
${table1.map((row) => `<tr>${row.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`).join("\n")}
</table>
<p><small>A text box counts as removed when ≥ 99% of its truth-box pixels are blanked by text_mask.png or lie outside the kept region (roi_mask.png).
Over-masking: ${
    text?.meanOverMasked == null ? "—" : pct(text.meanOverMasked, 3)
  } of the expert region, on average, was blanked as text away from any true text box (3 px margin); ${
    text?.meanOverMaskedClean == null ? "—" : pct(text.meanOverMaskedClean, 3)
  } on the ${text?.cleanCases ?? 0} cases with no text inside the sector.
PSNR inside the kept region (lossy outputs, text boxes excluded): mean ${fmt(summary.psnr.mean, 1)} dB, min ${
    fmt(summary.psnr.min, 1)
  } dB over ${summary.psnr.cases} files.
Time: ours ${fmt(summary.time.oursMeanMsPerFile, 0)} ms/file, ${
    fmt(summary.time.oursMeanMsPerFrame, 1)
  } ms/frame (manifest timings, whole pipeline);
PyLogik ROI only ${fmt(summary.time.baselineMeanMsPerFile, 0)} ms/file. CLI wall time ${
    summary.time.cliWallMs === null ? "—" : (summary.time.cliWallMs / 1000).toFixed(1) + " s"
  },
peak memory ${
    summary.time.cliPeakRssBytes === null ? "—" : mb(summary.time.cliPeakRssBytes) + " MB"
  }.</small></p>
<h2>Charts</h2>
<div class="charts"><div><canvas id="diceHist"></canvas></div><div><canvas id="diceKind"></canvas></div>
<div><canvas id="compression"></canvas></div><div><canvas id="time"></canvas></div></div>
<h2>Compression by format</h2>
<table><tr><th>Input → output</th><th>Files</th><th>MB in</th><th>MB out</th><th>Out/in</th><th>%</th><th>PSNR mean dB</th><th>PSNR min dB</th></tr>${
    compressionRows || '<tr><td colspan="8">Our pipeline did not run.</td></tr>'
  }</table>
<h2>10 worst cases</h2>
<p><small>Overlays: green = kept only, magenta = truth only, white = both.</small></p>
${galleryCards || "<p>No cases.</p>"}
<h2>Failures</h2>${failures}
<h2>Truth gaps</h2>${gaps}
<h2>All cases</h2>
<table><tr><th>Case</th><th>Kind</th><th>Input</th><th>Size</th><th>PyLogik Dice</th><th>PyLogik</th><th>Dice</th><th>HD95</th><th>ROI method</th><th>Text removed</th><th>PHI removed</th><th>Residual</th><th>PSNR dB</th></tr>
${caseRows}</table>
<script>${chartJs.replace(/<\/script/gi, "<\\/script")}</script>
<script>
document.addEventListener("securitypolicyviolation", () => {
  document.body.dataset.cspViolations = String(Number(document.body.dataset.cspViolations) + 1);
});
const DATA = ${JSON.stringify(chartData).replace(/</g, "\\u003c")};
const GREEN = "rgb(90,190,0)", MAGENTA = "rgb(200,0,200)";
const common = { animation: false, responsive: true, maintainAspectRatio: false };
const series = (label, data, color) => ({ label, data, backgroundColor: color });
const charts = [
  new Chart(document.getElementById("diceHist"), { type: "bar", options: { ...common, plugins: { title: { display: true, text: "Dice distribution (cases per bin)" } } },
    data: { labels: DATA.diceBins, datasets: [...(DATA.oursRan ? [series("Logik", DATA.oursHistogram, GREEN)] : []), series("PyLogik baseline", DATA.baselineHistogram, MAGENTA)] } }),
  new Chart(document.getElementById("diceKind"), { type: "bar", options: { ...common, scales: { y: { min: 0.5, max: 1 } }, plugins: { title: { display: true, text: "Mean Dice by geometry" } } },
    data: { labels: DATA.kinds, datasets: [...(DATA.oursRan ? [series("Logik", DATA.oursByKind, GREEN)] : []), series("PyLogik baseline", DATA.baselineByKind, MAGENTA)] } }),
  new Chart(document.getElementById("compression"), { type: "bar", options: { ...common, plugins: { title: { display: true, text: DATA.compressionKeys.length ? "Size in and out (MB)" : "Size in and out (MB): our pipeline did not run" } } },
    data: { labels: DATA.compressionKeys.length ? DATA.compressionKeys : ["none"], datasets: [series("in", DATA.compressionKeys.length ? DATA.bytesIn : [0], "rgb(120,120,120)"), series("out", DATA.compressionKeys.length ? DATA.bytesOut : [0], GREEN)] } }),
  new Chart(document.getElementById("time"), { type: "bar", options: { ...common, scales: { y: { type: "logarithmic" } }, plugins: { title: { display: true, text: "Time (ms, log scale): Logik whole pipeline vs PyLogik ROI only" } } },
    data: { labels: DATA.timeLabels, datasets: [...(DATA.oursRan ? [series("Logik", DATA.oursTime, GREEN)] : []), series("PyLogik ROI", DATA.baselineTime, MAGENTA)] } }),
];
// Count charts whose canvas really has ink, so a headless test can tell a drawn page from a broken one.
let drawn = 0;
for (const chart of charts) {
  const canvas = chart.canvas;
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let ink = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) ink++;
  if (ink > 100) drawn++;
}
document.body.dataset.chartsDrawn = String(drawn);
document.title = "Logik evaluation (" + drawn + "/" + charts.length + " charts drawn)";
</script>
</body></html>
`;
}

function img(uri: string | null, caption: string): string {
  return uri
    ? `<figure><img src="${uri}" alt="${esc(caption)}"><figcaption><small>${
      esc(caption)
    }</small></figcaption></figure>`
    : "";
}

function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function fmt(value: number | null | undefined, digits = 4): string {
  return value === null || value === undefined || Number.isNaN(value) ? "—" : value.toFixed(digits);
}

function pct(value: number, digits = 1): string {
  return `${(value * 100).toFixed(digits)}%`;
}

function signedPct(value: number): string {
  return `${value >= 0 ? "+" : ""}${(value * 100).toFixed(1)}%`;
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(2);
}
