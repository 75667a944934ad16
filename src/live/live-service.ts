/**
 * The live feed of a web process: it follows every reports stream (no consumer group: nothing
 * it does touches checkpoints or trimming), turns each arriving report into its public message
 * (feed-message.ts) and fans it out to the browsers connected to `/live/feed` (live-feed.ts).
 * A browser that proves ADMIN_TOKEN (`?token=`) gets the full entries instead. Connections
 * start at "now"; a client that reconnects resumes at its new "now".
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import nodeAdapter, { type NodeAdapter } from "crossws/adapters/node";
import { isReportEntry } from "../domain/report.ts";
import type { Logger } from "../logger.ts";
import { duplicateForBlocking, type RedisClient } from "../redis/create-redis.ts";
import { followStream } from "../stream/follow-stream.ts";
import type { Keys } from "../stream/keys.ts";
import { publicFeedMessage } from "./feed-message.ts";
import { createLiveFeed, type LiveFeed, type LiveFeedStats } from "./live-feed.ts";

export const LIVE_FEED_PATH = "/live/feed";

export interface LiveServiceOptions {
  readonly redis: RedisClient;
  readonly keys: Keys;
  readonly log: Logger;
  readonly adminToken?: string;
  /** A client's socket may hold this much unsent before it misses messages. */
  readonly maxBufferedBytes?: number;
  readonly maxDropsInARow?: number;
}

export interface LiveService {
  /** For the HTTP server's `upgrade` event: true when the request was the feed's. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  stats(): LiveFeedStats;
  stop(): Promise<void>;
}

const digest = (text: string) => createHash("sha256").update(text).digest();

export function createLiveService(o: LiveServiceOptions): LiveService {
  const feed: LiveFeed = createLiveFeed({ maxBufferedBytes: o.maxBufferedBytes ?? 256 * 1024, maxDropsInARow: o.maxDropsInARow ?? 50 });
  const isAdmin = (token: string | null) => !!o.adminToken && token !== null && timingSafeEqual(digest(token), digest(o.adminToken));
  const ws: NodeAdapter = nodeAdapter({
    hooks: {
      upgrade(request) {
        const token = new URL(request.url).searchParams.get("token");
        if (token !== null && !isAdmin(token)) return new Response("wrong token", { status: 401, statusText: "Unauthorized" });
        return { context: { full: token !== null } };
      },
      open: (peer) => feed.add(peer, peer.context.full === true),
      close: (peer) => feed.remove(peer),
      error: (peer) => feed.remove(peer),
    },
  });
  const stop = new AbortController();
  const readers = o.keys.reportStreams().map((stream, i) => {
    const reader = duplicateForBlocking(o.redis, `live-feed:${i}`);
    const following = followStream(reader, stream, {
      blockMs: 1000, count: 500, signal: stop.signal,
      // With nobody watching, entries are only counted past: no payload is decoded or encoded.
      decode: () => feed.stats().clients > 0,
      onError: (err) => o.log.warn({ err, stream: o.keys.logicalName(stream) }, "live feed cannot read the reports stream; retrying"),
      onEntries: (entries) => {
        if (feed.stats().clients === 0) return;
        for (const e of entries) {
          if (!isReportEntry(e.data)) continue;
          const data = e.data;
          feed.publish(publicFeedMessage(e.id, data), () => ({ id: e.id, stream: o.keys.logicalName(stream), entry: data }));
        }
      },
    });
    return { reader, following };
  });
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
      for (const r of readers) r.reader.disconnect();
      await Promise.all(readers.map((r) => r.following));
    },
  };
}
