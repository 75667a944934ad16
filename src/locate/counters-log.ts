/**
 * Until Ichnos has a metrics sink, the locate path's in-process counts (SPEC §8.2's
 * `locate.fallback.cache` / `locate.fallback.lookup`, DESIGN §5's dropped query reports) reach
 * operators as one log line per interval in which any of them moved, and a last one at shutdown.
 */
import type { Logger } from "../logger.ts";
import type { FallbackCounters } from "./fallback/counters.ts";

export interface LocateCounts {
  readonly droppedQueryReports: number;
  readonly fallback: FallbackCounters;
}

export interface CountersLog {
  /** Stops the interval, logging what moved since the last line. */
  stop(): void;
}

export function startCountersLog(read: () => LocateCounts, log: Logger, intervalMs = 60_000): CountersLog {
  let last = JSON.stringify(read());
  const report = () => {
    const counts = read();
    const text = JSON.stringify(counts);
    if (text === last) return;
    last = text;
    log.info({ counts }, "locate counters since start");
  };
  const timer = setInterval(report, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      report();
    },
  };
}
