/**
 * Monitor routes (SPEC §1.1, §1.1.1): GET, HEAD and POST only, everything else 405 (OPTIONS too),
 * and never CORS headers. `/__version__` and `/contribute.json` are monitor routes too, defined
 * with the content they describe (content.ts).
 */
import { type EventHandler, type H3, HTTPError } from "h3";
import type { Logger } from "../../logger.ts";
import { type HeartbeatChecks, runHeartbeat } from "../heartbeat.ts";

export interface MonitorDeps {
  readonly log: Logger;
  readonly checks: HeartbeatChecks;
}

const MONITOR_METHODS = ["GET", "HEAD", "POST"] as const;

function methodNotAllowed(): never {
  throw new HTTPError({
    status: 405,
    statusText: "Method Not Allowed",
    headers: { allow: MONITOR_METHODS.join(", ") },
  });
}

export function defineMonitorRoute(app: H3, path: string, handler: EventHandler): void {
  // HEAD is registered explicitly: h3 only falls back from HEAD to GET when no route at all
  // matches, and the catch-all below would otherwise answer HEAD with 405.
  for (const method of MONITOR_METHODS) app.on(method, path, handler);
  app.all(path, methodNotAllowed);
}

export function registerMonitorRoutes(app: H3, deps: MonitorDeps): void {
  // Load balancers poll this: it must stay up when every backend is down.
  defineMonitorRoute(app, "/__lbheartbeat__", () => ({ status: "OK" }));

  defineMonitorRoute(app, "/__heartbeat__", async (event) => {
    const report = await runHeartbeat(deps.checks, { log: deps.log });
    event.res.status = report.status;
    return report.body;
  });
}
