/**
 * Writes the world's stations into the scratch database fast: multi-row `INSERT INTO <table>
 * (<the columns of src/db/stations.ts columnsOf>) VALUES (…), (…)` of `batch` rows, the SQL text
 * built here (numbers, X'…' ids, date literals: no per-value escaping in mysql2), over a few
 * connections with unique_checks off. Rows go in primary-key order per table (the Wi-Fi and
 * beacon arrays are sorted by MAC), so the clustered index is appended to. Also the cell areas
 * (`cell_area`, `cell_area_nr`), computed from the cells as the cell-area projection would.
 */
import { columnsOf } from "../../../src/db/stations.ts";
import { createPool } from "../../../src/db/pool.ts";
import { areaTable, stationTable } from "../../../src/db/station-tables.ts";
import { encodeAreaId, encodeCellId, RADIO_CODES } from "../../../src/domain/observation/cell-id.ts";
import { SOURCE_CODES } from "../../../src/domain/station/station-row.ts";
import { CELL_RADIOS, M_PER_DEG, MCC, type Cells, type MacStations, macHex, macShardOf, type World } from "./stations.ts";

const DAY_MS = 86_400_000;

export interface LoadResult {
  readonly rows: Record<string, number>;
  readonly statements: number;
  readonly ms: number;
}

const dt = (ms: number) => `'${new Date(ms).toISOString().slice(0, 19).replace("T", " ")}'`;
const day = (ms: number) => `'${new Date(ms).toISOString().slice(0, 10)}'`;
const f7 = (v: number) => v.toFixed(7);

interface Chunk {
  readonly table: string;
  readonly columns: readonly string[];
  readonly count: number;
  /** Builds the VALUES tuples when the chunk is written (keeps memory flat). */
  readonly values: () => string;
}

/** One row's 17 field columns (FIELD_COLUMNS order of src/db/stations.ts). */
function fields(world: World, now: number, s: {
  sx: number; sy: number; radius: number; samples: number; createdAgo: number; seenAgo: number; hourFrac: number;
}): string {
  const lat = world.toLat(s.sy);
  const lon = world.toLon(s.sx);
  const dLat = s.radius / M_PER_DEG;
  const dLon = s.radius / (M_PER_DEG * world.cosLat);
  const created = now - s.createdAgo * DAY_MS - Math.floor(s.hourFrac * DAY_MS);
  // Modified some hours before "now minus seenAgo days", never in the future.
  const modified = Math.min(now - 60_000, now - s.seenAgo * DAY_MS - Math.floor(s.hourFrac * 6 * 3_600_000));
  return `${f7(lat + dLat)},${f7(lat - dLat)},${f7(lon + dLon)},${f7(lon - dLon)},${f7(lat)},${f7(lon)},${dt(created)},${dt(modified)},` +
    `${s.radius},'DE',${s.samples},${SOURCE_CODES.gnss},${s.samples},${day(modified)},NULL,NULL,NULL`;
}

function macChunks(world: World, kind: "wifi" | "blue", st: MacStations, now: number, batch: number): Chunk[] {
  const perShard = new Map<string, number[]>();
  for (let i = 0; i < st.count; i++) {
    const shard = macShardOf(st.mac[i]!);
    const list = perShard.get(shard);
    if (list) list.push(i);
    else perShard.set(shard, [i]);
  }
  const chunks: Chunk[] = [];
  // The world's stations have no move candidate: the move_* columns stay NULL.
  const columns = columnsOf(kind).filter((c) => !c.startsWith("move_"));
  for (const [shard, idx] of perShard) {
    for (let k = 0; k < idx.length; k += batch) {
      const part = idx.slice(k, k + batch);
      chunks.push({
        table: stationTable(kind, shard), columns, count: part.length,
        values: () => part.map((i) => `(${fields(world, now, {
          sx: st.sx[i]!, sy: st.sy[i]!, radius: st.radius[i]!, samples: st.samples[i]!, createdAgo: st.createdAgo[i]!,
          seenAgo: st.seenAgo[i]!, hourFrac: (i * 0.618034) % 1,
        })},X'${macHex(st.mac[i]!)}')`).join(","),
      });
    }
  }
  return chunks;
}

function cellChunks(world: World, cells: Cells, now: number, batch: number): Chunk[] {
  const perRadio = new Map<number, { i: number; id: Buffer }[]>();
  for (let i = 0; i < cells.count; i++) {
    const radio = CELL_RADIOS[cells.radio[i]!]!;
    const id = encodeCellId({ radio, mcc: MCC, mnc: cells.mnc[i]!, lac: cells.lac[i]!, cid: cells.cid[i]! });
    const list = perRadio.get(cells.radio[i]!);
    if (list) list.push({ i, id });
    else perRadio.set(cells.radio[i]!, [{ i, id }]);
  }
  const chunks: Chunk[] = [];
  const columns = columnsOf("cell");
  for (const [r, list] of perRadio) {
    const radio = CELL_RADIOS[r]!;
    list.sort((a, b) => Buffer.compare(a.id, b.id));
    for (let k = 0; k < list.length; k += batch) {
      const part = list.slice(k, k + batch);
      chunks.push({
        table: stationTable("cell", radio), columns, count: part.length,
        values: () => part.map(({ i, id }) => `(${fields(world, now, {
          sx: cells.sx[i]!, sy: cells.sy[i]!, radius: cells.radius[i]!, samples: cells.samples[i]!,
          createdAgo: cells.createdAgo[i]!, seenAgo: cells.seenAgo[i]!, hourFrac: (i * 0.618034) % 1,
        })},X'${id.toString("hex")}',${RADIO_CODES[radio]},${MCC},${cells.mnc[i]!},${cells.lac[i]!},${cells.cid[i]!},` +
          `${cells.psc[i]! >= 0 ? cells.psc[i]! : "NULL"})`).join(","),
      });
    }
  }
  return chunks;
}

const AREA_COLUMNS = ["areaid", "radio", "mcc", "mnc", "lac", "lat", "lon", "radius", "region", "avg_cell_radius", "num_cells", "created", "modified", "last_seen"];

/** One area per (radio, mnc, lac): centre of its cells, radius the farthest cell, as the cell-area projection keeps them. */
function areaChunks(world: World, cells: Cells, now: number): Chunk[] {
  const groups = new Map<string, number[]>();
  for (let i = 0; i < cells.count; i++) {
    const key = `${cells.radio[i]}/${cells.mnc[i]}/${cells.lac[i]}`;
    const list = groups.get(key);
    if (list) list.push(i);
    else groups.set(key, [i]);
  }
  const perTable = new Map<string, string[]>();
  for (const list of groups.values()) {
    const first = list[0]!;
    const radio = CELL_RADIOS[cells.radio[first]!]!;
    const x = list.reduce((s, i) => s + cells.sx[i]!, 0) / list.length;
    const y = list.reduce((s, i) => s + cells.sy[i]!, 0) / list.length;
    const radius = Math.round(Math.max(...list.map((i) => Math.hypot(cells.sx[i]! - x, cells.sy[i]! - y))));
    const avg = Math.round(list.reduce((s, i) => s + cells.radius[i]!, 0) / list.length);
    const createdAgo = Math.max(...list.map((i) => cells.createdAgo[i]!));
    const seenAgo = Math.min(...list.map((i) => cells.seenAgo[i]!));
    const modified = Math.min(now - 60_000, now - seenAgo * DAY_MS);
    const id = encodeAreaId({ radio, mcc: MCC, mnc: cells.mnc[first]!, lac: cells.lac[first]! });
    const row = `(X'${id.toString("hex")}',${RADIO_CODES[radio]},${MCC},${cells.mnc[first]!},${cells.lac[first]!},` +
      `${f7(world.toLat(y))},${f7(world.toLon(x))},${radius},'DE',${avg},${list.length},${dt(now - createdAgo * DAY_MS)},${dt(modified)},${day(modified)})`;
    const table = areaTable(radio);
    const rows = perTable.get(table);
    if (rows) rows.push(row);
    else perTable.set(table, [row]);
  }
  return [...perTable].map(([table, rows]) => ({ table, columns: AREA_COLUMNS, count: rows.length, values: () => rows.join(",") }));
}

/** Interleaves the chunks of different tables so concurrent writers rarely share a table. */
function interleave(chunks: readonly Chunk[]): Chunk[] {
  const byTable = new Map<string, Chunk[]>();
  for (const c of chunks) {
    const list = byTable.get(c.table);
    if (list) list.push(c);
    else byTable.set(c.table, [c]);
  }
  const lists = [...byTable.values()];
  const out: Chunk[] = [];
  for (let k = 0; out.length < chunks.length; k++) for (const l of lists) if (l[k]) out.push(l[k]!);
  return out;
}

export async function loadStations(
  databaseUrl: string, world: World, options: { connections: number; batch: number; now: number },
  progress: (message: string) => void,
): Promise<LoadResult> {
  const { now, batch } = options;
  const chunks = interleave([
    ...macChunks(world, "wifi", world.wifi, now, batch),
    ...macChunks(world, "blue", world.beacons, now, batch),
    ...cellChunks(world, world.cells, now, batch),
    ...areaChunks(world, world.cells, now),
  ]);
  const total = chunks.reduce((n, c) => n + c.count, 0);
  const rows: Record<string, number> = {};
  const pool = createPool(databaseUrl, options.connections);
  const started = performance.now();
  let next = 0;
  let written = 0;
  let lastReport = started;
  try {
    const worker = async () => {
      const conn = await pool.getConnection();
      try {
        await conn.query("SET SESSION unique_checks = 0, foreign_key_checks = 0");
        while (next < chunks.length) {
          const c = chunks[next++]!;
          await conn.query(`INSERT INTO \`${c.table}\` (${c.columns.join(", ")}) VALUES ${c.values()}`);
          const family = c.table.replace(/_shard_[0-9a-f]$/, "").replace(/^cell_(?:gsm|wcdma|lte|nr)$/, "cell").replace(/^cell_area(?:_nr)?$/, "cell_area");
          rows[family] = (rows[family] ?? 0) + c.count;
          written += c.count;
          if (performance.now() - lastReport > 10_000) {
            lastReport = performance.now();
            progress(`  ${Math.round((written / total) * 100)}% (${written.toLocaleString("en-US")} rows, ${Math.round((lastReport - started) / 1000)} s)`);
          }
        }
      } finally {
        conn.release();
      }
    };
    await Promise.all(Array.from({ length: options.connections }, worker));
  } finally {
    await pool.end();
  }
  return { rows, statements: chunks.length, ms: performance.now() - started };
}
