import { test } from "uvu";
import * as assert from "uvu/assert";
import { forwardedFor } from "../../src/api/client-ip.ts";

test("behind one proxy the rightmost entry is the client, whatever the client put before it", () => {
  assert.is(forwardedFor("203.0.113.9", 1), "203.0.113.9");
  assert.is(forwardedFor("81.2.69.192, 203.0.113.9", 1), "203.0.113.9");
  assert.is(forwardedFor("1.1.1.1, 81.2.69.192, 203.0.113.9", 1), "203.0.113.9");
});

test("behind two proxies the second entry from the right is the client", () => {
  assert.is(forwardedFor("81.2.69.192, 203.0.113.9, 10.0.0.2", 2), "203.0.113.9");
  assert.is(forwardedFor("203.0.113.9, 10.0.0.2", 2), "203.0.113.9");
});

test("a header shorter than the hops was written by trusted proxies only: its leftmost entry is used", () => {
  assert.is(forwardedFor("203.0.113.9", 2), "203.0.113.9");
  assert.is(forwardedFor("203.0.113.9, 10.0.0.2", 5), "203.0.113.9");
});

test("spaces around entries are ignored; IPv6 entries come back whole", () => {
  assert.is(forwardedFor("  81.2.69.192 ,203.0.113.9  ", 1), "203.0.113.9");
  assert.is(forwardedFor("81.2.69.192,\t2001:db8::1 ", 1), "2001:db8::1");
  assert.is(forwardedFor(" 203.0.113.9 ,  10.0.0.2", 2), "203.0.113.9");
});

test("no header, an empty header, an empty entry or zero hops give no address", () => {
  assert.is(forwardedFor(null, 1), undefined);
  assert.is(forwardedFor("", 1), undefined);
  assert.is(forwardedFor("   ", 1), undefined);
  assert.is(forwardedFor("81.2.69.192, ", 1), undefined, "the entry the proxy wrote is empty: not the client's one");
  assert.is(forwardedFor("81.2.69.192", 0), undefined);
});

test.run();
