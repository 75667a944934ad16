/**
 * `ichnos keys` through the real executable against a migrated database: SPEC §2.1 defaults,
 * every column settable, partial updates, exit codes (1 missing/duplicate, 2 usage), and nothing
 * written when the arguments are wrong. Rows are checked with mysql2, not through the code under test.
 */
import mysql, { type Connection, type RowDataPacket } from "mysql2/promise";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { toConnectionOptions } from "../../src/db/database-url.ts";
import { applyMigrations } from "../../src/db/migrate.ts";
import { createLogger } from "../../src/logger.ts";
import { createTestDatabase } from "../support/infra.ts";
import { runCli } from "../support/run-cli.ts";

interface Ctx {
  url: string;
  drop?: () => Promise<void>;
  conn?: Connection;
}

const K = suite<Ctx>("ichnos keys", { url: "" });

K.before(async (ctx) => {
  const db = await createTestDatabase("keys_cli");
  ctx.url = db.url;
  ctx.drop = db.drop;
  await applyMigrations({ databaseUrl: db.url, log: createLogger("silent") });
  ctx.conn = await mysql.createConnection(toConnectionOptions(db.url));
});

K.after(async (ctx) => {
  await ctx.conn?.end();
  await ctx.drop?.();
});

const keys = (ctx: Ctx, ...args: string[]) => runCli(["keys", ...args], { DATABASE_URL: ctx.url });

async function row(ctx: Ctx, key: string): Promise<Record<string, unknown> | undefined> {
  const [rows] = await ctx.conn!.query<RowDataPacket[]>("SELECT * FROM api_key WHERE valid_key = ?", [key]);
  return rows[0] ? { ...rows[0] } : undefined;
}

async function allRows(ctx: Ctx): Promise<unknown[]> {
  const [rows] = await ctx.conn!.query<RowDataPacket[]>("SELECT * FROM api_key ORDER BY valid_key");
  return rows.map((r) => ({ ...r }));
}

const DEFAULT_ROW = {
  maxreq: 100, allow_fallback: 0, allow_locate: 1, allow_region: 1,
  fallback_name: null, fallback_schema: null, fallback_url: null, fallback_ratelimit: null,
  fallback_ratelimit_interval: null, fallback_cache_expire: null, store_sample_locate: 100, store_sample_submit: 100,
};

const EVERY_FLAG = [
  "--maxreq", "50000", "--allow-fallback=true", "--allow-locate", "no", "--allow-region=0",
  "--fallback-name", "partner", "--fallback-schema", "unwiredlabs/v1", "--fallback-url", "https://eu1.unwiredlabs.com/v2/process.php#tok3n",
  "--fallback-ratelimit", "0", "--fallback-ratelimit-interval", "60", "--fallback-cache-expire", "86400",
  "--store-sample-locate", "7", "--store-sample-submit", "0",
];

K("add with only a key stores SPEC §2.1's CLI defaults and says when web processes see it", async (ctx) => {
  const r = await keys(ctx, "add", "plain-key-1");
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^created API key plain-key-1$/m);
  assert.match(r.stdout, /5 minutes/);
  assert.equal(await row(ctx, "plain-key-1"), { valid_key: "plain-key-1", ...DEFAULT_ROW });
});

K("add with every flag sets every column", async (ctx) => {
  const r = await keys(ctx, "add", "full-key-1", ...EVERY_FLAG);
  assert.is(r.code, 0, r.stderr);
  assert.equal(await row(ctx, "full-key-1"), {
    valid_key: "full-key-1", maxreq: 50000, allow_fallback: 1, allow_locate: 0, allow_region: 0,
    fallback_name: "partner", fallback_schema: "unwiredlabs/v1", fallback_url: "https://eu1.unwiredlabs.com/v2/process.php#tok3n",
    fallback_ratelimit: 0, fallback_ratelimit_interval: 60, fallback_cache_expire: 86400,
    store_sample_locate: 7, store_sample_submit: 0,
  });
});

K("add without a key generates a UUID v4, prints it and stores it", async (ctx) => {
  const r = await keys(ctx, "add", "--maxreq", "7");
  assert.is(r.code, 0, r.stderr);
  const key = /^created API key (\S+)$/m.exec(r.stdout)?.[1] ?? "";
  assert.match(key, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(await row(ctx, key), { valid_key: key, ...DEFAULT_ROW, maxreq: 7 });
});

K("adding an existing key exits 1, says so and changes nothing", async (ctx) => {
  const before = await allRows(ctx);
  const same = await keys(ctx, "add", "plain-key-1", "--maxreq", "5");
  assert.is(same.code, 1);
  assert.match(same.stderr, /"plain-key-1" already exists/);
  assert.match(same.stderr, /ichnos keys update plain-key-1/);
  // The column's collation compares case-insensitively, so the message names the stored key.
  const upper = await keys(ctx, "add", "PLAIN-KEY-1");
  assert.is(upper.code, 1);
  assert.match(upper.stderr, /"plain-key-1" already exists \(keys are compared case-insensitively/);
  assert.equal(await allRows(ctx), before);
});

K("list prints an aligned table, or JSON records with --json", async (ctx) => {
  const table = await keys(ctx, "list");
  assert.is(table.code, 0, table.stderr);
  const lines = table.stdout.trimEnd().split("\n");
  assert.match(lines[0]!, /^KEY\s+MAXREQ\s+LOCATE\s+REGION\s+FALLBACK\s+FALLBACK NAME\s+SCHEMA/);
  const full = lines.find((l) => l.startsWith("full-key-1"));
  assert.ok(full, table.stdout);
  assert.match(full!, /^full-key-1\s+50000\s+no\s+no\s+usable\s+partner\s+unwiredlabs\/v1\s+7\s+0$/);
  assert.is(full!.indexOf("50000"), lines[0]!.indexOf("MAXREQ"), "columns line up");

  const json = await keys(ctx, "list", "--json");
  assert.is(json.code, 0, json.stderr);
  const records = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
  assert.is(records.length, 3);
  assert.equal(records.find((k) => k.validKey === "plain-key-1"), {
    validKey: "plain-key-1", maxreq: 100, allowFallback: false, allowLocate: true, allowRegion: true,
    fallbackName: null, fallbackSchema: null, fallbackUrl: null, fallbackRatelimit: null,
    fallbackRatelimitInterval: null, fallbackCacheExpire: null, storeSampleLocate: 100, storeSampleSubmit: 100,
  });
});

K("show prints every column and whether fallback is usable, and why not", async (ctx) => {
  const usable = await keys(ctx, "show", "full-key-1");
  assert.is(usable.code, 0, usable.stderr);
  assert.match(usable.stdout, /^fallback_url\s+https:\/\/eu1\.unwiredlabs\.com\/v2\/process\.php#tok3n$/m);
  assert.match(usable.stdout, /^fallback: usable$/m);

  const plain = await keys(ctx, "show", "plain-key-1");
  assert.is(plain.code, 0, plain.stderr);
  assert.match(plain.stdout, /^maxreq\s+100 per UTC day per API path$/m);
  assert.match(plain.stdout,
    /^fallback: not usable: allow_fallback is false; fallback_name is empty; fallback_url is empty; fallback_ratelimit is NULL.*; fallback_ratelimit_interval is NULL$/m);

  const json = await keys(ctx, "show", "plain-key-1", "--json");
  const shown = JSON.parse(json.stdout) as Record<string, unknown>;
  assert.is(shown.validKey, "plain-key-1");
  assert.is(shown.canFallback, false);
  assert.is((shown.fallbackProblems as string[]).length, 5);

  const missing = await keys(ctx, "show", "no-such-key");
  assert.is(missing.code, 1);
  assert.match(missing.stderr, /no API key "no-such-key".*ichnos keys list/);
});

K("update changes only the columns named; an empty value stores NULL", async (ctx) => {
  const before = await row(ctx, "full-key-1");
  const r = await keys(ctx, "update", "full-key-1", "--maxreq=0", "--allow-region", "yes", "--fallback-cache-expire=");
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /5 minutes/);
  assert.equal(await row(ctx, "full-key-1"), { ...before, maxreq: 0, allow_region: 1, fallback_cache_expire: null });

  const missing = await keys(ctx, "update", "no-such-key", "--maxreq", "1");
  assert.is(missing.code, 1);
  assert.match(missing.stderr, /no API key "no-such-key"/);

  const nothing = await keys(ctx, "update", "full-key-1");
  assert.is(nothing.code, 2);
  assert.match(nothing.stderr, /name at least one column flag/);
});

K("a setting that leaves fallback unusable is saved with a warning", async (ctx) => {
  const r = await keys(ctx, "update", "plain-key-1", "--allow-fallback=yes", "--fallback-name", "p2");
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /warning: allow_fallback is true but fallback is not usable: fallback_url is empty;/);
  assert.is((await row(ctx, "plain-key-1"))?.allow_fallback, 1);
});

K("rm removes the key; an unknown key exits 1", async (ctx) => {
  const r = await keys(ctx, "rm", "plain-key-1");
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /removed API key plain-key-1/);
  assert.match(r.stdout, /5 minutes/);
  assert.is(await row(ctx, "plain-key-1"), undefined);

  const again = await keys(ctx, "rm", "plain-key-1");
  assert.is(again.code, 1);
  assert.match(again.stderr, /no API key "plain-key-1"/);
});

K("bad arguments exit 2 naming every problem, and nothing is written", async (ctx) => {
  const before = await allRows(ctx);
  const add = await keys(ctx, "add", "bad_key!", "--store-sample-locate", "101", "--fallback-schema", "here/v1",
    "--fallback-url", "not a url", "--maxreq", "1.5");
  assert.is(add.code, 2);
  assert.match(add.stderr, /key "bad_key!": must be 4 to 40 characters .*treats any other key as no key/);
  assert.match(add.stderr, /--store-sample-locate "101": must be a whole number from 0 to 100/);
  assert.match(add.stderr, /--fallback-schema "here\/v1": must be one of ichnaea\/v1, combain\/v1, googlemaps\/v1, unwiredlabs\/v1/);
  assert.match(add.stderr, /--fallback-url "not a url": is not a URL/);
  assert.match(add.stderr, /--maxreq "1.5": must be a whole number/);

  const short = await keys(ctx, "add", "abc");
  assert.is(short.code, 2);
  assert.match(short.stderr, /key "abc": must be 4 to 40 characters/);

  const update = await keys(ctx, "update", "full-key-1", "--allow-locate=maybe", "--fallback-url=ftp://x.example/", "--store-sample-submit=-1");
  assert.is(update.code, 2);
  assert.match(update.stderr, /--allow-locate "maybe": must be true or false/);
  assert.match(update.stderr, /--fallback-url "ftp:\/\/x.example\/": must be an http or https URL/);
  assert.match(update.stderr, /--store-sample-submit "-1": must be a whole number from 0 to 100/);

  const unknownFlag = await keys(ctx, "add", "good-key-9", "--max-req", "5");
  assert.is(unknownFlag.code, 2);
  assert.match(unknownFlag.stderr, /--max-req/);

  const unknownAction = await keys(ctx, "remove", "full-key-1");
  assert.is(unknownAction.code, 2);
  assert.match(unknownAction.stderr, /unknown action "remove"/);

  assert.equal(await allRows(ctx), before);
});

K.run();
