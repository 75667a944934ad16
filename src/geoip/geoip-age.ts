/**
 * The GeoLite2 End User License Agreement asks users to switch to each new release within 30 days
 * (README "License"), so a database older than that is logged as a warning, at load and daily.
 * The age is taken from the database's own build epoch (geoip-reader.ts `buildTime`).
 */
import type { Logger } from "../logger.ts";

export const LICENCE_MAX_AGE_DAYS = 30;
const DAY_MS = 86_400_000;

/** Whole days from `buildTime` to `now`. */
export function geoIpAgeDays(buildTime: Date, now: Date): number {
  return Math.floor((now.getTime() - buildTime.getTime()) / DAY_MS);
}

export interface AgeCheck {
  /** Logs the warning now if the database is too old. */
  check(): void;
  stop(): void;
}

export interface AgeCheckOptions {
  readonly log: Logger;
  readonly path?: string;
  readonly ageCheckIntervalMs?: number;
  readonly now?: () => Date;
}

export function startAgeCheck(buildTime: () => Date | null, options: AgeCheckOptions): AgeCheck {
  const now = options.now ?? (() => new Date());
  const check = () => {
    const built = buildTime();
    if (!built) return;
    const ageDays = geoIpAgeDays(built, now());
    if (ageDays <= LICENCE_MAX_AGE_DAYS) return;
    options.log.warn(
      { path: options.path ?? "bundled", buildTime: built.toISOString(), ageDays, maxAgeDays: LICENCE_MAX_AGE_DAYS },
      `geoip database is ${ageDays} days old; the GeoLite2 licence asks for a release at most ${LICENCE_MAX_AGE_DAYS} days old: point GEOIP_PATH at a current City database`,
    );
  };
  check();
  const timer = setInterval(check, options.ageCheckIntervalMs ?? DAY_MS);
  timer.unref();
  return { check, stop: () => clearInterval(timer) };
}
