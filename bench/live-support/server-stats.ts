/**
 * The bench's side of live-support/web-child.ts's counters: it signals the child and waits for
 * the `LIVE-STATS` line among the child's stderr lines; every other line is forwarded as the
 * harness would. The counters are totals since the child started, so a round is the difference
 * of two snapshots.
 */
import type { LiveFeedStats } from "../../src/live/live-feed.ts";

export const LIVE_STATS_LINE = "LIVE-STATS ";
const ANSWER_TIMEOUT_MS = 30_000;

export interface ServerStatsReader {
  /** For the child's `onStderrLine`. */
  onStderrLine(line: string): void;
  /** Needs the child's pid, known only once it is started. */
  read(pid: number): Promise<LiveFeedStats>;
}

export function serverStatsReader(label: string): ServerStatsReader {
  const waiting: ((stats: LiveFeedStats) => void)[] = [];
  return {
    onStderrLine(line) {
      if (!line.startsWith(LIVE_STATS_LINE)) {
        process.stderr.write(`[${label}] ${line}\n`);
        return;
      }
      const stats = JSON.parse(line.slice(LIVE_STATS_LINE.length)) as LiveFeedStats;
      for (const resolve of waiting.splice(0)) resolve(stats);
    },
    read(pid) {
      return new Promise<LiveFeedStats>((resolve, reject) => {
        // A web process busy fanning out a batch answers once its event loop is free again.
        const timer = setTimeout(() => reject(new Error(`${label} did not report its live-feed counters within ${ANSWER_TIMEOUT_MS} ms`)), ANSWER_TIMEOUT_MS);
        waiting.push((stats) => {
          clearTimeout(timer);
          resolve(stats);
        });
        process.kill(pid, "SIGUSR2");
      });
    },
  };
}

/** What the feed did between two snapshots. */
export function statsDelta(before: LiveFeedStats, after: LiveFeedStats): Omit<LiveFeedStats, "clients"> {
  return {
    sent: after.sent - before.sent, dropped: after.dropped - before.dropped, disconnected: after.disconnected - before.disconnected,
    omitted: after.omitted - before.omitted,
  };
}
