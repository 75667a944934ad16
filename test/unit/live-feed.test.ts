/** The live feed's fan-out policy (src/live/live-feed.ts) with plain-value peers: one frame per flush, capped; drop, then disconnect, the slow. */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createLiveFeed, type FeedEntry, type FeedPeer, SLOW_CLIENT_CLOSE } from "../../src/live/live-feed.ts";

const S = suite("live feed fan-out");

function peer(buffered = 0) {
  const got: string[] = [];
  const closed: number[] = [];
  const p: FeedPeer & { buffered: number } = {
    buffered,
    get bufferedAmount() {
      return this.buffered;
    },
    send: (d: Uint8Array, o: { readonly binary?: boolean }) => {
      assert.is(o.binary, false, "sent as a text frame");
      got.push(Buffer.from(d).toString("utf8"));
    },
    close: (code?: number) => void closed.push(code ?? 0),
  };
  return { p, got, closed };
}

/** A stored report entry, as the follower reads it. */
function entry(n: number, mac = "02:00:00:ab:cd:ef"): FeedEntry {
  const report = {
    timestamp: 1_796_000_000_000, position: { latitude: 52.520_812, longitude: 13.409_421 },
    wifiAccessPoints: [{ macAddress: mac }], cellTowers: [], bluetoothBeacons: [],
  };
  return { id: `1796000000${String(n).padStart(3, "0")}-0`, stream: "reports:0", text: JSON.stringify({ api_key: "k", source: "gnss", received: 1_796_000_000_000 + n, user_agent: "NeoStumbler/2.1", report }) };
}

const options = { maxBufferedBytes: 1000, maxDropsInARow: 3, maxPerFrame: 4 };
const frame = (text: string) => JSON.parse(text) as { reports: Record<string, unknown>[]; omitted: number };

S("a flush sends one frame per peer: public peers the coarse messages, full peers the stored entries", () => {
  const feed = createLiveFeed(options);
  const [a, admin] = [peer(), peer()];
  feed.add(a.p, false);
  feed.add(admin.p, true);
  feed.offer([entry(1), entry(2)]);
  feed.offer([entry(3)]);
  assert.equal(a.got, [], "nothing goes out before the flush");
  feed.flush();
  assert.is(a.got.length, 1);
  const pub = frame(a.got[0]!);
  assert.equal(pub.reports.map((m) => m.id), [entry(1).id, entry(2).id, entry(3).id]);
  assert.equal(pub.reports[0], { id: entry(1).id, received: 1_796_000_000_001, cell: [52.52, 13.409], wifi: 1, cells: 0, blue: 0, client: "NeoStumbler" });
  assert.not.ok(a.got[0]!.includes("02:00:00") || a.got[0]!.includes("52.5208"), "no MAC, no exact position");
  const full = frame(admin.got[0]!);
  assert.equal(full.reports[2], { id: entry(3).id, stream: "reports:0", entry: JSON.parse(entry(3).text) });
  feed.flush();
  assert.is(a.got.length, 1, "an empty flush sends nothing");
  assert.equal(feed.stats(), { clients: 2, sent: 2, dropped: 0, disconnected: 0, omitted: 0 });
});

S("more reports than a frame holds: the newest go out, the rest are counted in omitted", () => {
  const feed = createLiveFeed(options);
  const a = peer();
  feed.add(a.p, false);
  feed.offer([1, 2, 3].map((n) => entry(n)));
  feed.offer([4, 5, 6].map((n) => entry(n)));
  feed.flush();
  const f = frame(a.got[0]!);
  assert.equal(f.reports.map((m) => m.id), [3, 4, 5, 6].map((n) => entry(n).id));
  assert.is(f.omitted, 2);
  assert.is(feed.stats().omitted, 2);
});

S("with nobody connected nothing is kept; entries that are not reports are left out", () => {
  const feed = createLiveFeed(options);
  feed.offer([entry(1)]);
  const a = peer();
  feed.add(a.p, false);
  feed.flush();
  assert.equal(a.got, [], "what arrived before the peer is not sent");
  feed.offer([{ id: "1-0", stream: "reports:0", text: "{not json" }, { id: "2-0", stream: "reports:0", text: '{"other":1}' }, entry(3)]);
  feed.flush();
  assert.equal(frame(a.got[0]!).reports.map((m) => m.id), [entry(3).id]);
});

S("a peer whose buffer is full misses frames, and is disconnected after too many in a row", () => {
  const feed = createLiveFeed(options);
  const [fast, slow] = [peer(), peer(5000)];
  feed.add(fast.p, false);
  feed.add(slow.p, false);
  const round = (n: number) => {
    feed.offer([entry(n)]);
    feed.flush();
  };
  round(1);
  round(2);
  slow.p.buffered = 0; // it caught up: the count of drops in a row starts again
  round(3);
  slow.p.buffered = 5000;
  for (const n of [4, 5, 6, 7]) round(n);
  assert.equal(fast.got.map((t) => frame(t).reports[0]!.id), [1, 2, 3, 4, 5, 6, 7].map((n) => entry(n).id), "the fast peer never waits for the slow one");
  assert.equal(slow.got.map((t) => frame(t).reports[0]!.id), [entry(3).id]);
  assert.equal(slow.closed, [SLOW_CLIENT_CLOSE]);
  assert.equal(feed.stats(), { clients: 1, sent: 8, dropped: 5, disconnected: 1, omitted: 0 });
});

S("reports the sampler already left out are added to omitted, even in a frame with no report", () => {
  const feed = createLiveFeed(options);
  const a = peer();
  feed.add(a.p, false);
  feed.offer([entry(1), entry(2)], 40);
  feed.flush();
  assert.equal([frame(a.got[0]!).reports.length, frame(a.got[0]!).omitted], [2, 40]);
  feed.offer([], 7);
  feed.flush();
  assert.equal(frame(a.got[1]!), { reports: [], omitted: 7 });
  assert.is(feed.stats().omitted, 47);
});

S("close closes every peer", () => {
  const feed = createLiveFeed(options);
  const a = peer();
  feed.add(a.p, false);
  feed.close();
  assert.equal(a.closed, [1001]);
  assert.is(feed.stats().clients, 0);
});

S.run();
