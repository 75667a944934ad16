/** The cell export settings (README "Configuration"): ASSET_BUCKET, ASSET_URL, CELL_EXPORT_DIR, CELL_EXPORT_RETENTION. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadConfig } from "../../src/config.ts";

test("without settings the exports go to data/cell-exports and are kept 7 days", () => {
  const config = loadConfig({});
  assert.is(config.assetBucket, undefined);
  assert.is(config.assetUrl, undefined);
  assert.is(config.cellExportDir, "data/cell-exports");
  assert.is(config.cellExportRetentionMs, 7 * 86_400_000);
});

test("a bucket with a prefix, a public URL without its trailing slash, and retention 0 = keep everything", () => {
  const config = loadConfig({ ASSET_BUCKET: "s3://ichnos-assets/public", ASSET_URL: "https://assets.example.org/", CELL_EXPORT_RETENTION: "0", CELL_EXPORT_DIR: "/srv/exports" });
  assert.is(config.assetBucket, "s3://ichnos-assets/public");
  assert.is(config.assetUrl, "https://assets.example.org");
  assert.is(config.cellExportRetentionMs, 0);
  assert.is(config.cellExportDir, "/srv/exports");
  assert.is(loadConfig({ CELL_EXPORT_RETENTION: "36h" }).cellExportRetentionMs, 36 * 3_600_000);
});

test("bad values are reported by name", () => {
  assert.throws(() => loadConfig({ ASSET_BUCKET: "https://bucket.example.org" }), /ASSET_BUCKET="https:\/\/bucket.example.org": .*not an s3:\/\/bucket\/prefix URL/);
  assert.throws(() => loadConfig({ ASSET_BUCKET: "s3://b2" }), /ASSET_BUCKET/);
  assert.throws(() => loadConfig({ ASSET_URL: "ftp://assets.example.org" }), /ASSET_URL="ftp:\/\/assets.example.org": expected a https: or http: URL/);
  assert.throws(() => loadConfig({ CELL_EXPORT_RETENTION: "7" }), /CELL_EXPORT_RETENTION="7": must be 0 \(keep everything\) or at least 1h/);
  assert.throws(() => loadConfig({ CELL_EXPORT_RETENTION: "a week" }), /CELL_EXPORT_RETENTION="a week": expected a duration/);
});

test.run();
