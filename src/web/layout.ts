/**
 * The frame of every page: navigation, the page's own content, and the footer with the
 * attributions the bundled data's licences require (GeoLite2's CC BY-SA 4.0). Plain HTML and
 * one stylesheet; pages work without JavaScript unless they are maps.
 */
import { type Html, html, type HtmlValue } from "./html.ts";

export interface PageOptions {
  readonly title: string;
  /** The navigation entry to mark as current. */
  readonly path: string;
  readonly body: Html;
  /** Scripts of the page, from /static/. */
  readonly scripts?: readonly string[];
  readonly styles?: readonly string[];
}

/** Pages join the navigation as they are served. */
const NAV: readonly (readonly [string, string])[] = [["/", "Home"], ["/map", "Map"], ["/stats", "Statistics"], ["/stats/regions", "Regions"], ["/live", "Live"], ["/downloads", "Downloads"], ["/api", "API"]];

export function page(o: PageOptions): Html {
  const nav: HtmlValue[] = NAV.map(([href, label]) =>
    html`<a href="${href}"${href === o.path ? html` aria-current="page"` : ""}>${label}</a>`);
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.title} · Ichnos</title>
${(o.styles ?? []).map((href) => html`<link rel="stylesheet" href="${href}">\n`)}<link rel="stylesheet" href="/static/css/site.css">
<link rel="icon" href="/favicon.ico">
</head>
<body>
<header class="site"><a class="brand" href="/">Ichnos</a><nav>${nav}</nav></header>
<main>
${o.body}
</main>
<footer class="site">
<p>Ichnos is an open geolocation service: the radio map is built from what its contributors submit.
<a href="/privacy">Privacy</a> · <a href="/terms">Terms</a> · <a href="/contact">Contact</a> · <a href="/optout">Opt out</a></p>
<p class="attribution">This product includes GeoLite2 data created by MaxMind, available from
<a href="https://www.maxmind.com">https://www.maxmind.com</a>, licensed under CC BY-SA 4.0.
Country borders: country-coder (ISC licence).</p>
</footer>
${(o.scripts ?? []).map((src) => html`<script src="${src}" defer></script>\n`)}</body>
</html>
`;
}
