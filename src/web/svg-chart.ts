/**
 * A line chart drawn on the server as inline SVG: the statistics page shows its history without
 * JavaScript or a chart library. Points are `[epoch ms, value]`, oldest first. Colours are
 * presentation attributes, so the chart reads even where the stylesheet does not load.
 */
import { type Html, html } from "./html.ts";

export interface ChartOptions {
  readonly title: string;
  readonly width?: number;
  readonly height?: number;
}

const fmt = (n: number) => Math.round(n * 10) / 10;
const label = (ms: number) => new Date(ms).toISOString().slice(0, 7);
const shortNumber = (n: number) => (n >= 1e6 ? `${fmt(n / 1e6)}M` : n >= 1e3 ? `${fmt(n / 1e3)}k` : String(n));

export function lineChart(points: readonly (readonly [number, number])[], o: ChartOptions): Html {
  const width = o.width ?? 640;
  const height = o.height ?? 220;
  const pad = { left: 56, right: 16, top: 16, bottom: 28 };
  if (points.length === 0) {
    return html`<figure class="chart"><figcaption>${o.title}</figcaption><p class="empty">No data yet.</p></figure>`;
  }
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const yMax = Math.max(...ys, 1);
  const x = (v: number) => pad.left + (x1 === x0 ? (width - pad.left - pad.right) / 2 : ((v - x0) / (x1 - x0)) * (width - pad.left - pad.right));
  const y = (v: number) => height - pad.bottom - (v / yMax) * (height - pad.top - pad.bottom);
  const line = points.map((p) => `${fmt(x(p[0]))},${fmt(y(p[1]))}`).join(" ");
  return html`<figure class="chart">
<figcaption>${o.title}</figcaption>
<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${o.title}" data-points="${points.length}">
<line class="axis" stroke="#d9dee6" x1="${pad.left}" y1="${height - pad.bottom}" x2="${width - pad.right}" y2="${height - pad.bottom}"/>
<line class="axis" stroke="#d9dee6" x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${height - pad.bottom}"/>
<text class="tick" font-size="11" fill="#5b6473" x="${pad.left - 6}" y="${pad.top + 4}" text-anchor="end">${shortNumber(yMax)}</text>
<text class="tick" font-size="11" fill="#5b6473" x="${pad.left - 6}" y="${height - pad.bottom}" text-anchor="end">0</text>
<text class="tick" font-size="11" fill="#5b6473" x="${pad.left}" y="${height - 8}">${label(x0)}</text>
<text class="tick" font-size="11" fill="#5b6473" x="${width - pad.right}" y="${height - 8}" text-anchor="end">${label(x1)}</text>
<polyline class="series" fill="none" stroke="#0b6e4f" stroke-width="2" points="${line}"/>
${points.map((p) => html`<circle class="point" fill="#0b6e4f" cx="${fmt(x(p[0]))}" cy="${fmt(y(p[1]))}" r="3"><title>${label(p[0])}: ${p[1].toLocaleString("en-US")}</title></circle>`)}
</svg>
</figure>`;
}
