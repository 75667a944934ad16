/**
 * The live feed's fan-out. At each tick the service offers what it sampled from the reports
 * streams (report-sampler.ts) and flushes: the newest `maxPerFrame` entries are decoded, one
 * frame is encoded per form (public, full) and that frame goes to every connected browser. So
 * the web process's cost is one socket write per client per tick whatever the submission rate:
 * sending one frame per report cost 12 µs per client per report, which at 1,000 clients took
 * the event loop from the submit routes (bench:live). Reports beyond the cap are counted in the
 * frame's `omitted`, so a page can still show the true rate.
 *
 * Best effort by design: a client whose socket holds more than `maxBufferedBytes` unsent is not
 * sent the frame (counted as dropped), and after `maxDropsInARow` drops in a row it is
 * disconnected (close code 1013, "try again later"), so a slow client never holds memory or
 * time of the web process, and never slows submissions.
 */
import { isReportEntry } from "../domain/report.ts";
import { publicFeedMessage } from "./feed-message.ts";

export interface FeedPeer {
  readonly bufferedAmount: number;
  /** `binary: false`: the bytes are UTF-8 text, sent as a text frame (crossws passes it on to ws). */
  send(data: Uint8Array, options: { readonly binary?: boolean; readonly compress?: boolean }): unknown;
  close(code?: number, reason?: string): void;
}

/** A reports-stream entry as read: its id, logical stream name and stored payload text. */
export interface FeedEntry {
  readonly id: string;
  readonly stream: string;
  readonly text: string;
}

export interface LiveFeedOptions {
  readonly maxBufferedBytes: number;
  readonly maxDropsInARow: number;
  readonly maxPerFrame: number;
}

export interface LiveFeedStats {
  readonly clients: number;
  /** Frames sent, summed over clients. */
  readonly sent: number;
  /** Frames not sent to a client whose socket was full. */
  readonly dropped: number;
  readonly disconnected: number;
  /** Reports not put in a frame because more than `maxPerFrame` arrived between two ticks. */
  readonly omitted: number;
}

export interface LiveFeed {
  /** `full`: the peer proved ADMIN_TOKEN and gets the stored entries. */
  add(peer: FeedPeer, full: boolean): void;
  remove(peer: FeedPeer): void;
  /** Queues entries for the next flush, with `omitted` others that arrived; cheap (nothing is decoded here). */
  offer(entries: readonly FeedEntry[], omitted?: number): void;
  /** Sends what is queued as one frame per client (the service calls it every tick). */
  flush(): void;
  stats(): LiveFeedStats;
  /** Closes every connection (the process is stopping). */
  close(): void;
}

export const SLOW_CLIENT_CLOSE = 1013;
const TEXT_FRAME = { binary: false } as const;

/** Encoded once per flush: a string would be UTF-8-encoded again for every client it goes to. */
interface Frames {
  readonly publicBytes: Uint8Array;
  readonly fullBytes: Uint8Array;
}

/** The frame texts of the queued entries; entries that are not reports are left out. */
function encodeFrames(entries: readonly FeedEntry[], omitted: number, withFull: boolean): Frames {
  const publicParts: string[] = [];
  const fullParts: string[] = [];
  for (const e of entries) {
    let data: unknown;
    try {
      data = JSON.parse(e.text);
    } catch {
      continue;
    }
    if (!isReportEntry(data)) continue;
    publicParts.push(JSON.stringify(publicFeedMessage(e.id, data)));
    // The stored text is the entry already encoded: it goes into the frame as it is.
    if (withFull) fullParts.push(`{"id":${JSON.stringify(e.id)},"stream":${JSON.stringify(e.stream)},"entry":${e.text}}`);
  }
  return {
    publicBytes: Buffer.from(`{"reports":[${publicParts.join(",")}],"omitted":${omitted}}`),
    fullBytes: withFull ? Buffer.from(`{"reports":[${fullParts.join(",")}],"omitted":${omitted}}`) : Buffer.alloc(0),
  };
}

export function createLiveFeed(o: LiveFeedOptions): LiveFeed {
  const peers = new Map<FeedPeer, { full: boolean; drops: number }>();
  let fullPeers = 0;
  let sent = 0;
  let dropped = 0;
  let disconnected = 0;
  let omittedTotal = 0;
  // The newest `maxPerFrame` entries since the last flush, and how many older ones fell out.
  let queued: FeedEntry[] = [];
  let omitted = 0;
  const remove = (peer: FeedPeer) => {
    const state = peers.get(peer);
    if (!state) return;
    peers.delete(peer);
    if (state.full) fullPeers -= 1;
  };
  const send = (peer: FeedPeer, state: { full: boolean; drops: number }, frames: Frames) => {
    if (peer.bufferedAmount > o.maxBufferedBytes) {
      dropped += 1;
      state.drops += 1;
      if (state.drops >= o.maxDropsInARow) {
        disconnected += 1;
        remove(peer);
        peer.close(SLOW_CLIENT_CLOSE, "too slow: messages were dropped; reconnect to resume at now");
      }
      return;
    }
    state.drops = 0;
    peer.send(state.full ? frames.fullBytes : frames.publicBytes, TEXT_FRAME);
    sent += 1;
  };
  const flush = () => {
    if (queued.length === 0 && omitted === 0) return;
    const entries = queued;
    const missed = omitted;
    queued = [];
    omitted = 0;
    if (peers.size === 0) return;
    omittedTotal += missed;
    const frames = encodeFrames(entries, missed, fullPeers > 0);
    for (const [peer, state] of peers) send(peer, state, frames);
  };
  return {
    add(peer, full) {
      peers.set(peer, { full, drops: 0 });
      if (full) fullPeers += 1;
    },
    remove,
    offer(entries, alsoArrived = 0) {
      if (peers.size === 0) return;
      omitted += alsoArrived;
      if (entries.length === 0) return;
      const fresh = entries.length > o.maxPerFrame ? entries.slice(-o.maxPerFrame) : entries;
      omitted += entries.length - fresh.length;
      queued.push(...fresh);
      if (queued.length > o.maxPerFrame) {
        omitted += queued.length - o.maxPerFrame;
        queued = queued.slice(-o.maxPerFrame);
      }
    },
    flush,
    stats: () => ({ clients: peers.size, sent, dropped, disconnected, omitted: omittedTotal }),
    close() {
      for (const peer of [...peers.keys()]) {
        remove(peer);
        peer.close(1001, "server stopping");
      }
    },
  };
}
