/**
 * `/map`: the coverage map. Leaflet (served by Ichnos from its own package, never a CDN) draws
 * the country borders Ichnos ships, or the configured raster base map, and over it the datamap
 * tiles of `/map/data/`. Without JavaScript the page says what the map shows.
 */
import { vendorPath } from "../vendor-assets.ts";
import { type Html, html } from "../html.ts";
import { page } from "../layout.ts";

export function mapPage(o: { readonly baseTilesUrl?: string }): Html {
  return page({
    title: "Coverage map", path: "/map",
    styles: [vendorPath("leaflet.css")],
    scripts: [vendorPath("leaflet.js"), "/static/js/map.js"],
    body: html`<h1>Coverage map</h1>
<p>Every square is a place, about 100 m across, where contributors observed at least one network in
the last year. Zoom in to see streets; the squares grow as you zoom out.</p>
<div id="map" class="map" data-tiles="/map/data/{z}/{x}/{y}.json" data-borders="/map/borders.json"
 data-base="${o.baseTilesUrl ?? ""}" role="region" aria-label="Coverage map"></div>
<noscript><p>The map needs JavaScript. The same data: <code>/map/data/{z}/{x}/{y}.json</code>.</p></noscript>`,
  });
}
