/**
 * Reverse geocoding (SPEC §4.11) over the borders shipped by @rapideditor/country-coder, built
 * once at load time; no geometry lives in this repository.
 *
 * Ichnaea's buffered file was `region.buffer(0.5)` in plain lon/lat degrees (its
 * `scripts/region_json.py`), so "in the buffered shape" here is: inside the precise shape, or
 * within 0.5° planar distance of its boundary. Differences from Ichnaea's own files, which came
 * from Natural Earth 50 m subunits: country-coder's borders are much coarser on land and include
 * generalised territorial waters, so points close to a border or a coast can code differently
 * (see test/unit/regions.test.ts).
 */
import { borders } from "@rapideditor/country-coder";
import Flatbush from "flatbush";
import { all as allOperators } from "mcc-mnc-list";
import { distance } from "./distance.ts";
import type { RegionLookup } from "./region-lookup.ts";
import { roundHalfEven } from "./round.ts";

const BUFFER_DEGREES = 0.5;

/** GENC alpha-2 codes (the `genc` package Ichnaea filtered its shapes with). */
const GENC = new Set(
  `AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT
  BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CP CR CU CV CW CX CY CZ DE DG DJ DK DM DO DZ EC
  EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK
  HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB
  LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ
  NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PT PW PY QA QM QS QW QX QZ
  RE RO RS RU RW SA SB SC SD SE SG SH SI SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK
  TL TM TN TO TR TT TV TW TZ UA UG US UY UZ VA VC VE VG VI VN VU WF WS XA XB XC XD XE XG XH XJ XK
  XL XM XP XQ XR XS XT XU XV XW YE YT ZA ZM ZW`.split(/\s+/),
);

/**
 * Codes country-coder uses that GENC spells differently, as Ichnaea's region_json.py mapped them:
 * all of Palestine (Gaza included) is XW, Svalbard and Jan Mayen are XR. Every other non-GENC
 * code falls back to its parent country (AX → FI, UM → US, EA → ES), and subterritories roll up
 * to their territory (DG → IO, AC/TA → SH, CQ → GG, CP/FX → FR), like Natural Earth's subunits.
 * Northern Cyprus has no code in country-coder; Natural Earth filed it under CYP. Bir Tawil (no
 * country) stays unassigned. AQ is left out: country-coder's Antarctica is the treaty area (all
 * of the ocean south of 60° S), not Ichnaea's land shape, and would claim (−60, 11) (SPEC §4.11).
 */
const CODE_MAP: Readonly<Record<string, string>> = { PS: "XW", SJ: "XR" };
const FEATURE_CODES: Readonly<Record<string, string>> = { Q23681: "CY" };
const LEVEL_RANK: Readonly<Record<string, number>> = { territory: 1, country: 2 };

type Border = (typeof borders.features)[number];

interface Part {
  readonly code: number;
  readonly rings: readonly Float64Array[];
  readonly box: readonly [number, number, number, number];
}

interface Shapes {
  readonly codes: readonly string[];
  readonly codeIndex: ReadonlyMap<string, number>;
  readonly parts: readonly Part[];
  readonly partTree: Flatbush;
  /** Boundary edges of each region's union, 4 numbers (x1, y1, x2, y2) per edge. */
  readonly edges: Float64Array;
  readonly edgeCode: Uint16Array;
  readonly edgeTree: Flatbush;
  readonly vertices: readonly Float64Array[];
  readonly radius: ReadonlyMap<string, number>;
}

function territoryCode(feature: Border, byId: ReadonlyMap<string, Border>): string | undefined {
  const own = feature.properties;
  if (own.iso1A2 && own.level !== "subterritory") return own.iso1A2;
  const ranked = own.groups
    .map((id) => byId.get(id)?.properties)
    .filter((p) => p?.iso1A2 && LEVEL_RANK[p.level] !== undefined)
    .sort((a, b) => LEVEL_RANK[a!.level]! - LEVEL_RANK[b!.level]!);
  return ranked[0]?.iso1A2;
}

function regionCode(feature: Border, byId: ReadonlyMap<string, Border>): string | null {
  const fixed = FEATURE_CODES[feature.properties.id];
  if (fixed) return fixed;
  const code = territoryCode(feature, byId);
  if (!code || code === "AQ") return null;
  const mapped = CODE_MAP[code] ?? code;
  if (GENC.has(mapped)) return mapped;
  const parent = feature.properties.country;
  return parent && GENC.has(parent) ? parent : null;
}

function polygonsOf(feature: Border): number[][][][] {
  const g = feature.geometry;
  if (g?.type === "MultiPolygon") return g.coordinates;
  if (g?.type === "Polygon") return [g.coordinates];
  return [];
}

function regionPolygons(): Map<string, number[][][][]> {
  const byId = new Map(borders.features.map((f) => [f.properties.id, f]));
  const out = new Map<string, number[][][][]>();
  for (const feature of borders.features) {
    const polygons = polygonsOf(feature);
    const code = polygons.length > 0 ? regionCode(feature, byId) : null;
    if (code) out.set(code, [...(out.get(code) ?? []), ...polygons]);
  }
  return out;
}

function toPart(code: number, polygon: number[][][]): Part {
  const rings = polygon.map((ring) => Float64Array.from(ring.flat()));
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < rings[0]!.length; i += 2) {
    const x = rings[0]![i]!;
    const y = rings[0]![i + 1]!;
    [minX, minY, maxX, maxY] = [Math.min(minX, x), Math.min(minY, y), Math.max(maxX, x), Math.max(maxY, y)];
  }
  return { code, rings, box: [minX, minY, maxX, maxY] };
}

function edgeTree(edges: Float64Array): Flatbush {
  const tree = new Flatbush(edges.length / 4);
  for (let i = 0; i < edges.length; i += 4) {
    const [x1, y1, x2, y2] = [edges[i]!, edges[i + 1]!, edges[i + 2]!, edges[i + 3]!];
    tree.add(Math.min(x1, x2) - BUFFER_DEGREES, Math.min(y1, y2) - BUFFER_DEGREES,
      Math.max(x1, x2) + BUFFER_DEGREES, Math.max(y1, y2) + BUFFER_DEGREES);
  }
  tree.finish();
  return tree;
}

function buildShapes(): Shapes {
  const polygonsByCode = [...regionPolygons()].sort(([a], [b]) => (a < b ? -1 : 1));
  const codes = polygonsByCode.map(([code]) => code);
  const parts = polygonsByCode.flatMap(([, polygons], i) => polygons.map((p) => toPart(i, p)));
  const partTree = new Flatbush(parts.length);
  for (const { box } of parts) {
    partTree.add(box[0] - BUFFER_DEGREES, box[1] - BUFFER_DEGREES, box[2] + BUFFER_DEGREES, box[3] + BUFFER_DEGREES);
  }
  partTree.finish();
  const rings = polygonsByCode.map(([, polygons]) => boundaryRings(polygons));
  const edgeList: number[] = [];
  const edgeCodes: number[] = [];
  rings.forEach((codeRings, i) => {
    for (const ring of codeRings) {
      for (let j = 0; j + 3 < ring.length; j += 2) {
        edgeList.push(ring[j]!, ring[j + 1]!, ring[j + 2]!, ring[j + 3]!);
        edgeCodes.push(i);
      }
    }
  });
  const edges = Float64Array.from(edgeList);
  const radius = new Map(codes.map((code, i) => [code, Math.max(...rings[i]!.map(ringRadius))]));
  const vertices = rings.map((codeRings) => Float64Array.from(codeRings.flatMap((r) => [...r])));
  return {
    codes, codeIndex: new Map(codes.map((c, i) => [c, i])), parts, partTree,
    edges, edgeCode: Uint16Array.from(edgeCodes), edgeTree: edgeTree(edges), vertices, radius,
  };
}

/**
 * The rings of the union of a region's polygons. Ichnaea unioned each region's subunits before
 * taking boundaries; country-coder's parts (England, Scotland, …) share identical edges, so
 * dropping every edge used twice and re-linking the rest gives the union's boundary.
 */
function boundaryRings(polygons: number[][][][]): Float64Array[] {
  const ids = new Map<number, Map<number, number>>();
  const coords: number[] = [];
  const vertexId = (x: number, y: number): number => {
    const column = ids.get(x) ?? ids.set(x, new Map()).get(x)!;
    const known = column.get(y);
    if (known !== undefined) return known;
    column.set(y, coords.length / 2);
    return coords.push(x, y) / 2 - 1;
  };
  const edgeKey = (a: number, b: number): number => Math.min(a, b) * 2 ** 26 + Math.max(a, b);
  const uses = new Map<number, number>();
  const edges: [number, number][] = [];
  for (const ring of polygons.flat()) {
    for (let i = 0; i + 1 < ring.length; i++) {
      const [a, b] = [vertexId(ring[i]![0]!, ring[i]![1]!), vertexId(ring[i + 1]![0]!, ring[i + 1]![1]!)];
      if (a === b) continue;
      uses.set(edgeKey(a, b), (uses.get(edgeKey(a, b)) ?? 0) + 1);
      edges.push([a, b]);
    }
  }
  return linkRings(edges.filter(([a, b]) => uses.get(edgeKey(a, b)) === 1), coords);
}

function linkRings(edges: readonly (readonly [number, number])[], coords: readonly number[]): Float64Array[] {
  const at = new Map<number, number[]>();
  edges.forEach(([a, b], i) => {
    for (const v of [a, b]) at.get(v)?.push(i) ?? at.set(v, [i]);
  });
  const used = new Uint8Array(edges.length);
  const rings: Float64Array[] = [];
  for (let first = 0; first < edges.length; first++) {
    if (used[first]) continue;
    used[first] = 1;
    const [start, second] = edges[first]!;
    const ring = [start, second];
    for (let v = second; v !== start; ) {
      const next = at.get(v)!.find((i) => !used[i]);
      if (next === undefined) break;
      used[next] = 1;
      const [a, b] = edges[next]!;
      v = a === v ? b : a;
      ring.push(v);
    }
    rings.push(Float64Array.from(ring.flatMap((v) => [coords[v * 2]!, coords[v * 2 + 1]!])));
  }
  return rings;
}

/**
 * Ichnaea's `radius` property: per boundary ring, the farthest vertex from the plain mean of the
 * ring's coordinates (closing vertex included, as numpy saw it); the region's radius is the
 * largest of those, rounded half-even to whole kilometres.
 */
function ringRadius(ring: Float64Array): number {
  let [sumLat, sumLon] = [0, 0];
  for (let i = 0; i < ring.length; i += 2) [sumLon, sumLat] = [sumLon + ring[i]!, sumLat + ring[i + 1]!];
  const [lat, lon] = [sumLat / (ring.length / 2), sumLon / (ring.length / 2)];
  let max = 0;
  for (let i = 0; i < ring.length; i += 2) max = Math.max(max, distance(lat, lon, ring[i + 1]!, ring[i]!));
  return max;
}

function inPart(part: Part, x: number, y: number): boolean {
  const [minX, minY, maxX, maxY] = part.box;
  if (x < minX || x > maxX || y < minY || y > maxY) return false;
  let inside = false;
  for (const ring of part.rings) {
    for (let i = 0, j = ring.length - 2; i < ring.length; j = i, i += 2) {
      const yi = ring[i + 1]!;
      const yj = ring[j + 1]!;
      if (yi > y === yj > y) continue;
      const xi = ring[i]!;
      if (x < ((ring[j]! - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

function nearEdge(edges: Float64Array, i: number, x: number, y: number): boolean {
  const [x1, y1] = [edges[i * 4]!, edges[i * 4 + 1]!];
  const [dx, dy] = [edges[i * 4 + 2]! - x1, edges[i * 4 + 3]! - y1];
  const t = Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)));
  return (x1 + t * dx - x) ** 2 + (y1 + t * dy - y) ** 2 <= BUFFER_DEGREES ** 2;
}

/** Codes whose boundary passes within the buffer distance of the point (optionally just one). */
function nearCodes(s: Shapes, x: number, y: number, only?: number): Set<number> {
  const found = new Set<number>();
  for (const i of s.edgeTree.search(x, y, x, y)) {
    const code = s.edgeCode[i]!;
    if ((only === undefined || code === only) && !found.has(code) && nearEdge(s.edges, i, x, y)) found.add(code);
  }
  return found;
}

/** Region codes containing the point (precise shapes), and all codes whose buffered envelope does. */
function locate(s: Shapes, x: number, y: number): { candidates: Set<number>; inside: Set<number> } {
  const candidates = new Set<number>();
  const inside = new Set<number>();
  for (const i of s.partTree.search(x, y, x, y)) {
    const part = s.parts[i]!;
    candidates.add(part.code);
    if (!inside.has(part.code) && inPart(part, x, y)) inside.add(part.code);
  }
  return { candidates, inside };
}

/** SPEC §4.11 steps 4–5: the code owning the nearest (or farthest) boundary vertex. */
function vertexTieBreak(s: Shapes, codes: Iterable<number>, lat: number, lon: number, farthest: boolean): string {
  let best = farthest ? -1 : Infinity;
  let bestCode = -1;
  for (const code of codes) {
    const v = s.vertices[code]!;
    for (let i = 0; i < v.length; i += 2) {
      const d = distance(v[i + 1]!, v[i]!, lat, lon);
      if (farthest ? d >= best : d <= best) [best, bestCode] = [d, code];
    }
  }
  return s.codes[bestCode]!;
}

function regionAt(s: Shapes, lat: number, lon: number): string | null {
  const { candidates, inside } = locate(s, lon, lat);
  if (candidates.size === 0) return null;
  // Buffered shapes contain their precise shapes, so one precise match settles steps 2–3 and
  // several go straight to step 5; only points outside every precise shape need the buffers.
  if (inside.size === 1) return s.codes[[...inside][0]!]!;
  if (inside.size > 1) return vertexTieBreak(s, inside, lat, lon, true);
  const near = nearCodes(s, lon, lat);
  if (near.size === 0) return null;
  if (near.size === 1) return s.codes[[...near][0]!]!;
  return vertexTieBreak(s, near, lat, lon, false);
}

function inRegionAt(s: Shapes, lat: number, lon: number, code: string): boolean {
  const c = s.codeIndex.get(code);
  if (c === undefined) return false;
  for (const i of s.partTree.search(lon, lat, lon, lat)) {
    const part = s.parts[i]!;
    if (part.code === c && inPart(part, lon, lat)) return true;
  }
  return nearCodes(s, lon, lat, c).size > 0;
}

/**
 * Ichnaea read MCCs from `mobile_codes`; mcc-mnc-list lists operators by their home country, so
 * it misses where neighbours share an MCC. These are the SPEC §3.2.1 multi-region pairs the
 * package lacks (208 MC, 222 VA/SM, 228 LI, 244 AX, 274 FO, 542 NR, 604 EH, 647 TF) plus MCCs it
 * has no country for (430/431 AE, 995 IO). The package adds pairs mobile_codes did not have:
 * 255 RU (Crimean operators) and 338 KY/MS; they are kept as maintained data.
 */
const MCC_SUPPLEMENT: Readonly<Record<number, string>> = {
  208: "MC", 222: "VA SM", 228: "LI", 244: "AX", 274: "FO", 430: "AE", 431: "AE", 542: "NR", 604: "EH",
  647: "TF", 995: "IO",
};

function buildMccRegions(valid: ReadonlySet<string>): Map<number, readonly string[]> {
  const raw = new Map<number, Set<string>>();
  const add = (mcc: number, country: string): void => {
    // "GE-AB" (Abkhazia) is filed under its parent; PS is XW, as Ichnaea's MCC_TO_GENC_MAP.
    const code = country.split("-")[0]!;
    raw.set(mcc, (raw.get(mcc) ?? new Set()).add(code === "PS" ? "XW" : code));
  };
  for (const op of allOperators()) {
    if (op.countryCode && /^\d{3}$/.test(op.mcc)) for (const c of op.countryCode.split("/")) add(Number(op.mcc), c);
  }
  for (const [mcc, codes] of Object.entries(MCC_SUPPLEMENT)) for (const c of codes.split(" ")) add(Number(mcc), c);
  const out = new Map<number, readonly string[]>();
  for (const [mcc, codes] of raw) out.set(mcc, Object.freeze([...codes].filter((c) => valid.has(c)).sort()));
  return out;
}

export function createRegionLookup(): RegionLookup {
  const s = buildShapes();
  const mccs = buildMccRegions(new Set(s.codes));
  const lookup: RegionLookup = {
    region: (lat, lon) => regionAt(s, lat, lon),
    inRegion: (lat, lon, code) => inRegionAt(s, lat, lon, code),
    anyRegion: (lat, lon) => locate(s, lon, lat).inside.size > 0 || nearCodes(s, lon, lat).size > 0,
    regionForCell(lat, lon, mcc) {
      const codes = lookup.mccRegions(mcc).filter((code) => inRegionAt(s, lat, lon, code));
      if (codes.length < 2) return codes[0] ?? null;
      return regionAt(s, lat, lon);
    },
    mccRegions: (mcc) => mccs.get(mcc) ?? [],
    maxRadius(code) {
      const r = s.radius.get(code);
      return r === undefined ? null : roundHalfEven(r / 1000) * 1000;
    },
  };
  return lookup;
}

let shared: RegionLookup | undefined;

/** The process-wide lookup; the indexes are built on first use (~100 ms). */
export function getRegionLookup(): RegionLookup {
  shared ??= createRegionLookup();
  return shared;
}
