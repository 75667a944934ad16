/** The web process's minute of map tiles in front of Redis (src/map/tile-memory.ts), on a fixed clock. */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createTileMemory } from "../../src/map/tile-memory.ts";

const S = suite("tile memory");

function setUp(options: { ttlMs?: number; maxBytes?: number } = {}) {
  let now = 1_000_000;
  const loads: string[] = [];
  const memory = createTileMemory({ ttlMs: options.ttlMs ?? 60_000, maxBytes: options.maxBytes ?? 1000, now: () => now });
  const load = (key: string, text = `text of ${key}`) => memory.read(key, async () => {
    loads.push(key);
    return text;
  });
  return { memory, loads, load, advance: (ms: number) => (now += ms) };
}

S("a tile read within the minute is not loaded again; after it, it is", async () => {
  const { loads, load, advance } = setUp();
  assert.is(await load("3/4/2"), "text of 3/4/2");
  advance(59_999);
  assert.is(await load("3/4/2"), "text of 3/4/2");
  assert.equal(loads, ["3/4/2"]);
  advance(1);
  await load("3/4/2");
  assert.equal(loads, ["3/4/2", "3/4/2"]);
});

S("requests for a tile being loaded share the one load", async () => {
  const { memory } = setUp();
  let release: (text: string) => void = () => undefined;
  let calls = 0;
  const slow = () => {
    calls += 1;
    return new Promise<string>((resolve) => {
      release = resolve;
    });
  };
  const answers = Promise.all([memory.read("0/0/0", slow), memory.read("0/0/0", slow), memory.read("0/0/0", slow)]);
  release("world");
  assert.equal(await answers, ["world", "world", "world"]);
  assert.is(calls, 1);
});

S("a failed load is not kept: the next request loads again", async () => {
  const { memory, load, loads } = setUp();
  const failed = await memory.read("1/0/0", () => Promise.reject(new Error("MySQL went away"))).catch((err: Error) => err.message);
  assert.is(failed, "MySQL went away");
  assert.is(await load("1/0/0"), "text of 1/0/0");
  assert.equal(loads, ["1/0/0"]);
});

S("over its byte budget the oldest tiles go first; expired ones go when anything is read", async () => {
  const { memory, load, loads, advance } = setUp({ maxBytes: 25 });
  await load("a", "0123456789");
  advance(10);
  await load("b", "0123456789");
  await load("c", "0123456789");
  assert.equal(memory.size(), { tiles: 2, bytes: 20 }, "a went to make room for c");
  await load("b");
  assert.equal(loads, ["a", "b", "c"], "b is still held");
  advance(59_995);
  await load("x", "");
  assert.equal(memory.size(), { tiles: 3, bytes: 20 }, "b and c are younger than a minute");
  advance(10);
  await load("y", "");
  assert.equal(memory.size(), { tiles: 2, bytes: 0 }, "b and c expired, x and y held");
});

S.run();
