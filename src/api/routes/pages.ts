/**
 * The website's HTML pages (SPEC §1.1): any method, `Cache-Control: max-age=3600`, rendered on
 * the server (src/web/). The statistics pages read their data through the stats service, which
 * caches it an hour in Redis.
 */
import type { H3 } from "h3";
import type { Html } from "../../web/html.ts";
import { apiDocsPage } from "../../web/pages/api-docs.ts";
import { homePage } from "../../web/pages/home.ts";
import { livePage } from "../../web/pages/live.ts";
import { openApiDocument } from "../openapi/document.ts";
import { contactPage, optOutPage, privacyPage, termsPage } from "../../web/pages/policies.ts";
import { regionsPage, statsPage } from "../../web/pages/stats.ts";
import type { StatsService } from "../../stats/stats-service.ts";

export interface PagesDeps {
  /** Absent: the statistics pages are not served (processes or tests without MySQL data). */
  readonly stats?: StatsService;
}

function htmlResponse(body: Html): Response {
  return new Response(body.text, { headers: { "content-type": "text/html; charset=utf-8", "cache-control": "max-age=3600" } });
}

export function registerPageRoutes(app: H3, deps: PagesDeps): void {
  const fixed: readonly (readonly [string, () => Html])[] = [
    ["/", homePage], ["/api", () => apiDocsPage(openApiDocument())], ["/live", livePage], ["/privacy", privacyPage], ["/terms", termsPage], ["/contact", contactPage], ["/optout", optOutPage],
  ];
  for (const [path, render] of fixed) {
    // Static text: rendered once, at start.
    const body = render();
    app.all(path, () => htmlResponse(body));
  }
  const { stats } = deps;
  if (!stats) return;
  app.all("/stats", async () => {
    const [global, wifi, cell, blue] = await Promise.all([stats.global(), stats.series("wifi"), stats.series("cell"), stats.series("blue")]);
    return htmlResponse(statsPage(global, { wifi, cell, blue }));
  });
  app.all("/stats/regions", async () => htmlResponse(regionsPage(await stats.regions())));
}
