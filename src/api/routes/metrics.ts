/**
 * `GET /metrics`: the process's Prometheus exposition (metrics/), a monitor route (no CORS). With
 * ADMIN_TOKEN set it needs the token (scrape-access.ts); keep it off the public load balancer anyway.
 */
import type { H3 } from "h3";
import { readExposition, type MetricsRegistry } from "../../metrics/registry.ts";
import { mayScrape } from "../../metrics/scrape-access.ts";
import { unauthorized } from "../errors.ts";
import { defineMonitorRoute } from "./monitor.ts";

export interface MetricsDeps {
  readonly registry: MetricsRegistry;
  readonly adminToken: string | undefined;
}

export function registerMetricsRoutes(app: H3, deps: MetricsDeps): void {
  defineMonitorRoute(app, "/metrics", async (event) => {
    if (!mayScrape(event.req.headers.get("authorization"), deps.adminToken)) {
      event.res.headers.set("www-authenticate", 'Bearer realm="ichnos"');
      throw unauthorized();
    }
    const { body, contentType } = await readExposition(deps.registry);
    return new Response(body, { headers: { "content-type": contentType } });
  });
}
