/**
 * `/live`: submissions as they arrive, on a map and as a running list, with their rate. The
 * feed (`/live/feed`, a WebSocket) carries only coarse cells and counts (live/feed-message.ts).
 */
import { type Html, html } from "../html.ts";
import { page } from "../layout.ts";
import { vendorPath } from "../vendor-assets.ts";

export function livePage(): Html {
  return page({
    title: "Live", path: "/live",
    styles: [vendorPath("leaflet.css")],
    scripts: [vendorPath("leaflet.js"), "/static/js/live.js"],
    body: html`<h1>Live</h1>
<p>Submissions as Ichnos receives them: where (to about 100 m), how many networks, which app.
<span id="live-status" class="status">connecting…</span> · <span id="live-rate">0</span> reports/min</p>
<div id="live-map" class="map live" data-borders="/map/borders.json" data-feed="/live/feed"></div>
<ol id="live-list" class="live-list" aria-live="polite"></ol>
<noscript><p>The live view needs JavaScript.</p></noscript>`,
  });
}
