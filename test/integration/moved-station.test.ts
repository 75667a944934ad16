/**
 * A Wi-Fi access point that moves 2 km, and one that moves 500 m, end to end through the documented interfaces only: a
 * real `ichnos web` process takes GNSS reports over HTTP `/v2/geosubmit`, `ichnos drain` turns
 * them into stations, and `/v1/geolocate` answers over HTTP. The mover M is heard first among
 * A..F around P, then only among G..L around Q, 2 km (or 500 m) north. Ichnaea merged both moves
 * (it blocks Wi-Fi only beyond 5 km); Ichnos blocks the 2 km one at once and relocates the 500 m
 * one after three observations at Q (src/domain/station/move-watch.ts RELOCATE_AFTER), which is
 * all phase B gives it. Afterwards a query hearing M loudest
 * must locate near Q: M may be relocated to Q or blocked, but must never pull the answer toward
 * P or leave its stored position at the midpoint, which is what averaging the two
 * neighbourhoods gives. A station that never moves (S, heard around P in both phases) is the
 * control: it still locates near P, so a locate that stopped answering fails the suite too.
 *
 * A third station (HEARD_FAR) never moves but is heard once from 400 m away: it has a move
 * candidate, and locate must still use it where the networks heard with it are.
 *
 * MySQL is read directly (not through the code under test) only for M's stored row and
 * HEARD_FAR's candidate.
 */
import mysql, { type Connection, type RowDataPacket } from "mysql2/promise";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { toConnectionOptions } from "../../src/db/database-url.ts";
import { RELOCATE_AFTER } from "../../src/domain/station/move-watch.ts";
import { haversineDistance } from "../../src/geo/distance.ts";
import { prng } from "../../src/util/prng.ts";
import { type CliProcess, startCli } from "../support/cli-process.ts";
import { createTestDatabase, redisUrl, uniquePrefix } from "../support/infra.ts";
import { runCli } from "../support/run-cli.ts";

interface Point { readonly lat: number; readonly lon: number }
interface Ap { readonly mac: string; readonly at: Point }
interface Answer { readonly status: number; readonly location?: { lat: number; lng: number }; readonly accuracy?: number; readonly reason?: string }

interface Ctx {
  db: { url: string; drop: () => Promise<void> };
  cli: Record<string, string>;
  web: CliProcess;
  url: string;
  conn: Connection;
  /** M plus three of A..F after phase A's drain, before M moved: proves M was known at P. */
  beforeMove: Answer;
}

const KEY = "moved-station";
const HOUR_MS = 3_600_000;
const METRES_PER_DEGREE = 111_320;

/** `north`/`east` metres from `p` (flat-earth offsets: exact enough over 2 km for these bounds). */
function offset(p: Point, north: number, east: number): Point {
  return { lat: p.lat + north / METRES_PER_DEGREE, lon: p.lon + east / (METRES_PER_DEGREE * Math.cos((p.lat * Math.PI) / 180)) };
}
const metres = (a: Point, b: Point): number => haversineDistance(a.lat, a.lon, b.lat, b.lon);

// Cambridge (GB): on land and inside a region, so nothing about the region lookup is unusual.
const P: Point = { lat: 52.2053, lon: 0.1218 };

// 12 hex digits, all in wifi_shard_6 (the 5th digit), away from the rejected values.
const mac = (tag: number): string => `a82066c0${tag.toString(16).padStart(4, "0")}`;
/** Six access points on a 40 m hexagon around `centre`, so any two are within ~80 m. */
const hexagon = (centre: Point, firstTag: number): Ap[] =>
  Array.from({ length: 6 }, (_, i) => {
    const angle = (i * Math.PI) / 3;
    return { mac: mac(firstTag + i), at: offset(centre, 40 * Math.cos(angle), 40 * Math.sin(angle)) };
  });

function movedStationSuite(moveM: number, reportsAfterMove: number): void {
  const S = suite<Ctx>(`a Wi-Fi access point moved ${moveM} m`);
  const Q: Point = offset(P, moveM, 0);
  /** Nearer Q than this is "at Q": well short of the midpoint. */
  const near = Math.min(300, 0.3 * moveM);
  const AROUND_P = hexagon(P, 0xa1); // A..F
  const AROUND_Q = hexagon(Q, 0xb1); // G..L
  const MOVER = mac(0x0001);
  const M_BEFORE = offset(P, 5, 5);
  const M_AFTER = offset(Q, 10, -5);
  /** The control: never moves, heard only around P in both phases. */
  const STAYER: Ap = { mac: mac(0x0002), at: offset(P, -10, 15) };
  /** Never moves either, heard around P in phase A and once, from 400 m east, in phase B. */
  const HEARD_FAR: Ap = { mac: mac(0x0003), at: offset(P, 10, -15) };
  const FAR_FIX = offset(P, 0, 400);

  /** Stronger when closer, inside the -100…-10 dBm the submit validation keeps. */
  const signalAt = (d: number): number => Math.max(-100, Math.min(-10, Math.round(-40 - 30 * Math.log10(Math.max(d, 1)))));

  interface Phase {
    readonly centre: Point;
    readonly reports: number;
    /** Heard in every report (at their true positions during this phase). */
    readonly always: readonly Ap[];
    /** The neighbourhood: each report hears the four nearest. */
    readonly nearby: readonly Ap[];
    readonly firstTimestamp: number;
    readonly seed: number;
  }

  /**
   * GNSS reports (accuracy 5 m) scattered up to 30 m around the phase's centre, each hearing the
   * phase's `always` networks and the four nearest of its neighbourhood.
   */
  function reports(phase: Phase): Record<string, unknown>[] {
    const rnd = prng(phase.seed);
    return Array.from({ length: phase.reports }, (_, i) => {
      const at = offset(phase.centre, (rnd() - 0.5) * 60, (rnd() - 0.5) * 60);
      const nearest = [...phase.nearby].sort((a, b) => metres(at, a.at) - metres(at, b.at)).slice(0, 4);
      return {
        // 10 s apart, all in the past: the submit API keeps timestamps in (10^12, 10^13) ms.
        timestamp: phase.firstTimestamp + i * 10_000,
        position: { latitude: at.lat, longitude: at.lon, accuracy: 5, source: "gnss" },
        wifiAccessPoints: [...phase.always, ...nearest].map((ap) => ({ macAddress: ap.mac, signalStrength: signalAt(metres(at, ap.at)), frequency: 2437 })),
      };
    });
  }

  async function post(ctx: Ctx, path: string, body: unknown): Promise<Response> {
    return fetch(new URL(`${path}?key=${KEY}`, ctx.url), { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
  }

  /** Set-up, not the assertion under test: a refused submission or a failed drain throws. */
  async function submitAndDrain(ctx: Ctx, items: readonly Record<string, unknown>[]): Promise<void> {
    for (let i = 0; i < items.length; i += 20) {
      const res = await post(ctx, "/v2/geosubmit", { items: items.slice(i, i + 20) });
      if (res.status !== 200) throw new Error(`set-up: /v2/geosubmit answered ${res.status}: ${await res.text()}`);
    }
    const drain = await runCli(["drain", "--timeout", "60s"], ctx.cli, 90_000);
    if (drain.code !== 0) throw new Error(`set-up: ichnos drain exited ${drain.code}:\n${drain.stdout}\n${drain.stderr}`);
  }

  /** `/v1/geolocate` without IP fallback: only the Wi-Fi stations can answer. */
  async function geolocate(ctx: Ctx, heard: readonly { mac: string; signal: number }[]): Promise<Answer> {
    const res = await post(ctx, "/v1/geolocate", { considerIp: false, wifiAccessPoints: heard.map((h) => ({ macAddress: h.mac, signalStrength: h.signal })) });
    const body = (await res.json()) as { location?: { lat: number; lng: number }; accuracy?: number; error?: { errors?: { reason?: string }[] } };
    if (res.status !== 200 && res.status !== 404) throw new Error(`/v1/geolocate answered ${res.status}: ${JSON.stringify(body)}`);
    return { status: res.status, location: body.location, accuracy: body.accuracy, reason: body.error?.errors?.[0]?.reason };
  }

  const located = (a: Answer): Point => {
    assert.is(a.status, 200, `answered, not ${a.status} ${a.reason ?? ""}`);
    return { lat: a.location!.lat, lon: a.location!.lng };
  };
  /** The answer with its distances to P and Q, for the assertion messages. */
  function describe(a: Answer): string {
    if (!a.location) return `${a.status} ${a.reason ?? ""}`;
    const at = { lat: a.location.lat, lon: a.location.lng };
    return `${at.lat},${at.lon} (${metres(at, P).toFixed(0)} m from P, ${metres(at, Q).toFixed(0)} m from Q)`;
  }

  // The queries: the station of interest loudest, then a few of the neighbourhood it is heard in.
  const moverAfter = (n: number) => [{ mac: MOVER, signal: -45 }, ...AROUND_Q.slice(0, n).map((ap, i) => ({ mac: ap.mac, signal: -70 - 5 * i }))];
  const moverBefore = [{ mac: MOVER, signal: -45 }, ...AROUND_P.slice(0, 3).map((ap, i) => ({ mac: ap.mac, signal: -70 - 5 * i }))];
  const stayer = (n: number) => [{ mac: STAYER.mac, signal: -45 }, ...AROUND_P.slice(0, n).map((ap, i) => ({ mac: ap.mac, signal: -70 - 5 * i }))];

  S.before(async (ctx) => {
    ctx.db = await createTestDatabase("moved_station");
    ctx.cli = {
      DATABASE_URL: ctx.db.url, REDIS_URL: await redisUrl(), REDIS_PREFIX: uniquePrefix("moved-station"), STREAM_PARTITIONS: "2",
      CONSUMER_BLOCK: "100ms", SHUTDOWN_TIMEOUT: "2s",
    };
    const migrated = await runCli(["migrate"], ctx.cli, 60_000);
    if (migrated.code !== 0) throw new Error(`set-up: ichnos migrate exited ${migrated.code}:\n${migrated.stderr}`);
    // Unlimited, and no query reports: the queries below must not feed the stations themselves.
    const key = await runCli(["keys", "add", KEY, "--maxreq", "0", "--store-sample-locate", "0"], ctx.cli);
    if (key.code !== 0) throw new Error(`set-up: ichnos keys add exited ${key.code}:\n${key.stderr}`);
    ctx.conn = await mysql.createConnection(toConnectionOptions(ctx.db.url));
    ctx.web = startCli(["web"], { ...ctx.cli, PORT: "0", HOST: "127.0.0.1" });
    ctx.url = (await ctx.web.waitForLog(/"url":"(http:\/\/[^"]+)","msg":"http server listening"/))[1]!;

    const now = Date.now();
    // Phase A, three hours ago: M and S among A..F around P.
    await submitAndDrain(ctx, reports({
      centre: P, reports: 40, seed: 1, firstTimestamp: now - 3 * HOUR_MS,
      always: [{ mac: MOVER, at: M_BEFORE }, STAYER, HEARD_FAR], nearby: AROUND_P,
    }));
    ctx.beforeMove = await geolocate(ctx, moverBefore);
    // Phase B, an hour ago: M now among G..L around Q; S still heard among A..F around P.
    await submitAndDrain(ctx, [
      ...reports({ centre: Q, reports: reportsAfterMove, seed: 2, firstTimestamp: now - HOUR_MS, always: [{ mac: MOVER, at: M_AFTER }], nearby: AROUND_Q }),
      ...reports({ centre: P, reports: 20, seed: 3, firstTimestamp: now - HOUR_MS + 30 * 60_000, always: [STAYER], nearby: AROUND_P }),
      // Heard faintly by a passer-by 400 m away, beyond the 300 m a station is heard from its
      // stored centre: a move candidate, though it never moved.
      {
        timestamp: now - HOUR_MS + 45 * 60_000,
        position: { latitude: FAR_FIX.lat, longitude: FAR_FIX.lon, accuracy: 5, source: "gnss" },
        wifiAccessPoints: [{ macAddress: HEARD_FAR.mac, signalStrength: -92, frequency: 2437 }],
      },
    ]);
  });

  S.after(async (ctx) => {
    await ctx.web?.stop();
    await ctx.conn?.end();
    if (ctx.cli) {
      const { Redis } = await import("ioredis");
      const redis = new Redis(ctx.cli.REDIS_URL!);
      const found = await redis.keys(`${ctx.cli.REDIS_PREFIX}:*`);
      if (found.length) await redis.del(...found);
      redis.disconnect();
    }
    await ctx.db?.drop();
  });

  S(`the scenario's geometry: Q is ${moveM} m from P, each neighbourhood within ~100 m`, () => {
    const d = metres(P, Q);
    assert.ok(Math.abs(d - moveM) < 10, `P–Q ${d} m`);
    for (const [centre, aps] of [[P, AROUND_P], [Q, AROUND_Q]] as const) {
      for (const ap of aps) assert.ok(metres(centre, ap.at) < 50, `${ap.mac} ${metres(centre, ap.at)} m from its centre`);
    }
  });

  S("before the move, M plus three of A..F locates near P", ({ beforeMove }) => {
    const at = located(beforeMove);
    assert.ok(metres(at, P) < 150, `before the move: ${describe(beforeMove)}`);
  });

  S("after the move, M plus three of G..L locates near Q, not toward P", async (ctx) => {
    const answer = await geolocate(ctx, moverAfter(3));
    const at = located(answer);
    assert.ok(metres(at, Q) < 150, `M + 3 of G..L should be within 150 m of Q: ${describe(answer)}`);
    assert.ok(metres(at, P) > 0.75 * moveM, `M + 3 of G..L should be more than ${0.75 * moveM} m from P: ${describe(answer)}`);
  });

  S("after the move, M plus one of G..L is near Q or not found, never near P or in between", async (ctx) => {
    const answer = await geolocate(ctx, moverAfter(1));
    if (answer.status === 404) {
      // A moved station may be blocked instead of relocated; then one known network is no cluster.
      assert.is(answer.reason, "notFound");
      return;
    }
    const at = located(answer);
    assert.ok(metres(at, P) >= moveM / 2, `M + 1 of G..L should not be within ${moveM / 2} m of P: ${describe(answer)}`);
    assert.ok(metres(at, Q) < near, `M + 1 of G..L should be within ${near} m of Q: ${describe(answer)}`);
  });

  S("the control: S, heard only around P in both phases, still locates near P", async (ctx) => {
    for (const n of [3, 1]) {
      const answer = await geolocate(ctx, stayer(n));
      const at = located(answer);
      assert.ok(metres(at, P) < 150, `S + ${n} of A..F should be within 150 m of P: ${describe(answer)}`);
    }
  });

  S("a station heard once far from its place (a move candidate) still locates with one of A..F, and never alone", async (ctx) => {
    const [rows] = await ctx.conn.query<RowDataPacket[]>(
      `SELECT move_samples FROM wifi_shard_${HEARD_FAR.mac.charAt(4)} WHERE mac = UNHEX(?)`, [HEARD_FAR.mac]);
    assert.is(rows[0]?.move_samples, 1, "the far observation made a move candidate");
    // It may stand at P (stored) or 400 m east (the candidate): A..F say P.
    const answer = await geolocate(ctx, [{ mac: HEARD_FAR.mac, signal: -45 }, { mac: AROUND_P[0]!.mac, signal: -70 }]);
    const at = located(answer);
    assert.ok(metres(at, P) < 150, `HEARD_FAR + one of A..F should be within 150 m of P: ${describe(answer)}`);
    // Its two places are one network: alone it reveals neither.
    const alone = await geolocate(ctx, [{ mac: HEARD_FAR.mac, signal: -45 }]);
    assert.is(alone.status, 404, `HEARD_FAR alone: ${describe(alone)}`);
  });

  S(`M's stored row is ${moveM > 1500 ? "blocked (no position) or " : ""}within ${near} m of Q, not at the midpoint`, async ({ conn }) => {
    const [rows] = await conn.query<RowDataPacket[]>(
      `SELECT lat, lon, block_count FROM wifi_shard_${MOVER.charAt(4)} WHERE mac = UNHEX(?)`, [MOVER]);
    assert.is(rows.length, 1, "M has a station row");
    const row = rows[0]!;
    if (row.lat === null || row.lon === null) {
      // Beyond reach (1 km plus the radius) a move blocks at once; nearer it is relocated.
      assert.ok(moveM > 1500, `a ${moveM} m move must be relocated, not blocked`);
      assert.is(row.lon, row.lat, "blocked: lat and lon both null");
      return;
    }
    const at = { lat: Number(row.lat), lon: Number(row.lon) };
    assert.ok(metres(at, Q) < near,
      `M's stored position ${at.lat},${at.lon} should be within ${near} m of Q: it is ${metres(at, Q).toFixed(0)} m from Q and ${metres(at, P).toFixed(0)} m from P`);
  });

  S.run();
}

movedStationSuite(2000, 40);
movedStationSuite(500, RELOCATE_AFTER);
