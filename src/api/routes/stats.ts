/**
 * The statistics' JSON (SPEC §1.1, §4.12): `/stats_{blue,cell,wifi}.json`, any method, the
 * monthly unique-station series the `/stats` chart draws. Cached an hour (stats-service.ts).
 */
import type { H3 } from "h3";
import type { StatsKind, StatsSeries } from "../../stats/global-stats.ts";
import type { StatsService } from "../../stats/stats-service.ts";

export interface StatsDeps {
  readonly stats: StatsService;
}

const KINDS: readonly StatsKind[] = ["blue", "cell", "wifi"];

export function registerStatsRoutes(app: H3, deps: StatsDeps): void {
  for (const kind of KINDS) {
    app.all(`/stats_${kind}.json`, (event): Promise<StatsSeries> => {
      event.res.headers.set("cache-control", "max-age=3600");
      return deps.stats.series(kind);
    });
  }
}
