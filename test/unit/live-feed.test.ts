/** The live feed's fan-out policy (src/live/live-feed.ts) with plain-value peers: drop, then disconnect, the slow. */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createLiveFeed, type FeedPeer, SLOW_CLIENT_CLOSE } from "../../src/live/live-feed.ts";

const S = suite("live feed fan-out");

function peer(buffered = 0) {
  const got: string[] = [];
  const closed: number[] = [];
  const p: FeedPeer & { buffered: number } = {
    buffered,
    get bufferedAmount() {
      return this.buffered;
    },
    send: (d: string) => got.push(d),
    close: (code?: number) => void closed.push(code ?? 0),
  };
  return { p, got, closed };
}

S("public peers get the public form, full peers the full form; each encoded once", () => {
  const feed = createLiveFeed({ maxBufferedBytes: 1000, maxDropsInARow: 3 });
  const [a, b, admin] = [peer(), peer(), peer()];
  feed.add(a.p, false);
  feed.add(b.p, false);
  let fullBuilt = 0;
  feed.publish({ n: 1 }, () => ++fullBuilt);
  assert.is(fullBuilt, 0, "no full peer: the full form is never built");
  feed.add(admin.p, true);
  feed.publish({ n: 2 }, () => ({ secret: ++fullBuilt }));
  assert.equal(a.got, ['{"n":1}', '{"n":2}']);
  assert.equal(admin.got, ['{"secret":1}']);
  assert.equal(feed.stats(), { clients: 3, sent: 5, dropped: 0, disconnected: 0 });
});

S("a peer whose buffer is full misses messages, and is disconnected after too many in a row", () => {
  const feed = createLiveFeed({ maxBufferedBytes: 1000, maxDropsInARow: 3 });
  const [fast, slow] = [peer(), peer(5000)];
  feed.add(fast.p, false);
  feed.add(slow.p, false);
  feed.publish(1, () => 1);
  feed.publish(2, () => 2);
  slow.p.buffered = 0; // it caught up: the count of drops in a row starts again
  feed.publish(3, () => 3);
  slow.p.buffered = 5000;
  for (const n of [4, 5, 6, 7]) feed.publish(n, () => n);
  assert.equal(fast.got, ["1", "2", "3", "4", "5", "6", "7"], "the fast peer never waits for the slow one");
  assert.equal(slow.got, ["3"]);
  assert.equal(slow.closed, [SLOW_CLIENT_CLOSE]);
  assert.equal(feed.stats(), { clients: 1, sent: 8, dropped: 5, disconnected: 1 });
});

S.run();
