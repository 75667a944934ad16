import { test } from "uvu";
import * as assert from "uvu/assert";
import { checkReads } from "../../src/stream/consumer-runtime.ts";
import { defineConsumer } from "../../src/stream/define-consumer.ts";
import { createKeys } from "../../src/stream/keys.ts";
import { createCatalogue, openFamily, STREAM_FAMILIES, UnknownStreamError } from "../../src/stream/streams.ts";

test("the catalogue expands families to their streams and takes single streams of them", () => {
  const catalogue = createCatalogue(4);
  assert.equal(catalogue.expand("reports"), ["reports:0", "reports:1", "reports:2", "reports:3"]);
  assert.equal(catalogue.expand(["reports:2", "obs:cell"]), ["reports:2", "obs:cell:gsm", "obs:cell:wcdma", "obs:cell:lte", "obs:cell:nr"]);
  assert.is(catalogue.expand("obs:wifi").length, 16);
  assert.equal(catalogue.expand("obs:blue:f"), ["obs:blue:f"]);
  assert.equal(catalogue.expand("dead:export:internal"), ["dead:export:internal"]);
  assert.is(catalogue.familyOf("obs:wifi:3"), STREAM_FAMILIES["obs:wifi"]);
});

test("a name outside the catalogue is refused with every valid stream named", () => {
  const catalogue = createCatalogue(4);
  for (const typo of ["report", "reports:4", "obs:wifi:z", "obs:cell:cdma", "area", "test:mine"]) {
    assert.throws(() => catalogue.expand(typo), (err: Error) => err instanceof UnknownStreamError && err.message.includes(`unknown stream "${typo}"`), typo);
  }
  try {
    catalogue.expand("report");
    assert.unreachable();
  } catch (err) {
    const message = (err as Error).message;
    for (const listed of [
      "reports = reports:0, reports:1, reports:2, reports:3 (submitted reports", "obs:wifi = obs:wifi:0 … obs:wifi:f (Wi-Fi",
      "obs:blue = obs:blue:0 … obs:blue:f (Bluetooth", "obs:cell = obs:cell:gsm, obs:cell:wcdma, obs:cell:lte, obs:cell:nr (cell",
      "areas = areas (cell areas", "dead = dead:<name> (a group's dead letters)",
    ]) {
      assert.ok(message.includes(listed), `${listed} in: ${message}`);
    }
  }
});

test("each family tells its payloads from others", () => {
  const report = { api_key: null, source: "gnss", received: 1, user_agent: null, report: { timestamp: 1, position: null, wifiAccessPoints: [], cellTowers: [], bluetoothBeacons: [] } };
  assert.is(STREAM_FAMILIES.reports.problem(report), null);
  assert.match(STREAM_FAMILIES.reports.problem({ areas: [] }) ?? "", /not a report entry/);
  assert.is(STREAM_FAMILIES["obs:wifi"].problem({ reports: [] }), null);
  assert.match(STREAM_FAMILIES["obs:wifi"].problem(report) ?? "", /not an observation batch/);
  assert.is(STREAM_FAMILIES.areas.problem({ areas: ["0a"], at: 5 }), null);
  assert.match(STREAM_FAMILIES.areas.problem({ areas: ["0a"], at: "soon" }) ?? "", /not a time in ms/);
});

test("families added to the keys extend what reads may name", () => {
  const keys = createKeys("p", 2, [openFamily("test", "a test's own entries", /^[a-z]+$/)]);
  assert.equal(keys.resolve(["test:one", "areas"]), ["p:{test:one}", "p:{areas}"]);
  assert.throws(() => keys.resolve("test:One"), /unknown stream "test:One"/);
});

test("a consumer reading a misspelt stream stops the runtime before anything runs, naming the group", () => {
  const keys = createKeys("p", 2);
  const good = defineConsumer({ name: "hourly-volume", reads: "reports", start: "0", async project() {} });
  const typo = defineConsumer({ name: "hourly-volume", reads: "report" as "reports", start: "0", async project() {} });
  checkReads(keys, [good]);
  assert.throws(() => checkReads(keys, [good, typo]), /^group hourly-volume reads an unknown stream "report"; the streams are reports = reports:0, reports:1 \(submitted reports/);
});

test("reads decides the payload type, and a misspelt stream is a type error (checked by npm run typecheck)", () => {
  const areas = defineConsumer({
    name: "typed-areas", reads: "areas", start: "0",
    async project(batch) {
      const ids: readonly string[] = batch[0]!.data.areas; // AreaUpdate, inferred from reads
      void ids;
    },
  });
  const reports = defineConsumer({
    name: "typed-reports", reads: ["reports:0", "reports:1"], start: "0",
    async project(batch) {
      const key: string | null = batch[0]!.data.api_key; // ReportEntry
      void key;
    },
  });
  // @ts-expect-error "report" is not a stream of the catalogue
  const typo = defineConsumer({ name: "typo", reads: "report", start: "0", async project() {} });
  // @ts-expect-error runtime knobs (payload, isRetired, derivedBy) are not part of a consumer file's definition
  const knob = defineConsumer({ name: "knob", reads: "areas", start: "0", payload: "ignored", async project() {} });
  assert.equal([areas.reads, reports.reads, typo.reads, knob.name], ["areas", ["reports:0", "reports:1"], "report", "knob"]);
});

test.run();
