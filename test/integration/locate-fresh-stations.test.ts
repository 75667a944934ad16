/**
 * A new installation answers from its own Wi-Fi data, not from GeoIP (a difference from
 * Ichnaea, SPEC §9.14; README "Differences from Ichnaea"): stations first seen today score
 * 0.05 each, below GeoIP's 0.3–0.9, and Ichnaea answered a client whose address is in London
 * but who stands in Berlin with London's 25+ km circle. Ichnos answers from the stations.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { GeoIpEstimate } from "../../src/domain/locate/geoip-result.ts";
import { stationScore } from "../../src/domain/locate/score.ts";
import { haversineDistance } from "../../src/geo/distance.ts";
import { call, createLocateTestEnv, insertMacs, LONDON_IP, londonEstimate } from "../support/locate-setup.ts";
import type { WebTestEnv } from "../support/web-setup.ts";

const S = suite<{ env: WebTestEnv; london: GeoIpEstimate }>("locate API: fresh stations against GeoIP");

S.before(async (ctx) => {
  ctx.env = await createLocateTestEnv("locate-fresh");
  ctx.london = await londonEstimate();
});
S.after(async (ctx) => ctx.env.close());

const BERLIN = { lat: 52.52, lon: 13.405 };
const MACS = ["a82066e00001", "a82066e00002", "a82066e00003", "a82066e00004"];
type Answer = { location: { lat: number; lng: number }; accuracy: number; fallback?: string };

S("four Wi-Fi stations created today in Berlin answer a client whose IP is in London", async ({ env, london }) => {
  const now = new Date();
  // What a new installation holds after its first stumbling: one day, a few samples each.
  await insertMacs(env, "wifi", MACS.map((mac, i) => ({
    mac, over: { lat: BERLIN.lat + i * 0.0002, lon: BERLIN.lon, samples: 3, radius: 60, created: now, modified: now },
  })));
  const station = { created: now, modified: now, radius: 60, samples: 3, lastSeen: now.toISOString().slice(0, 10), blockLast: null };
  assert.ok(4 * stationScore(station, now) < london.score, "the stations together score below London's GeoIP (Ichnaea's case)");

  const body = { wifiAccessPoints: MACS.map((macAddress, i) => ({ macAddress, signalStrength: -60 - 5 * i })) };
  const res = await call(env, "/v1/geolocate", body, { ip: LONDON_IP });
  assert.is(res.status, 200);
  const answer = (await res.json()) as Answer;
  const fromBerlin = haversineDistance(answer.location.lat, answer.location.lng, BERLIN.lat, BERLIN.lon);
  assert.ok(fromBerlin < 100, `answered ${Math.round(fromBerlin)} m from the stations: ${JSON.stringify(answer)}`);
  assert.ok(answer.accuracy <= 500, "a Wi-Fi accuracy, not GeoIP's city radius");
  assert.is(answer.fallback, undefined, "not tagged ipf");
});

S("with no known network the same client still gets London's GeoIP answer", async ({ env, london }) => {
  const body = { wifiAccessPoints: [{ macAddress: "a82066e000f1" }, { macAddress: "a82066e000f2" }] };
  const res = await call(env, "/v1/geolocate", body, { ip: LONDON_IP });
  assert.is(res.status, 200);
  assert.equal(await res.json(), { location: { lat: london.lat, lng: london.lon }, accuracy: london.radius, fallback: "ipf" });
});

S.run();
