import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeArchiveObject, encodeArchiveObject, objectKey, parseObjectKey, partitionPrefix } from "../../src/archive/archive-object.ts";
import { parseS3Url } from "../../src/archive/s3-location.ts";
import { gunzipSync } from "node:zlib";

test("object keys sort in entry order and name their first and last entry", () => {
  const ids = ["999-5", "1000-0", "1000-10", "1000-9", "17960000000000-1"];
  const keys = ids.map((id) => objectKey("archive/x", 3, id, id));
  const sorted = [...keys].sort();
  assert.equal(sorted.map((k) => parseObjectKey(k)!.firstId), ["999-5", "1000-0", "1000-9", "1000-10", "17960000000000-1"]);
  assert.equal(parseObjectKey(objectKey("p", 2, "1796000000000-0", "1796000000999-7")), { partition: 2, firstId: "1796000000000-0", lastId: "1796000000999-7" });
  assert.is(objectKey("", 0, "1-2", "3-4"), "reports-0/00000000000000000001-00000000000000000002_00000000000000000003-00000000000000000004.jsonl.gz");
  assert.is(partitionPrefix("a/b/", 1), "a/b/reports-1/");
  assert.is(parseObjectKey("a/reports-1/notes.txt"), null);
});

test("an object's entries come back exactly as they were written", () => {
  const entries = [
    { id: "1796000000000-0", seq: 1, version: 1, data: { api_key: null, source: "gnss", received: 1, user_agent: "x\u2028y", report: { a: 1.1 } } },
    { id: "1796000000000-1", seq: 2, version: 1, data: { api_key: "k", source: "query", received: 2, user_agent: null, report: {} } },
  ];
  assert.equal(decodeArchiveObject(encodeArchiveObject(entries)), entries);
});

test("an entry written from its stored text is the same bytes as one written from its decoded payload", () => {
  const data = { api_key: "k", source: "gnss", received: 5, user_agent: "ü\u2028", report: { position: { latitude: -0.5, longitude: 1e-7 }, wifiAccessPoints: [] } };
  const decoded = { id: "1796000000000-3", seq: 4, version: 1, data };
  const asText = { id: "1796000000000-3", seq: 4, version: 1, data: null, text: JSON.stringify(data) };
  assert.equal(gunzipSync(encodeArchiveObject([asText])), gunzipSync(encodeArchiveObject([decoded])));
  assert.equal(decodeArchiveObject(encodeArchiveObject([asText])), [decoded]);
});

test("a stored payload that is not JSON is archived as it is and read back as an undecodable entry, its neighbours intact", () => {
  const good = { id: "1796000000000-0", seq: 1, version: 1, data: { n: 1 } };
  const broken = { id: "1796000000000-1", seq: 2, version: 1, data: null, text: "{\"report\": tru" };
  const back = decodeArchiveObject(encodeArchiveObject([good, broken, { ...good, id: "1796000000000-2", seq: 3 }]));
  assert.is(back.length, 3);
  assert.equal(back[0], good);
  assert.equal([back[1]!.id, back[1]!.seq, back[1]!.text], [broken.id, 2, broken.text]);
  assert.match(back[1]!.error ?? "", /payload is not JSON/);
  assert.is(back[2]!.seq, 3);
});

test("s3:// URLs name a bucket and an optional prefix", () => {
  assert.equal(parseS3Url("s3://ichnos-backup/reports/"), { bucket: "ichnos-backup", prefix: "reports" });
  assert.equal(parseS3Url("s3://ichnos-backup"), { bucket: "ichnos-backup", prefix: "" });
  assert.throws(() => parseS3Url("s3://b2/x"), /not an s3:\/\/bucket\/prefix URL/);
});

test.run();
