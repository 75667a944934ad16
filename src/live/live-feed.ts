/**
 * The live feed's fan-out: each message is encoded once and sent to every connected browser.
 * Best effort by design: a client whose socket buffer holds more than `maxBufferedBytes` is not
 * sent the message (it is counted as dropped), and after `maxDropsInARow` drops in a row it is
 * disconnected (close code 1013, "try again later"), so a slow client never holds memory or
 * time of the web process, and never slows submissions.
 */
export interface FeedPeer {
  readonly bufferedAmount: number;
  send(data: string): unknown;
  close(code?: number, reason?: string): void;
}

export interface LiveFeedOptions {
  readonly maxBufferedBytes: number;
  readonly maxDropsInARow: number;
}

export interface LiveFeedStats {
  readonly clients: number;
  readonly sent: number;
  readonly dropped: number;
  readonly disconnected: number;
}

export interface LiveFeed {
  /** `full`: the peer proved ADMIN_TOKEN and gets the stored entries. */
  add(peer: FeedPeer, full: boolean): void;
  remove(peer: FeedPeer): void;
  /** One message in both forms; `full` is encoded only when a full-feed peer is connected. */
  publish(publicMessage: unknown, fullMessage: () => unknown): void;
  stats(): LiveFeedStats;
  /** Closes every connection (the process is stopping). */
  close(): void;
}

export const SLOW_CLIENT_CLOSE = 1013;

export function createLiveFeed(o: LiveFeedOptions): LiveFeed {
  const peers = new Map<FeedPeer, { full: boolean; drops: number }>();
  let fullPeers = 0;
  let sent = 0;
  let dropped = 0;
  let disconnected = 0;
  const remove = (peer: FeedPeer) => {
    const state = peers.get(peer);
    if (!state) return;
    peers.delete(peer);
    if (state.full) fullPeers -= 1;
  };
  return {
    add(peer, full) {
      peers.set(peer, { full, drops: 0 });
      if (full) fullPeers += 1;
    },
    remove,
    publish(publicMessage, fullMessage) {
      if (peers.size === 0) return;
      const publicText = JSON.stringify(publicMessage);
      const fullText = fullPeers > 0 ? JSON.stringify(fullMessage()) : "";
      for (const [peer, state] of peers) {
        if (peer.bufferedAmount > o.maxBufferedBytes) {
          dropped += 1;
          state.drops += 1;
          if (state.drops >= o.maxDropsInARow) {
            disconnected += 1;
            remove(peer);
            peer.close(SLOW_CLIENT_CLOSE, "too slow: messages were dropped; reconnect to resume at now");
          }
          continue;
        }
        state.drops = 0;
        peer.send(state.full ? fullText : publicText);
        sent += 1;
      }
    },
    stats: () => ({ clients: peers.size, sent, dropped, disconnected }),
    close() {
      for (const peer of [...peers.keys()]) {
        remove(peer);
        peer.close(1001, "server stopping");
      }
    },
  };
}
