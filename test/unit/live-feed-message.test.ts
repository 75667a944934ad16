/** The live feed's public view of a report (src/live/feed-message.ts): coarse, counted, anonymous. */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { ReportEntry } from "../../src/domain/report.ts";
import { clientName, publicFeedMessage } from "../../src/live/feed-message.ts";

const S = suite("live feed message");

const entry = (over: Partial<ReportEntry["report"]> = {}, userAgent: string | null = "NeoStumbler/2.1.3 (Android 14)"): ReportEntry => ({
  api_key: "secret-key", source: "gnss", received: 1_796_000_000_000, user_agent: userAgent,
  report: {
    timestamp: 1_796_000_000_000, position: { latitude: 51.503_456_7, longitude: -0.127_654_3, accuracy: 5 },
    wifiAccessPoints: [{ macAddress: "02:00:00:12:34:56" }, { macAddress: "02:00:00:12:34:57" }],
    cellTowers: [{ radioType: "lte", mobileCountryCode: 234, mobileNetworkCode: 15, locationAreaCode: 1, cellId: 99 }],
    bluetoothBeacons: [], ...over,
  } as ReportEntry["report"],
});

S("a report becomes its grid cell, its counts and the client's name, nothing else", () => {
  const message = publicFeedMessage("1796000000000-0", entry());
  assert.equal(message, { id: "1796000000000-0", received: 1_796_000_000_000, cell: [51.503, -0.128], wifi: 2, cells: 1, blue: 0, client: "NeoStumbler" });
  const text = JSON.stringify(message);
  for (const secret of ["02:00:00", "secret-key", "51.5034", "0.12765", "Android", "99"]) assert.not.ok(text.includes(secret), secret);
});

S("no position: no cell", () => {
  assert.is(publicFeedMessage("1-0", entry({ position: null })).cell, null);
});

S("client names: the first product token, without version or odd characters", () => {
  assert.is(clientName("GeoClue/2.7.1"), "GeoClue");
  assert.is(clientName("Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0"), "Mozilla");
  assert.is(clientName("<script>alert(1)</script>"), "scriptalert1", "cut at the first slash, markup stripped");
  assert.is(clientName(""), null);
  assert.is(clientName(null), null);
});

S.run();
