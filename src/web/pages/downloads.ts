/** `/downloads`: the public cell exports (SPEC §4.13, §6.5), full files and hourly diffs side by side. */
import type { DownloadLink, DownloadListing } from "../../cells/download-listing.ts";
import { CELL_CSV_HEADER } from "../../cells/cell-csv.ts";
import { type Html, html } from "../html.ts";
import { page } from "../layout.ts";

const links = (files: readonly DownloadLink[]): Html => files.length === 0
  ? html`<p class="status">None published yet.</p>`
  : html`<ul class="files">
${files.map((f) => html`<li><a href="${f.url}">${f.name}</a> <span class="size">${f.kilobytes}kB</span></li>\n`)}</ul>`;

export function downloadsPage(listing: DownloadListing): Html {
  return page({
    title: "Downloads", path: "/downloads",
    body: html`<h1>Cell downloads</h1>
<p>The cell data this service has learned, in the format of Mozilla Location Service's cell
exports. A full file, published daily at 00:37 UTC, holds every cell with a position that changed
in the 365 days before its date; an hourly diff, published three minutes past the hour, the cells
that changed in the hour before its time. Older files are deleted after a while.</p>
<p>Each file is gzip-compressed CSV with CRLF line endings and this header line:
<code>${CELL_CSV_HEADER}</code>. <code>radio</code> is <code>GSM</code>, <code>UMTS</code>,
<code>LTE</code> or <code>NR</code>: 5G cells are an Ichnos addition (MLS exported none), with
<code>area</code> the 24-bit TAC and <code>cell</code> the 36-bit NCI. <code>unit</code> is the
PSC or PCI, <code>range</code> the radius in metres, <code>created</code> and
<code>updated</code> are Unix seconds, and <code>averageSignal</code> is empty. OpenCelliD uses
the same format.</p>
<p>Like the contributions they are made from, the files may be used, shared and adapted freely
(see the <a href="/terms">terms</a>).</p>
<div class="downloads">
<section><h2>Full cell exports</h2>
${links(listing.full)}</section>
<section><h2>Differential cell exports</h2>
${links(listing.diff)}</section>
</div>`,
  });
}
