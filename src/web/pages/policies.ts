/** `/privacy`, `/terms`, `/contact`, `/optout`: what contributors and users need to know. */
import { type Html, html } from "../html.ts";
import { page } from "../layout.ts";

export function privacyPage(): Html {
  return page({
    title: "Privacy", path: "/privacy",
    body: html`<h1>Privacy</h1>
<p>Ichnos keeps a map of radio stations, not of people.</p>
<ul>
<li><strong>Contributions</strong>: a submission holds positions and the networks heard there. Ichnos
stores the networks' identifiers with positions derived from many submissions. It keeps the raw
submissions in its log and archive so that the map can be rebuilt; of who sent them it keeps only
the API key, if one was used, and the app's name (its User-Agent).</li>
<li><strong>Location requests</strong>: the networks a device names are used to answer and, for a
sample of requests, to confirm stations; the answer is not stored with the requester's address.
The client IP address is used for IP-based answers and for rate limits.</li>
<li><strong>Published data</strong> is statistics and cells only (public identifiers of
operators' towers), never Wi-Fi or Bluetooth identifiers.</li>
</ul>
<p>Your own network can be left out of the map: see <a href="/optout">opt out</a>.</p>`,
  });
}

export function termsPage(): Html {
  return page({
    title: "Terms", path: "/terms",
    body: html`<h1>Terms of use</h1>
<p>The service is provided as is, without warranty; positions are estimates with the accuracy
each answer states. Use an API key of your own, keep within its daily limit, and do not use the
service to track people without their consent.</p>
<p>Contributions are made available under the same terms as the data published from them: the
cell downloads may be used, shared and adapted freely. Ichnos itself is free software under the
Apache License 2.0.</p>`,
  });
}

export function contactPage(): Html {
  return page({
    title: "Contact", path: "/contact",
    body: html`<h1>Contact</h1>
<p>Questions about the service, API keys or the data go to the operators of this installation;
bugs and ideas for the software go to the Ichnos project's issue tracker.</p>`,
  });
}

export function optOutPage(): Html {
  return page({
    title: "Opt out", path: "/optout",
    body: html`<h1>Opt out</h1>
<p>To keep your Wi-Fi access point out of this and other location services, add
<code>_nomap</code> to the end of its network name (SSID), for example <code>MyHome_nomap</code>.
Ichnos drops every observation of a network named this way before it reaches the map.</p>
<p>Bluetooth beacons and cells cannot be opted out by name; ask the operators (<a href="/contact">contact</a>)
to block a station.</p>`,
  });
}
