/**
 * What each consumer loop of a process is doing, and since when. A loop that spends far longer
 * in one step than that step can take (a read that should return within CONSUMER_BLOCK, an
 * apply, a claim) is stuck: its group lags while the process looks healthy. The watch names the
 * step in a warning once, and again when the loop moves on, so an operator (and a test that
 * waits for groups to settle) can tell a stuck loop from a slow one and see where it waits.
 */
import type { Logger } from "../logger.ts";

export type LoopStep =
  | "setting up the group"
  | "taking over pending entries"
  | "reading new entries"
  | "waiting for new entries"
  | "gathering a batch"
  | "reading the known head"
  | "applying a batch"
  | "handing back an entry"
  | "re-creating the group"
  | "backing off"
  | "leaving the stream to another worker";

export interface LoopMark {
  /** Records that the loop now does `step`. */
  step(step: LoopStep): void;
  /** The loop ended. */
  done(): void;
}

interface Tracked {
  readonly group: string;
  readonly stream: string;
  step: LoopStep;
  since: number;
  reported: boolean;
}

export interface LoopWatch {
  track(group: string, stream: string): LoopMark;
  /** Loops in one step for longer than the watch's limit, longest first. */
  stuck(now?: number): { group: string; stream: string; step: LoopStep; forMs: number }[];
  stop(): void;
}

/** Steps that may rightly last long: a back-off waits up to a minute, a gather up to its max age. */
const PATIENT: ReadonlySet<LoopStep> = new Set(["backing off", "gathering a batch"]);

/**
 * Checks every `checkMs` that no loop has stayed in one step for more than `limitMs` (patient
 * steps: four times that).
 */
export function createLoopWatch(log: Logger, limitMs: number, checkMs = Math.max(1000, Math.floor(limitMs / 4))): LoopWatch {
  const loops = new Set<Tracked>();
  const limitOf = (t: Tracked) => (PATIENT.has(t.step) ? limitMs * 4 : limitMs);
  const timer = setInterval(() => {
    const now = Date.now();
    for (const t of loops) {
      if (!t.reported && now - t.since > limitOf(t)) {
        t.reported = true;
        log.warn(
          { group: t.group, stream: t.stream, step: t.step, forMs: now - t.since },
          "a consumer loop has been stuck in one step; its group lags meanwhile (a Redis or MySQL connection that stopped answering?)",
        );
      }
    }
  }, checkMs);
  timer.unref();
  return {
    track(group, stream) {
      const t: Tracked = { group, stream, step: "setting up the group", since: Date.now(), reported: false };
      loops.add(t);
      return {
        step(step) {
          const now = Date.now();
          if (t.reported) log.info({ group, stream, step: t.step, forMs: now - t.since, next: step }, "a stuck consumer loop moved on");
          t.step = step;
          t.since = now;
          t.reported = false;
        },
        done() {
          loops.delete(t);
        },
      };
    },
    stuck(now = Date.now()) {
      return [...loops]
        .filter((t) => now - t.since > limitOf(t))
        .map((t) => ({ group: t.group, stream: t.stream, step: t.step, forMs: now - t.since }))
        .sort((a, b) => b.forMs - a.forMs);
    },
    stop() {
      clearInterval(timer);
      loops.clear();
    },
  };
}
