/**
 * The live feed of a web process: every 250 ms, while a browser is connected to `/live/feed`, it
 * samples the reports streams for what arrived since the last tick (report-sampler.ts: no
 * consumer group, so nothing it does touches checkpoints or trimming), turns the reports into
 * their public messages (feed-message.ts) and sends them as one frame to each browser
 * (live-feed.ts). With nobody connected it reads nothing.
 * A browser that proves ADMIN_TOKEN (`?token=`) gets the full entries instead. Connections
 * start at "now"; a client that reconnects resumes at its new "now".
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import nodeAdapter, { type NodeAdapter } from "crossws/adapters/node";
import type { Logger } from "../logger.ts";
import type { RedisClient } from "../redis/create-redis.ts";
import type { Keys } from "../stream/keys.ts";
import { sleep } from "../util/sleep.ts";
import { createLiveFeed, type LiveFeed, type LiveFeedStats } from "./live-feed.ts";
import { createReportSampler } from "./report-sampler.ts";

export const LIVE_FEED_PATH = "/live/feed";

export interface LiveServiceOptions {
  readonly redis: RedisClient;
  readonly keys: Keys;
  readonly log: Logger;
  readonly adminToken?: string;
  /** A client's socket may hold this much unsent before it misses messages. */
  readonly maxBufferedBytes?: number;
  readonly maxDropsInARow?: number;
  /** How often the streams are sampled and a frame goes out to each client. */
  readonly flushMs?: number;
  /** Most reports in one frame; more arriving between two ticks are counted as omitted. */
  readonly maxPerFrame?: number;
}

/** Four frames a second of up to 50 reports: 200 reports/s on the page (more than anyone can read), a fraction of a second late. */
export const LIVE_FEED_DEFAULTS = { flushMs: 250, maxPerFrame: 50, maxDropsInARow: 20 } as const;

export interface LiveService {
  /** For the HTTP server's `upgrade` event: true when the request was the feed's. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  stats(): LiveFeedStats;
  stop(): Promise<void>;
}

const digest = (text: string) => createHash("sha256").update(text).digest();

export function createLiveService(o: LiveServiceOptions): LiveService {
  const feed: LiveFeed = createLiveFeed({
    maxBufferedBytes: o.maxBufferedBytes ?? 256 * 1024, maxDropsInARow: o.maxDropsInARow ?? LIVE_FEED_DEFAULTS.maxDropsInARow,
    maxPerFrame: o.maxPerFrame ?? LIVE_FEED_DEFAULTS.maxPerFrame,
  });
  const streams = o.keys.reportStreams().map((key) => ({ key, logical: o.keys.logicalName(key), sequenceKey: o.keys.sequence(key) }));
  const sampler = createReportSampler(o.redis, streams, o.maxPerFrame ?? LIVE_FEED_DEFAULTS.maxPerFrame);
  const isAdmin = (token: string | null) => !!o.adminToken && token !== null && timingSafeEqual(digest(token), digest(o.adminToken));
  const ws: NodeAdapter = nodeAdapter({
    hooks: {
      upgrade(request) {
        const token = new URL(request.url).searchParams.get("token");
        if (token !== null && !isAdmin(token)) return new Response("wrong token", { status: 401, statusText: "Unauthorized" });
        return { context: { full: token !== null } };
      },
      open: (peer) => {
        const first = feed.stats().clients === 0;
        feed.add(peer, peer.context.full === true);
        // Start at "now" as of this connection, so a report that arrives after it is shown.
        if (first) {
          sampler.reset();
          sampler.sync().catch(() => undefined);
        }
      },
      close: (peer) => feed.remove(peer),
      error: (peer) => feed.remove(peer),
    },
  });
  const flushMs = o.flushMs ?? LIVE_FEED_DEFAULTS.flushMs;
  const stop = new AbortController();
  let failing = false;
  const ticking = (async () => {
    while (!stop.signal.aborted) {
      await sleep(flushMs, stop.signal);
      if (stop.signal.aborted) break;
      // Nobody watching: read nothing (the first to connect syncs the sampler to "now").
      if (feed.stats().clients === 0) continue;
      try {
        const sample = await sampler.tick();
        feed.offer(sample.entries, sample.omitted);
        feed.flush();
        if (failing) o.log.info("live feed reads the reports streams again");
        failing = false;
      } catch (err) {
        // One warning per outage, not four a second.
        if (!failing) o.log.warn({ err }, "live feed cannot read the reports streams; retrying every tick");
        failing = true;
      }
    }
  })();
  return {
    handleUpgrade(req, socket, head) {
      if (new URL(req.url ?? "/", "http://x").pathname !== LIVE_FEED_PATH) return false;
      void ws.handleUpgrade(req, socket, head);
      return true;
    },
    stats: () => feed.stats(),
    async stop() {
      stop.abort();
      feed.close();
      await ticking;
    },
  };
}
