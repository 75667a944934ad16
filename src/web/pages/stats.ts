/** `/stats` (global counters and their history) and `/stats/regions` (per region). */
import type { GlobalStats, StatsKind, StatsSeries } from "../../stats/global-stats.ts";
import type { RegionRow } from "../../stats/region-stats.ts";
import { type Html, html } from "../html.ts";
import { page } from "../layout.ts";
import { lineChart } from "../svg-chart.ts";

const metricList = (metrics: GlobalStats["metrics1"]) =>
  html`<dl class="metrics">${metrics.map((m) => html`<div><dt>${m.name}</dt><dd>${m.value} <small>million</small></dd></div>`)}</dl>`;

const CHART_TITLES: Readonly<Record<StatsKind, string>> = {
  wifi: "Wi-Fi networks", cell: "Cells", blue: "Bluetooth beacons",
};

export function statsPage(stats: GlobalStats, series: Readonly<Record<StatsKind, StatsSeries>>): Html {
  const charts = (["wifi", "cell", "blue"] as const).map((kind) =>
    lineChart(series[kind].series[0]?.data ?? [], { title: `${CHART_TITLES[kind]}, unique, by month` }));
  return page({
    title: "Statistics", path: "/stats",
    body: html`<h1>Statistics</h1>
<p>Running totals as of today, in millions: networks are distinct stations, observations every
sighting submitted. Updated every few minutes; <a href="/stats/regions">by region</a>.</p>
<h2>Wi-Fi and Bluetooth</h2>
${metricList(stats.metrics1)}
<h2>Cells</h2>
${metricList(stats.metrics2)}
<h2>History</h2>
${charts}
<p class="note">The same series as JSON: <a href="/stats_wifi.json">/stats_wifi.json</a>,
<a href="/stats_cell.json">/stats_cell.json</a>, <a href="/stats_blue.json">/stats_blue.json</a>.</p>`,
  });
}

const n = (v: number) => v.toLocaleString("en-US");

export function regionsPage(rows: readonly RegionRow[]): Html {
  return page({
    title: "Statistics by region", path: "/stats/regions",
    body: html`<h1>Statistics by region</h1>
<p>Stations known per region, most cells first. Cells are counted per radio (5G NR included);
Wi-Fi and Bluetooth are distinct stations.</p>
<table class="regions">
<thead><tr><th>Region</th><th>GSM</th><th>UMTS</th><th>LTE</th><th>NR</th><th>All cells</th><th>Wi-Fi</th><th>Bluetooth</th></tr></thead>
<tbody>
${rows.length === 0 ? html`<tr><td colspan="8">No regions yet.</td></tr>` : rows.map((r) => html`<tr data-region="${r.code}"><th scope="row">${r.name}</th><td>${n(r.gsm)}</td><td>${n(r.wcdma)}</td><td>${n(r.lte)}</td><td>${n(r.nr)}</td><td>${n(r.cell)}</td><td>${n(r.wifi)}</td><td>${n(r.blue)}</td></tr>\n`)}
</tbody>
</table>`,
  });
}
