/**
 * SPEC §6.3 `/v1/country` cases (outcomes SPEC §3.11), with region search counting each cell
 * once (DESIGN §7, fixing SPEC §9.9).
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { daysAgo } from "../support/station-cases.ts";
import { assertError, call, createLocateTestEnv, insertCell, insertMacs, LONDON_IP } from "../support/locate-setup.ts";
import { storedCount, type WebTestEnv } from "../support/web-setup.ts";

const S = suite<{ env: WebTestEnv }>("locate API: /v1/country");

S.before(async (ctx) => {
  ctx.env = await createLocateTestEnv("locate-country");
});
S.after(async (ctx) => ctx.env.close());

const country = (env: WebTestEnv, body: unknown, ip?: string) => call(env, "/v1/country", body, ip ? { ip } : {});
async function region(res: Response): Promise<Record<string, string>> {
  assert.is(res.status, 200);
  return (await res.json()) as Record<string, string>;
}
const cellOf = (mcc: number, cid: number) => ({ radioType: "gsm", mobileCountryCode: mcc, mobileNetworkCode: 1, locationAreaCode: 1, cellId: cid });

S("GeoIP answers for London; no address and no networks is 404", async ({ env }) => {
  assert.equal(await region(await country(env, {}, LONDON_IP)), { country_code: "GB", country_name: "United Kingdom" });
  await assertError(await country(env, {}, "127.0.0.1"), 404, "notFound");
});

S("two GB Wi-Fi stations, or two GB beacons, name GB without any IP", async ({ env }) => {
  for (const kind of ["wifi", "blue"] as const) {
    const macs = kind === "wifi" ? ["a82066e00001", "a82066e00002"] : ["a82066e00003", "a82066e00004"];
    await insertMacs(env, kind, macs.map((mac) => ({ mac, over: { samples: 10 } })));
    const list = kind === "wifi" ? "wifiAccessPoints" : "bluetoothBeacons";
    assert.equal(await region(await country(env, { [list]: macs.map((macAddress) => ({ macAddress })) })), {
      country_code: "GB", country_name: "United Kingdom",
    });
  }
  assert.is(await storedCount(env), 0, "the region API never queues query reports");
});

S("a cell's MCC names the region: 235 → GB, ambiguous 234 → GB (largest radius), 262 beats London's GeoIP", async ({ env }) => {
  assert.equal((await region(await country(env, { cellTowers: [cellOf(235, 1)] }))).country_code, "GB");
  assert.equal((await region(await country(env, { cellTowers: [cellOf(234, 2)] }))).country_code, "GB");
  assert.equal(await region(await country(env, { cellTowers: [cellOf(262, 3)] }, LONDON_IP)), { country_code: "DE", country_name: "Germany" });
});

S("an MCC 310 cell loses to London's GeoIP, which is then tagged ipf", async ({ env }) => {
  assert.equal(await region(await country(env, { cellTowers: [cellOf(310, 4)] }, LONDON_IP)), {
    country_code: "GB", country_name: "United Kingdom", fallback: "ipf",
  });
});

S("two well-known US Wi-Fi stations beat a GB cell and the GB address", async ({ env }) => {
  const old = daysAgo(90);
  const over = { lat: 40.7, lon: -74.0, region: "US", samples: 1000, created: old, modified: daysAgo(0) };
  await insertMacs(env, "wifi", [{ mac: "a82066f00001", over }, { mac: "a82066f00002", over: { ...over, lat: 40.7001 } }]);
  await insertCell(env, { radio: "gsm", mcc: 234, mnc: 30, lac: 1, cid: 5 });
  const body = {
    wifiAccessPoints: [{ macAddress: "a82066f00001" }, { macAddress: "a82066f00002" }],
    cellTowers: [{ ...cellOf(234, 5), mobileNetworkCode: 30 }],
  };
  assert.equal((await region(await country(env, body, LONDON_IP))).country_code, "US");
});

S.run();
