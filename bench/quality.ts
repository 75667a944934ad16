/**
 * `npm run bench:quality`: how well Ichnos locates, measured as the field does (bench/quality-support/):
 *   1. a synthetic city (city.ts: streets, Wi-Fi in the blocks from dense to sparse, Bluetooth
 *      venues, three-sector cell towers, a share of access points that move once) and a radio
 *      model (radio.ts: log-distance path loss, shadowing, device offsets, hearing thresholds);
 *   2. stumblers walking and cycling the streets with GNSS noise (trips.ts), their reports POSTed
 *      to `/v2/geosubmit` of an `ichnos web` child in uploads of 50, then `ichnos drain`;
 *   3. held-out street positions, scanned by devices of their own, located through
 *      `/v1/geolocate` as Wi-Fi-only, Bluetooth-only, cell-only and all-networks queries, and
 *      as the serving cell alone ("lone cell") and under an id no station has ("cell area",
 *      answered from its area) (`considerIp: false`, no fallback: the stations' answer alone);
 *   4. per type and per number of networks heard: answered share, median / p90 / p95 error, the
 *      share inside the reported accuracy and the median accuracy (score.ts); beside them a
 *      beaconDB-style peer and the true-position centroid, from the same data (baselines.ts);
 *      and the movers: queries that hear a moved access point placed within 500 m of where it
 *      used to stand.
 * Seeds make runs reproducible. `--scale small` runs in about a minute, `full` in a few.
 */
import { writeFileSync } from "node:fs";
import type { Report } from "../src/domain/report.ts";
import { spawnChild, startServer } from "./harness/children.ts";
import { readMachineInfo } from "./harness/machine.ts";
import { type OptionTable, readOptions } from "./harness/options.ts";
import { writeReport } from "./harness/report.ts";
import { runBench } from "./harness/run.ts";
import { serverChildEnv } from "./harness/scratch.ts";
import { inFlight } from "./harness/stats.ts";
import { buildPeer, type NetworkKind, trueCentroid } from "./quality-support/baselines.ts";
import { type CityKind, createCity } from "./quality-support/city.ts";
import { createRadio, heardFields } from "./quality-support/radio.ts";
import { formatQuality, type QualityRun } from "./quality-support/report.ts";
import { type Outcome, score } from "./quality-support/score.ts";
import { moverOutcomes } from "./quality-support/movers.ts";
import { staticOutcomes } from "./quality-support/static-stations.ts";
import { moveTimeOf, planQueries, planTrips } from "./quality-support/trips.ts";

const OPTIONS = {
  /** small: a 2 km city, 40 stumblers; full: a 5 km city, 160 stumblers. */
  scale: { kind: "text", default: "small", metavar: "small|full" },
  /** Which cities: dense, sparse, or both. */
  cities: { kind: "text", default: "dense,sparse", metavar: "dense,sparse" },
  seeds: { kind: "ints", default: [1] },
  /** Also write every query's outcome to this file, a JSON object per line (for fitting the accuracy model). */
  outcomes: { kind: "text", default: "", metavar: "FILE" },
} as const satisfies OptionTable;

const SCALES = {
  small: { halfSide: 1000, devices: 40, scans: 150, queries: 600 },
  full: { halfSide: 2500, devices: 160, scans: 300, queries: 3000 },
} as const;
const KEY = "bench-quality";
const BIN = new URL("../bin/ichnos.js", import.meta.url);
const WEB_CHILD = new URL("./harness/web-child.ts", import.meta.url);
/**
 * `cells` narrows a cell query to its serving cell ("serving": a lone-cell answer) or to the
 * serving cell under an id no station has ("unknown": the answer of its cell area).
 */
const TYPES: readonly { readonly type: string; readonly kinds: readonly NetworkKind[]; readonly cells?: "serving" | "unknown" }[] = [
  { type: "wifi", kinds: ["wifi"] }, { type: "blue", kinds: ["blue"] }, { type: "cell", kinds: ["cell"] }, { type: "all", kinds: ["wifi", "blue", "cell"] },
  { type: "lone cell", kinds: ["cell"], cells: "serving" }, { type: "cell area", kinds: ["cell"], cells: "unknown" },
];
/** Added to a serving cell's id for the area queries: LTE ids go to 2^28 − 1, the simulator's stay below 10^5. */
const UNKNOWN_CELL_OFFSET = 100_000_000;
const MOVER_PULL_M = 500;
const MOVER_ATTRIBUTION_M = 50;

/** The strongest signal heard per network type of the query (what an accuracy model may use). */
function strongest(fields: ReturnType<typeof heardFields>, kinds: readonly NetworkKind[]): Record<string, number | null> {
  const max = (xs: readonly { signalStrength?: number }[]) => (xs.length ? Math.max(...xs.map((x) => x.signalStrength ?? -200)) : null);
  return {
    wifiMax: kinds.includes("wifi") ? max(fields.wifiAccessPoints) : null,
    blueMax: kinds.includes("blue") ? max(fields.bluetoothBeacons) : null,
  };
}

const options = readOptions("quality", OPTIONS);
const scale = SCALES[options.scale as keyof typeof SCALES];
if (!scale) throw new Error(`--scale must be small or full (got ${options.scale})`);
const kinds = options.cities.split(",").map((c) => c.trim()) as CityKind[];

runBench("quality", options, async (run) => {
  const { progress } = run;
  const runs: QualityRun[] = [];
  const outcomeLines: string[] = [];
  let machine = null as Awaited<ReturnType<typeof readMachineInfo>> | null;
  for (const kind of kinds) {
    for (const seed of options.seeds) {
      const started = performance.now();
      const city = createCity({ kind, halfSide: scale.halfSide, seed, moverShare: 0.02 });
      // Trips end an hour before now: the reports are recent, as uploads are.
      const span = scale.devices * (scale.scans * 5000 + 30_000) + 120_000;
      const startMs = Date.now() - span - 3_600_000;
      const plan = { devices: scale.devices, scansPerDevice: scale.scans, seed, startMs };
      const radio = createRadio(city, moveTimeOf(plan));
      const trips = planTrips(city, radio, plan);
      const reports = trips.reports.flat();
      const queries = planQueries(city, radio, scale.queries, seed, trips.endMs);
      progress(`${kind} city, seed ${seed}: ${city.wifi.length} Wi-Fi (${city.wifi.filter((s) => s.moved).length} movers), ` +
        `${city.beacons.length} beacons in ${city.venues.length} venues, ${city.cells.length} cells; ${reports.length} reports; ${queries.length} queries`);

      const scratch = await run.scratch();
      const pool = run.pool(scratch.databaseUrl, 2);
      machine ??= await readMachineInfo(run.redis, pool);
      await pool.query(
        `INSERT INTO api_key (valid_key, maxreq, allow_locate, allow_region, allow_fallback, store_sample_locate, store_sample_submit)
         VALUES (?, 0, 1, 1, 0, 0, 100)`, [KEY]);
      const env = { ...serverChildEnv(options.redisUrl, scratch), ACCESS_LOG: "off" };
      const web = await startServer(WEB_CHILD, { label: `web (${kind} ${seed})`, env, onUnexpectedExit: run.abort });
      const uploads: Report[][] = [];
      for (const own of trips.reports) for (let i = 0; i < own.length; i += 50) uploads.push(own.slice(i, i + 50) as Report[]);
      await inFlight(uploads.length, 4, async (i) => {
        const res = await fetch(`${web.url}/v2/geosubmit?key=${KEY}`, {
          method: "POST", body: JSON.stringify({ items: uploads[i] }), headers: { "content-type": "application/json", "user-agent": "ichnos-bench-quality/1" },
        });
        if (res.status !== 200) throw new Error(`geosubmit answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
      });
      const drain = spawnChild(BIN, { label: `drain (${kind} ${seed})`, env: { ...env, LOG_LEVEL: "warn" }, args: ["drain", "--timeout", "10m"] });
      const code = await drain.exited;
      if (code !== 0) throw new Error(`ichnos drain exited ${code}`);

      // Before the queries (which the key keeps out of the stations): which movers are caught.
      const moverRows = await moverOutcomes(pool, city, reports, trips.moveAt);
      const peer = buildPeer(city, reports);
      const ours: Outcome[] = [];
      const peers: Outcome[] = [];
      const refs: Outcome[] = [];
      const moverChecks = { queries: 0, pulled: 0 };
      const jobs = queries.flatMap((q) => TYPES.map((t) => ({ q, t })));
      const geolocate = async (body: object) => {
        const res = await fetch(`${web.url}/v1/geolocate?key=${KEY}`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
        const answer = (await res.json()) as { location?: { lat: number; lng: number }; accuracy?: number };
        return { status: res.status, answer, at: answer.location ? city.fromLatLon(answer.location.lat, answer.location.lng) : null };
      };
      await inFlight(jobs.length, 8, async (j) => {
        const { q, t } = jobs[j]!;
        // A lone-cell or area query hears the serving cell alone.
        const asked = t.cells ? { ...q, heard: { ...q.heard, cells: q.heard.cells.slice(0, 1) } } : q;
        const areaQuery = t.cells === "unknown";
        const heard = (t.kinds.includes("wifi") ? asked.heard.wifi.length : 0) + (t.kinds.includes("blue") ? asked.heard.beacons.length : 0) +
          (t.kinds.includes("cell") ? asked.heard.cells.length : 0);
        if (heard === 0) return;
        const fields = heardFields(city, asked.heard);
        if (areaQuery) fields.cellTowers = fields.cellTowers.map((c) => ({ ...c, cellId: (c.cellId ?? 0) + UNKNOWN_CELL_OFFSET }));
        const body = {
          considerIp: false,
          ...(t.kinds.includes("wifi") ? { wifiAccessPoints: fields.wifiAccessPoints } : {}),
          ...(t.kinds.includes("blue") ? { bluetoothBeacons: fields.bluetoothBeacons } : {}),
          ...(t.kinds.includes("cell") ? { cellTowers: fields.cellTowers } : {}),
        };
        const { status, answer, at } = await geolocate(body);
        const error = at ? Math.hypot(at.x - q.x, at.y - q.y) : null;
        // Neither baseline answers from a cell area: beaconDB has none, and a centroid of towers needs the towers.
        const p = areaQuery ? null : peer.locate(asked, t.kinds);
        const r = areaQuery ? null : trueCentroid(city, asked, t.kinds, trips.endMs, trips.moveAt);
        // Bluetooth inside venues is also scored on its own: that is where beacons are meant to work.
        for (const type of t.type === "blue" && q.inVenue ? [t.type, "blue in venue"] : [t.type]) {
          ours.push({ type, heard, error, accuracy: status === 200 ? answer.accuracy ?? null : null });
          if (type === t.type) outcomeLines.push(JSON.stringify({ city: kind, seed, type, heard, inVenue: q.inVenue, error, accuracy: status === 200 ? answer.accuracy ?? null : null, ...strongest(fields, t.kinds) }));
          peers.push({ type, heard, error: p ? Math.hypot(p.x - q.x, p.y - q.y) : null, accuracy: null });
          refs.push({ type, heard, error: r ? Math.hypot(r.x - q.x, r.y - q.y) : null, accuracy: null });
        }
        // A query hearing a moved AP at its new place must not be placed near its old one by it:
        // answered within 500 m of the old place, and at least 50 m nearer to it than the same
        // query answered without that AP (other stations near the old place are not its doing),
        // while the AP is still stored away from its new place (blocked or relocated, it cannot
        // be what placed the answer there) and the answer is not nearer its move candidate.
        if (t.type === "wifi" && at) {
          for (const h of q.heard.wifi) {
            const s = city.wifi[h.index]!;
            if (!s.moved || Math.hypot(q.x - s.x, q.y - s.y) < MOVER_PULL_M) continue;
            // Counted among the queries either way; only one stored elsewhere can pull.
            moverChecks.queries += 1;
            const nearOld = Math.hypot(at.x - s.x, at.y - s.y);
            if (nearOld >= MOVER_PULL_M) break;
            const without = await geolocate({ ...body, wifiAccessPoints: fields.wifiAccessPoints.filter((w) => w.macAddress !== s.mac) });
            const alone = without.at ? Math.hypot(without.at.x - s.x, without.at.y - s.y) : Number.POSITIVE_INFINITY;
            // A mover locate may have placed at its candidate (near its new place): an answer
            // nearer that than the old place was moved there by the candidate, not the old place.
            const candidate = moverRows.candidates.get(s.mac);
            const byCandidate = candidate !== undefined && Math.hypot(at.x - candidate.x, at.y - candidate.y) < nearOld;
            if (nearOld < alone - MOVER_ATTRIBUTION_M && !moverRows.caught.has(s.mac) && !byCandidate) moverChecks.pulled += 1;
            break;
          }
        }
      });
      const staticRows = await staticOutcomes(pool, city);
      await web.stop();
      runs.push({
        kind, seed, wifi: city.wifi.length, beacons: city.beacons.length, cells: city.cells.length, reports: reports.length,
        queries: queries.length, seconds: (performance.now() - started) / 1000,
        ichnos: score(ours), peer: score(peers), reference: score(refs), movers: moverChecks, moverRows: moverRows.outcomes, staticRows,
      });
      progress(`${kind} city, seed ${seed}: done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
  }
  if (options.outcomes !== "") writeFileSync(options.outcomes, outcomeLines.map((l) => `${l}\n`).join(""));
  writeReport(options.json, { machine, scale: options.scale, runs }, formatQuality);
});
