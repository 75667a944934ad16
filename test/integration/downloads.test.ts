/**
 * `/downloads` and `/downloads/<file>` through a real listener (SPEC §4.13, §6.5), with the app
 * built from config by createWebDeps like `ichnos web`: from an S3 bucket (s3rver) the SPEC
 * case of three objects of 1024, 1000 and 8192 bytes, the listing cached in Redis until its key
 * is deleted; from a local CELL_EXPORT_DIR the files the job wrote, byte for byte; strict names.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeleteObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { type HttpServer, startHttpServer } from "../../src/api/serve.ts";
import { downloadsCacheKey } from "../../src/cells/downloads-service.ts";
import { runCellExport } from "../../src/cells/export-job.ts";
import { diffExportName, fullExportName } from "../../src/cells/export-schedule.ts";
import { createLocalExportStore } from "../../src/cells/export-store-local.ts";
import { startTestS3, type TestS3 } from "../support/s3-server.ts";
import { createWebTestEnv, type WebTestEnv } from "../support/web-setup.ts";
import { rawStatus } from "../support/raw-request.ts";

interface Site {
  readonly env: WebTestEnv;
  readonly server: HttpServer;
}

const S = suite<{ s3: TestS3; bucket: Site; local: Site; dir: string }>("cell downloads");

const t = (iso: string) => Date.parse(iso);
const FULL = fullExportName(t("2026-05-01T00:00:00Z"));
const DIFF_13 = diffExportName(t("2026-05-01T13:00:00Z"));
const DIFF_14 = diffExportName(t("2026-05-01T14:00:00Z"));
const ASSET_URL = "https://assets.example.org/mls";

async function site(label: string, env: Record<string, string>): Promise<Site> {
  const web = await createWebTestEnv(label, env);
  return { env: web, server: await startHttpServer(web.app, { host: "127.0.0.1", port: 0, log: web.log }) };
}

S.before(async (ctx) => {
  ctx.s3 = await startTestS3("ichnos-assets");
  // The SDK reads the endpoint and credentials from the environment, as in `ichnos web`.
  Object.assign(process.env, ctx.s3.env);
  ctx.bucket = await site("downloads-s3", { ...ctx.s3.env, ASSET_BUCKET: `s3://${ctx.s3.bucket}` });
  ctx.dir = mkdtempSync(join(tmpdir(), "ichnos-downloads-"));
  ctx.local = await site("downloads-dir", { CELL_EXPORT_DIR: ctx.dir, ASSET_URL: `${ASSET_URL}/` });
  for (const [name, size] of [[FULL, 1024], [DIFF_13, 1000], [DIFF_14, 8192], ["notes.txt", 10], [`old/${DIFF_13}`, 10]] as const) {
    await ctx.s3.client.send(new PutObjectCommand({ Bucket: ctx.s3.bucket, Key: `export/${name}`, Body: Buffer.alloc(size, name.length) }));
  }
});
S.after(async (ctx) => {
  for (const s of [ctx.bucket, ctx.local]) {
    await s?.server.close();
    await s?.env.close();
  }
  await ctx.s3?.close();
  if (ctx.dir) rmSync(ctx.dir, { recursive: true, force: true });
});

const get = (s: Site, path: string) => fetch(new URL(path, s.server.url));


/** The listed files as [name, size] per section, in page order. */
function sections(page: string): { full: string[][]; diff: string[][] } {
  const [, full = "", diff = ""] = page.split(/<h2>[^<]*<\/h2>/);
  const files = (part: string) => [...part.matchAll(/<a href="([^"]+)">([^<]+)<\/a> <span class="size">([^<]+)<\/span>/g)].map((m) => [m[2]!, m[3]!, m[1]!]);
  return { full: files(full), diff: files(diff) };
}

S("the SPEC §6.5 objects of 1024, 1000 and 8192 bytes show as 1kB, 1kB and 8kB, full files and diffs apart, newest first", async ({ bucket }) => {
  const res = await get(bucket, "/downloads");
  assert.is(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
  const page = await res.text();
  assert.equal(sections(page), {
    full: [[FULL, "1kB", `/downloads/${FULL}`]],
    diff: [[DIFF_14, "8kB", `/downloads/${DIFF_14}`], [DIFF_13, "1kB", `/downloads/${DIFF_13}`]],
  });
  assert.not.match(page, /0kB/);
  assert.not.match(page, /notes\.txt|old\//, "only export names directly under export/");
  assert.match(page, /<a href="\/downloads" aria-current="page">Downloads<\/a>/, "in the site's navigation");
  assert.match(page, /radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal/);
  assert.match(page, /<code>NR<\/code>/);
  // SPEC §6.5: HTML security headers.
  assert.match(res.headers.get("strict-transport-security") ?? "", /max-age=\d+; includeSubDomains/);
  assert.is(res.headers.get("x-content-type-options"), "nosniff");
  assert.ok(res.headers.get("x-frame-options"));
  assert.match(res.headers.get("content-security-policy") ?? "", /'self'/);
});

S("the listing is served from Redis until its key is deleted", async ({ s3, bucket }) => {
  await get(bucket, "/downloads");
  await s3.client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: `export/${DIFF_13}` }));
  const cachedPage = await (await get(bucket, "/downloads")).text();
  assert.ok(sections(cachedPage).diff.some(([name]) => name === DIFF_13), "the deleted object is still listed: the bucket was not listed again");
  assert.ok(await bucket.env.redis.ttl(downloadsCacheKey(bucket.env.prefix)) > 1700, "cached for 1800 s");
  await bucket.env.redis.del(downloadsCacheKey(bucket.env.prefix));
  const fresh = await (await get(bucket, "/downloads")).text();
  assert.equal(sections(fresh).diff.map(([name]) => name), [DIFF_14]);
});

S("/downloads/<file> streams the object's bytes as application/gzip, cacheable for a year", async ({ bucket }) => {
  const res = await get(bucket, `/downloads/${DIFF_14}`);
  assert.is(res.status, 200);
  assert.is(res.headers.get("content-type"), "application/gzip");
  assert.is(res.headers.get("cache-control"), "public, max-age=31536000, immutable");
  assert.is(res.headers.get("content-length"), "8192");
  assert.is(res.headers.get("x-content-type-options"), "nosniff");
  assert.ok(Buffer.from(await res.arrayBuffer()).equals(Buffer.alloc(8192, DIFF_14.length)));
});

S("anything but a published export's exact name is 404", async ({ bucket }) => {
  for (const path of [
    `/downloads/${diffExportName(t("2026-05-01T15:00:00Z"))}`, "/downloads/notes.txt", `/downloads/old%2F${DIFF_13}`,
    "/downloads/..%2Fexport%2Fnotes.txt", "/downloads/%2e%2e%2fx", `/downloads/${DIFF_14}%00`, `/downloads/x/${DIFF_14}`,
  ]) {
    const res = await get(bucket, path);
    assert.is(res.status, 404, path);
    await res.body?.cancel();
  }
  assert.is(await rawStatus(bucket.server.url, "/downloads/../x"), 404);
  assert.is(await rawStatus(bucket.server.url, "/downloads/../../etc/passwd"), 404);
});

S("from CELL_EXPORT_DIR: the job's files are listed (links to ASSET_URL), cache dropped on publish, served byte for byte", async ({ local, dir }) => {
  const empty = await (await get(local, "/downloads")).text();
  assert.equal(sections(empty), { full: [], diff: [] });
  assert.match(empty, /None published yet/);
  const run = await runCellExport({
    pool: local.env.pool, redis: local.env.redis, keys: local.env.keys, log: local.env.log, store: createLocalExportStore(dir), retentionMs: 0,
  }, t("2026-05-01T14:05:00Z"));
  assert.equal(run.published.map((p) => p.name), [FULL, DIFF_14]);
  const listed = sections(await (await get(local, "/downloads")).text());
  assert.equal(listed.full, [[FULL, "1kB", `${ASSET_URL}/export/${FULL}`]], "the new file shows at once: the job dropped the cached empty listing");
  assert.equal(listed.diff.map(([name, , url]) => [name, url]), [[DIFF_14, `${ASSET_URL}/export/${DIFF_14}`]]);
  const res = await get(local, `/downloads/${DIFF_14}`);
  assert.is(res.status, 200);
  assert.is(res.headers.get("content-type"), "application/gzip");
  assert.ok(Buffer.from(await res.arrayBuffer()).equals(readFileSync(join(dir, DIFF_14))));
  assert.is(await rawStatus(local.server.url, `/downloads/..%2F${DIFF_14}`), 404);
});

S.run();
