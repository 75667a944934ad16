/**
 * From measured per-operation CPU costs to the hardware MLS's production load would need
 * (SPEC §7). The load:
 *   - observations: "500 to 1000 million a day" ≈ 11,600/s on average at the upper figure; peaks
 *     are taken as twice that (the rate controller's backlog target implies peaks well above the
 *     mean; no peak figure is published);
 *   - reports: observations ÷ the observations per report of the bench's own reports;
 *   - locate: "10 million requests per day" (2015) ≈ 116/s on average, peaks taken as three times
 *     that; 60% answered from stations, 40% from GeoIP (2019), which the query mix roughly has.
 * Cores are CPU-seconds per second at the peak, doubled to run at 50% (headroom for bursts,
 * garbage collection and a failed host). Redis is single-threaded per server: its cores say how
 * many cluster masters it takes at most 50% each. These are CPU figures on tables that fit in
 * memory; MLS's 1,450 M Wi-Fi networks do not, so the database's size is estimated beside them
 * (bytes per row measured here), and its disks and memory, not its cores, set its size.
 */
export interface UnitCosts {
  /** CPU ms per accepted report: web processes and Redis. */
  readonly submit: { readonly web: number; readonly redis: number };
  /** CPU ms per observation applied: workers, Redis, MariaDB. */
  readonly pipeline: { readonly work: number; readonly redis: number; readonly mysql: number };
  /** CPU ms per locate query: web process and MariaDB (primary or replica). */
  readonly locate: { readonly web: number; readonly mysql: number } | null;
  readonly observationsPerReport: number;
  /** InnoDB bytes per Wi-Fi station row (data and indexes), from the locate runs' tables. */
  readonly wifiRowBytes: number | null;
}

export interface Estimate {
  readonly peak: { readonly observationsPerSecond: number; readonly reportsPerSecond: number; readonly locatePerSecond: number };
  /** Cores at 50% utilisation, per tier. */
  readonly cores: { readonly web: number; readonly work: number; readonly redis: number; readonly mysql: number };
  /** Redis Cluster masters at ≤ 50% of one core each. */
  readonly redisMasters: number;
  /** The Wi-Fi station tables at MLS's last published size (1,450 M networks, 2019), in GiB. */
  readonly wifiTablesGiB: number | null;
}

export const MLS_MEAN_OBSERVATIONS_PER_SECOND = 1_000_000_000 / 86_400;
export const MLS_MEAN_LOCATE_PER_SECOND = 10_000_000 / 86_400;
export const MLS_WIFI_NETWORKS = 1_450_000_000;
const OBSERVATION_PEAK = 2;
const LOCATE_PEAK = 3;
const HEADROOM = 2;

export function estimateMls(costs: UnitCosts): Estimate {
  const observationsPerSecond = MLS_MEAN_OBSERVATIONS_PER_SECOND * OBSERVATION_PEAK;
  const reportsPerSecond = observationsPerSecond / costs.observationsPerReport;
  const locatePerSecond = MLS_MEAN_LOCATE_PER_SECOND * LOCATE_PEAK;
  const cores = (msPerSecond: number) => (msPerSecond / 1000) * HEADROOM;
  const locate = costs.locate ?? { web: 0, mysql: 0 };
  const redis = cores(reportsPerSecond * costs.submit.redis + observationsPerSecond * costs.pipeline.redis);
  return {
    peak: { observationsPerSecond, reportsPerSecond, locatePerSecond },
    cores: {
      web: cores(reportsPerSecond * costs.submit.web + locatePerSecond * locate.web),
      work: cores(observationsPerSecond * costs.pipeline.work),
      redis,
      mysql: cores(observationsPerSecond * costs.pipeline.mysql + locatePerSecond * locate.mysql),
    },
    redisMasters: Math.max(1, Math.ceil(redis)),
    wifiTablesGiB: costs.wifiRowBytes === null ? null : (MLS_WIFI_NETWORKS * costs.wifiRowBytes) / 2 ** 30,
  };
}
