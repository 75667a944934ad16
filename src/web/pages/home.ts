/** `/`: what Ichnos is, how to contribute, how to use the API. */
import { type Html, html } from "../html.ts";
import { page } from "../layout.ts";

export function homePage(): Html {
  return page({
    title: "An open geolocation service", path: "/",
    body: html`<h1>Ichnos</h1>
<p class="lead">Ichnos tells a device where it is from the radio signals it hears — Wi-Fi access points,
cell towers, Bluetooth beacons — without GPS. Its map of those signals is built from what people
contribute, and anyone may use it through the same HTTP API as Mozilla Location Service.</p>

<h2>Contribute</h2>
<p>Every observation of a network next to a GPS fix improves the map for everyone. Apps that
contribute:</p>
<ul>
<li><strong>NeoStumbler</strong> (Android): set its submission endpoint to this server; it sends <code>/v2/geosubmit</code>.</li>
<li><strong>Tower Collector</strong> (Android): choose a custom, MLS-compatible upload address on this server.</li>
<li><strong>GeoClue</strong> (Linux desktops): enable <code>submit-data</code> with this server's <code>/v1/submit</code> address.</li>
</ul>
<p>Ichnos keeps the networks' identifiers and positions, not who sent them: see <a href="/privacy">privacy</a>.</p>

<h2>Use the API</h2>
<p>Send what your device hears to <code>POST /v1/geolocate</code> and get back a position and its
accuracy in metres; <code>POST /v1/country</code> answers the country. Firefox, GeoClue and microG
work unchanged: they speak the same API. The <a href="/api">API reference</a> documents every endpoint.</p>
<pre><code>curl -s -H 'Content-Type: application/json' -d '{"considerIp": true}' 'https://HOST/v1/geolocate?key=YOUR_KEY'</code></pre>

<h2>The data</h2>
<p>See the <a href="/stats">statistics</a> and how they split <a href="/stats/regions">by region</a>.</p>`,
  });
}
