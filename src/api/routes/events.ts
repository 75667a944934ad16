/**
 * `GET /v1/events?after=<cursor>&limit=N` for operators and analysts: the reports streams in
 * entry order, with raw positions and API keys, so only with `Authorization: Bearer
 * $ADMIN_TOKEN`. Not registered at all without a token (the generic 404).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { type H3, type H3Event, HTTPError } from "h3";
import type { RedisClient } from "../../redis/create-redis.ts";
import type { Keys } from "../../stream/keys.ts";
import { parseCursor, readEventPage } from "../../stream/events-reader.ts";
import { parseError, serviceUnavailable, unauthorized } from "../errors.ts";
import type { Logger } from "../../logger.ts";
import { firstQueryValue } from "../query.ts";

export interface EventsDeps {
  readonly log: Logger;
  readonly redis: RedisClient;
  readonly keys: Keys;
  readonly adminToken: string;
  /** Most field bytes one page holds (EVENTS_PAGE_BYTES); a single larger entry still makes a page. */
  readonly pageBytes: number;
}

const MAX_LIMIT = 1000;
const DEFAULT_LIMIT = 100;

const digest = (text: string) => createHash("sha256").update(text).digest();

function assertAdmin(event: H3Event, token: string): void {
  const header = event.req.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  // Compare digests so the comparison takes the same time whatever the length of the guess.
  if (!match || !timingSafeEqual(digest(match[1]!), digest(token))) {
    event.res.headers.set("www-authenticate", 'Bearer realm="ichnos"');
    throw unauthorized();
  }
}

function readLimit(event: H3Event): number {
  const raw = firstQueryValue(event, "limit");
  if (raw === undefined || raw === "") return DEFAULT_LIMIT;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw parseError({ validation: { limit: "must be a whole number from 1 to 1000" } });
  return Math.min(Number(raw), MAX_LIMIT);
}

export function registerEventsRoutes(app: H3, deps: EventsDeps): void {
  const partitions = deps.keys.reportStreams().length;
  const handler = async (event: H3Event) => {
    assertAdmin(event, deps.adminToken);
    const rawAfter = firstQueryValue(event, "after");
    const after = rawAfter ? parseCursor(rawAfter, partitions) : null;
    if (rawAfter && !after) {
      throw parseError({ validation: { after: "must be an entry id (1700000000000-0) or a cursor from a previous page" } });
    }
    const limit = readLimit(event);
    let page: Awaited<ReturnType<typeof readEventPage>>;
    try {
      page = await readEventPage(deps.redis, deps.keys, after, limit, deps.pageBytes);
    } catch (err) {
      deps.log.error({ err }, "could not read the reports streams");
      throw serviceUnavailable();
    }
    return {
      events: page.events.map(({ cursor, partition, entry }) => ({
        cursor, id: entry.id, partition, seq: entry.seq, version: entry.version, ...(entry.error ? { error: entry.error } : { data: entry.data }),
      })),
      next: page.next,
      more: page.more,
    };
  };
  app.get("/v1/events", handler);
  app.on("HEAD", "/v1/events", handler);
  app.all("/v1/events", () => {
    throw new HTTPError({ status: 405, statusText: "Method Not Allowed", headers: { allow: "GET, HEAD" } });
  });
}
