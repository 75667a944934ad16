/**
 * prisma/schema.prisma and the hand-written migrations describe the same tables twice; nothing in
 * Prisma checks that offline for MySQL (STACK-NOTES §4). This suite migrates a fresh database and
 * compares it with the schema's DMMF: tables, columns (type, nullability, default), primary keys,
 * unique and plain indexes. Which tables must exist is not a list kept here: every table is the
 * schema's or declared by a consumer file (consumers/*.ts `tables`), and every table a consumer
 * owns exists.
 */
import { readFileSync } from "node:fs";
import { getDMMF } from "@prisma/get-dmmf";
import mysql, { type Connection, type RowDataPacket } from "mysql2/promise";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { toConnectionOptions } from "../../src/db/database-url.ts";
import { lazyRegionLookup } from "../../src/geo/lazy-regions.ts";
import { consumerRegistry } from "../../src/stream/consumer-registry.ts";
import { createConsumerTables } from "../../src/stream/consumer-tables.ts";
import { type AnyConsumer, tableDefinitions, tableNames } from "../../src/stream/define-consumer.ts";
import { applyMigrations } from "../../src/db/migrate.ts";
import { createPool, type Pool } from "../../src/db/pool.ts";
import { createLogger } from "../../src/logger.ts";
import { closeRedis, createRedis, type RedisClient } from "../../src/redis/create-redis.ts";
import { createKeys } from "../../src/stream/keys.ts";
import { createTestDatabase, redisUrl, uniquePrefix } from "../support/infra.ts";

interface ColumnShape {
  type: string;
  nullable: boolean;
  /** Normalised: null = no default, "autoincrement", a literal, or current_timestamp(n). */
  default: string | null;
}

interface TableShape {
  columns: Map<string, ColumnShape>;
  primaryKey: string[];
  uniques: Map<string, string[]>;
  indexes: Map<string, string[]>;
}

type SchemaShape = Map<string, TableShape>;

// DMMF types, taken from getDMMF itself (their package, @prisma/dmmf, is not a direct dependency).
type Datamodel = Extract<ReturnType<typeof getDMMF>, { datamodel: unknown }>["datamodel"];
type Field = Datamodel["models"][number]["fields"][number];

const SCHEMA_FILE = new URL("../../prisma/schema.prisma", import.meta.url);

// ---- the schema side --------------------------------------------------------------------------

/** What Prisma creates for a scalar without @db.* on MySQL. */
const DEFAULT_COLUMN_TYPES: Record<string, string> = {
  String: "varchar(191)",
  Int: "int",
  BigInt: "bigint",
  Float: "double",
  Decimal: "decimal(65,30)",
  Boolean: "tinyint(1)",
  DateTime: "datetime(3)",
  Bytes: "longblob",
  Json: "json",
};

const INTEGER_NATIVE_TYPES: Record<string, string> = {
  TinyInt: "tinyint",
  UnsignedTinyInt: "tinyint unsigned",
  SmallInt: "smallint",
  UnsignedSmallInt: "smallint unsigned",
  MediumInt: "mediumint",
  UnsignedMediumInt: "mediumint unsigned",
  Int: "int",
  UnsignedInt: "int unsigned",
  BigInt: "bigint",
  UnsignedBigInt: "bigint unsigned",
};

function readSchemaDatamodel(): Datamodel {
  const result = getDMMF({ datamodel: readFileSync(SCHEMA_FILE, "utf8") });
  if ("error" in result) throw new Error(`prisma/schema.prisma does not parse: ${result.reason}`);
  return result.datamodel;
}

function columnTypeOf(field: Field): string {
  const native = field.nativeType;
  if (!native) return DEFAULT_COLUMN_TYPES[field.type] ?? `(no default type for ${field.type})`;
  const [name, args] = native;
  if (field.type === "Boolean" && name === "TinyInt") return "tinyint(1)";
  const integer = INTEGER_NATIVE_TYPES[name];
  if (integer) return integer;
  const lower = name.toLowerCase();
  // information_schema writes DATETIME(0) as plain `datetime`.
  if (["DateTime", "Timestamp", "Time"].includes(name)) return args[0] && args[0] !== "0" ? `${lower}(${args[0]})` : lower;
  return args.length > 0 ? `${lower}(${args.join(",")})` : lower;
}

function defaultOf(field: Field, type: string): string | null {
  const value = field.default;
  if (value === undefined || value === null) return null;
  if (typeof value === "boolean") return value ? "1" : "0";
  if (typeof value !== "object") return String(value);
  if (!("name" in value)) return "(unsupported list default)";
  if (value.name === "autoincrement") return "autoincrement";
  if (value.name === "now") return `current_timestamp(${/\((\d+)\)/.exec(type)?.[1] ?? "0"})`;
  return `(unsupported default ${value.name}())`;
}

/** Prisma's names when no `map:` is given: <table>_<columns>_key / _idx. */
function defaultIndexName(table: string, columns: string[], type: string): string {
  return `${table}_${columns.join("_")}_${type === "unique" ? "key" : "idx"}`;
}

function shapeFromSchema(datamodel: Datamodel): SchemaShape {
  const shape: SchemaShape = new Map();
  const tableOf = new Map<string, { table: string; column: Map<string, string> }>();
  for (const model of datamodel.models) {
    const table = model.dbName ?? model.name;
    const columns = new Map<string, ColumnShape>();
    const column = new Map<string, string>();
    for (const field of model.fields.filter((f) => f.kind === "scalar" || f.kind === "enum")) {
      const name = field.dbName ?? field.name;
      const type = columnTypeOf(field);
      column.set(field.name, name);
      columns.set(name, { type, nullable: !field.isRequired, default: defaultOf(field, type) });
    }
    tableOf.set(model.name, { table, column });
    shape.set(table, { columns, primaryKey: [], uniques: new Map(), indexes: new Map() });
  }
  for (const index of datamodel.indexes) {
    const owner = tableOf.get(index.model);
    const table = owner && shape.get(owner.table);
    if (!owner || !table) continue;
    const columns = index.fields.map((f) => owner.column.get(f.name) ?? f.name);
    const name = index.dbName ?? defaultIndexName(owner.table, columns, index.type);
    if (index.type === "id") table.primaryKey = columns;
    else if (index.type === "unique") table.uniques.set(name, columns);
    else table.indexes.set(name, columns);
  }
  return shape;
}

// ---- the database side ------------------------------------------------------------------------

/** MariaDB and MySQL 5.7 print integer display widths (`int(10) unsigned`); MySQL 8 does not. */
function normaliseColumnType(columnType: string): string {
  const type = columnType.toLowerCase();
  if (type.startsWith("tinyint(1)")) return type;
  return type.replace(/^(tinyint|smallint|mediumint|int|bigint)\(\d+\)/, "$1");
}

function normaliseDefault(value: string | null, extra: string): string | null {
  if (/auto_increment/i.test(extra)) return "autoincrement";
  // MariaDB reports a NULL default as the string NULL and quotes string literals; MySQL does neither.
  if (value === null || value === "NULL") return null;
  if (/^current_timestamp/i.test(value)) return value.toLowerCase().replace(/^current_timestamp(\(\))?$/, "current_timestamp(0)");
  return value.replace(/^'(.*)'$/, "$1");
}

async function shapeFromDatabase(conn: Connection, database: string): Promise<SchemaShape> {
  const shape: SchemaShape = new Map();
  const [tables] = await conn.query<RowDataPacket[]>(
    `SELECT TABLE_NAME AS name FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' AND TABLE_NAME <> '_prisma_migrations'`,
    [database],
  );
  for (const t of tables) shape.set(t.name, { columns: new Map(), primaryKey: [], uniques: new Map(), indexes: new Map() });
  const [columns] = await conn.query<RowDataPacket[]>(
    `SELECT TABLE_NAME AS t, COLUMN_NAME AS c, COLUMN_TYPE AS type, IS_NULLABLE AS nullable,
            COLUMN_DEFAULT AS dflt, EXTRA AS extra
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    [database],
  );
  for (const c of columns) {
    shape.get(c.t)?.columns.set(c.c, {
      type: normaliseColumnType(c.type),
      nullable: c.nullable === "YES",
      default: normaliseDefault(c.dflt, c.extra ?? ""),
    });
  }
  const [stats] = await conn.query<RowDataPacket[]>(
    `SELECT TABLE_NAME AS t, INDEX_NAME AS name, NON_UNIQUE AS nonUnique, COLUMN_NAME AS c
       FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
    [database],
  );
  for (const s of stats) {
    const table = shape.get(s.t);
    if (!table) continue;
    if (s.name === "PRIMARY") table.primaryKey.push(s.c);
    else {
      const target = Number(s.nonUnique) === 0 ? table.uniques : table.indexes;
      target.set(s.name, [...(target.get(s.name) ?? []), s.c]);
    }
  }
  return shape;
}

// ---- the comparison ---------------------------------------------------------------------------

const list = (columns: string[]) => `(${columns.join(", ")})`;

function compareColumns(table: string, schema: TableShape, db: TableShape): string[] {
  const out: string[] = [];
  for (const [name, want] of schema.columns) {
    const got = db.columns.get(name);
    if (!got) {
      out.push(`${table}.${name}: in the schema, missing from the database`);
      continue;
    }
    if (want.type !== got.type) out.push(`${table}.${name}: type schema ${want.type}, db ${got.type}`);
    if (want.nullable !== got.nullable) {
      out.push(`${table}.${name}: schema ${want.nullable ? "NULL" : "NOT NULL"}, db ${got.nullable ? "NULL" : "NOT NULL"}`);
    }
    if (want.default !== got.default) out.push(`${table}.${name}: default schema ${want.default}, db ${got.default}`);
  }
  for (const name of db.columns.keys()) {
    if (!schema.columns.has(name)) out.push(`${table}.${name}: in the database, not in the schema`);
  }
  return out;
}

function compareIndexes(table: string, kind: string, schema: Map<string, string[]>, db: Map<string, string[]>): string[] {
  const out: string[] = [];
  for (const [name, columns] of schema) {
    const got = db.get(name);
    if (!got) out.push(`${table}: ${kind} ${name} ${list(columns)} missing from the database`);
    else if (list(got) !== list(columns)) out.push(`${table}: ${kind} ${name} schema ${list(columns)}, db ${list(got)}`);
  }
  for (const [name, columns] of db) {
    if (!schema.has(name)) out.push(`${table}: ${kind} ${name} ${list(columns)} in the database, not in the schema`);
  }
  return out;
}

function compareShapes(schema: SchemaShape, db: SchemaShape): string[] {
  const out: string[] = [];
  for (const [table, want] of schema) {
    const got = db.get(table);
    if (!got) {
      out.push(`${table}: in the schema, missing from the database`);
      continue;
    }
    out.push(...compareColumns(table, want, got));
    if (list(want.primaryKey) !== list(got.primaryKey)) {
      out.push(`${table}: primary key schema ${list(want.primaryKey)}, db ${list(got.primaryKey)}`);
    }
    out.push(...compareIndexes(table, "unique index", want.uniques, got.uniques));
    out.push(...compareIndexes(table, "index", want.indexes, got.indexes));
  }
  for (const table of db.keys()) if (!schema.has(table)) out.push(`${table}: in the database, not in the schema`);
  return out;
}

function report(mismatches: string[]): string {
  return `${mismatches.length} mismatch(es) between prisma/schema.prisma and the migrated database:\n${mismatches
    .map((m) => `  - ${m}`)
    .join("\n")}`;
}

// ---- the suite --------------------------------------------------------------------------------

let db: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
let pool: Pool | undefined;
let redis: RedisClient | undefined;
let conn: Connection | undefined;
let databaseName = "";
let consumers: AnyConsumer[] = [];

test.before(async () => {
  db = await createTestDatabase("drift");
  const log = createLogger("warn");
  await applyMigrations({ databaseUrl: db.url, log });
  pool = createPool(db.url, 2);
  redis = createRedis({ url: await redisUrl() });
  // Every group of consumers/, whose declared tables workers and `ichnos migrate` create.
  const keys = createKeys(uniquePrefix("drift"), 2);
  consumers = await consumerRegistry({ pool, redis, keys, regions: lazyRegionLookup(), stationBatch: 10 }).all();
  await createConsumerTables({ pool, log }, consumers);
  conn = await mysql.createConnection(toConnectionOptions(db.url));
  databaseName = decodeURIComponent(new URL(db.url).pathname.slice(1));
});

test.after(async () => {
  await conn?.end();
  if (redis) await closeRedis(redis);
  await pool?.end();
  await db?.drop();
});

/** Tables consumer files declare with their definitions (the schema does not describe those). */
const declaredTables = () => new Set(consumers.flatMap((c) => [...tableDefinitions(c).keys()]));

test("every table is described by the schema or declared by its consumer, and every consumer's tables exist", async () => {
  const schema = [...shapeFromSchema(readSchemaDatamodel()).keys()];
  const declared = declaredTables();
  assert.equal(schema.filter((t) => declared.has(t)), [], "a consumer declares a table the migrations create");
  const database = [...(await shapeFromDatabase(conn!, databaseName)).keys()].sort();
  assert.equal(database, [...schema, ...declared].sort());
  const missing = consumers.flatMap((c) => tableNames(c).filter((t) => !database.includes(t)).map((t) => `${c.name}: ${t}`));
  assert.equal(missing, [], "tables consumers own that neither the schema nor a declaration creates");
  // The built-in groups own the projection tables of SPEC §5 (and ours for NR).
  assert.ok(consumers.some((c) => tableNames(c).includes("wifi_shard_0")) && consumers.some((c) => tableNames(c).includes("datamap_ne")));
});

test("the migrated database matches prisma/schema.prisma exactly", async () => {
  const db = await shapeFromDatabase(conn!, databaseName);
  for (const t of declaredTables()) db.delete(t);
  const mismatches = compareShapes(shapeFromSchema(readSchemaDatamodel()), db);
  assert.ok(mismatches.length === 0, report(mismatches));
});

test("the comparison notices a changed column type and a dropped index", async () => {
  await conn!.query("ALTER TABLE api_key MODIFY fallback_name VARCHAR(41) NULL");
  await conn!.query("ALTER TABLE wifi_shard_3 DROP INDEX wifi_shard_3_latlon_idx");
  const db = await shapeFromDatabase(conn!, databaseName);
  for (const t of declaredTables()) db.delete(t);
  const mismatches = compareShapes(shapeFromSchema(readSchemaDatamodel()), db);
  assert.equal(mismatches, [
    "api_key.fallback_name: type schema varchar(40), db varchar(41)",
    "wifi_shard_3: index wifi_shard_3_latlon_idx (lat, lon) missing from the database",
  ]);
});

test.run();
