/**
 * How the SQL trace names statements, chosen per child by BENCH_SQL_TRACE_CLASSES:
 *   - `statements` (bench:pipeline): what the statement does in the consumer runtime — the
 *     transaction, the checkpoint's lock and advance, the stations' locking read and upsert, …;
 *     prepared statements (mysql2 `execute`) are marked `[execute]`;
 *   - `tables` (bench:locate): which station type the statement reads — the table after its first
 *     FROM: wifi, blue, cell, area, api_key.
 * Both look only at the statement's head: mysql2 hands over the formatted SQL, which for a
 * 100-row upsert is tens of kB.
 */
export type ClassScheme = "statements" | "tables";

const STATEMENTS: readonly (readonly [string, RegExp, boolean?])[] = [
  ["START TRANSACTION", /^START TRANSACTION/],
  ["COMMIT", /^COMMIT/],
  ["ROLLBACK", /^ROLLBACK/],
  ["checkpoint: lock (SELECT … FOR UPDATE)", /^SELECT [\s\S]*FROM `?stream_checkpoint`? /, true],
  ["checkpoint: advance (UPDATE)", /^UPDATE `?stream_checkpoint`? /],
  ["checkpoint: other", /stream_checkpoint/],
  ["stations: lock + read (SELECT … FOR UPDATE)", /^SELECT [\s\S]*FROM `(?:(?:wifi|blue)_shard_[0-9a-f]|cell_(?:gsm|wcdma|lte|nr))` /, true],
  ["stations: upsert", /^INSERT INTO `(?:(?:wifi|blue)_shard_[0-9a-f]|cell_(?:gsm|wcdma|lte|nr))` /],
  ["stat_counter", /stat_counter/],
  ["datamap", /datamap_/],
  ["cell areas", /cell_area/],
  ["cell areas: read cells", /^SELECT [\s\S]*FROM `cell_(?:gsm|wcdma|lte|nr)` /, false],
  ["export_config", /export_config/],
  ["named locks (GET_LOCK / RELEASE_LOCK)", /^SELECT (?:GET|RELEASE)_LOCK/],
];

/** Tested against the first 600 characters and whether the statement ends in FOR UPDATE. */
function byStatement(sql: string, binary: boolean): string {
  const head = sql.slice(0, 600);
  const forUpdate = sql.trimEnd().endsWith("FOR UPDATE");
  let name = `other: ${head.slice(0, 40)}`;
  for (const [n, re, locking] of STATEMENTS) {
    if (re.test(head) && (locking === undefined || locking === forUpdate)) {
      name = n;
      break;
    }
  }
  return binary && !/^(?:START|COMMIT|ROLLBACK)/.test(sql) ? `${name} [execute]` : name;
}

const FIRST_TABLE = /\bFROM `?(wifi_shard_[0-9a-f]|blue_shard_[0-9a-f]|cell_area_nr|cell_area|cell_(?:gsm|wcdma|lte|nr)|api_key)`?/;

/** Tested against the first 300 characters. */
function byTable(sql: string): string {
  const head = sql.slice(0, 300);
  if (/^SET SESSION /.test(head)) return "session setup (new connection)";
  const m = FIRST_TABLE.exec(head);
  if (!m) return `other: ${head.slice(0, 50).replace(/\s+/g, " ")}`;
  const table = m[1]!;
  if (table.startsWith("wifi_")) return "wifi";
  if (table.startsWith("blue_")) return "blue";
  if (table.startsWith("cell_area")) return "area";
  if (table === "api_key") return "api_key";
  return "cell";
}

export function classifier(scheme: ClassScheme): (sql: string, binary: boolean) => string {
  return scheme === "tables" ? byTable : byStatement;
}

/** A station upsert, whatever the scheme calls it: its rows are recorded for the ceiling's replay. */
export const STATION_UPSERT = /^INSERT INTO `((?:wifi|blue)_shard_[0-9a-f]|cell_(?:gsm|wcdma|lte|nr))` /;
