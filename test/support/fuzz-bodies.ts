/**
 * Seeded generator of malformed request bodies for the endpoint fuzz suite. A case depends only
 * on (seed, index), so one failing request can be regenerated alone. Bodies start from a valid
 * request of the endpoint's schema (SPEC §3.1, §4.1) or a real client fixture, then get random
 * tree mutations (wrong types per SPEC §1.5, nulls, non-finite tokens, huge numbers, long
 * strings, deep nesting, duplicate keys, thousands of items), byte mutations (truncation,
 * garbage, invalid UTF-8) and encoding mutations (gzip, charsets).
 */
import { gzipSync } from "node:zlib";
import { prng } from "../../src/util/prng.ts";

export type Leaf = "int" | "float" | "string" | "bool" | "mac" | "radio" | "source" | "iso";
export type Shape = Leaf | { readonly obj: Readonly<Record<string, Shape>> } | { readonly arr: Shape };
export type SchemaName = "v2" | "v1" | "v0" | "locate";

const obj = (fields: Record<string, Shape>): Shape => ({ obj: fields });
const arr = (of: Shape): Shape => ({ arr: of });
const ints = (...names: string[]): Record<string, Shape> => Object.fromEntries(names.map((n) => [n, "int"]));
const floats = (...names: string[]): Record<string, Shape> => Object.fromEntries(names.map((n) => [n, "float"]));

const POSITION = { ...floats("latitude", "longitude", "accuracy", "altitude", "altitudeAccuracy", "heading", "pressure", "speed"), age: "int", source: "source" } as const;
const BLUE = { macAddress: "mac", ...ints("age", "signalStrength"), name: "string" } as const;
const CELL_V2 = { radioType: "radio", ...ints("mobileCountryCode", "mobileNetworkCode", "locationAreaCode", "cellId", "age", "asu", "primaryScramblingCode", "serving", "signalStrength", "timingAdvance") } as const;
const WIFI = { macAddress: "mac", ...ints("age", "channel", "frequency", "signalStrength", "signalToNoiseRatio"), radioType: "string", ssid: "string" } as const;
const REPORT_TOP = { timestamp: "int", carrier: "string", ...ints("homeMobileCountryCode", "homeMobileNetworkCode"), radioType: "radio" } as const;

/** The request schemas, field by field, with the type each field must have. */
export const SCHEMAS: Readonly<Record<SchemaName, Shape>> = {
  v2: obj({ items: arr(obj({ ...REPORT_TOP, position: obj(POSITION), bluetoothBeacons: arr(obj(BLUE)), cellTowers: arr(obj(CELL_V2)), wifiAccessPoints: arr(obj(WIFI)) })) }),
  v1: obj({
    items: arr(obj({
      ...REPORT_TOP, ...POSITION, bluetoothBeacons: arr(obj(BLUE)), cellTowers: arr(obj({ ...CELL_V2, primaryScramblingCode: "int", psc: "int" })), wifiAccessPoints: arr(obj(WIFI)),
    })),
  }),
  v0: obj({
    items: arr(obj({
      ...floats("lat", "lon", "accuracy", "altitude", "altitude_accuracy", "heading", "pressure", "speed"), age: "int", time: "iso", source: "source", radio: "radio",
      blue: arr(obj({ key: "mac", ...ints("age", "signal"), name: "string" })),
      cell: arr(obj({ radio: "radio", ...ints("mcc", "mnc", "lac", "cid", "age", "asu", "psc", "serving", "signal", "ta") })),
      wifi: arr(obj({ key: "mac", ...ints("age", "channel", "frequency", "signal", "signalToNoiseRatio"), radio: "string", ssid: "string" })),
    })),
  }),
  locate: obj({
    carrier: "string", considerIp: "bool", ...ints("homeMobileCountryCode", "homeMobileNetworkCode"), radioType: "radio",
    bluetoothBeacons: arr(obj(BLUE)), cellTowers: arr(obj({ ...CELL_V2, psc: "int" })), wifiAccessPoints: arr(obj(WIFI)), fallbacks: obj({ lacf: "bool", ipf: "bool" }),
  }),
};

/** The list of each schema that keeps a report alive (an entry with a MAC). */
const NETWORK_LIST: Readonly<Record<SchemaName, string>> = { v2: "wifiAccessPoints", v1: "wifiAccessPoints", v0: "wifi", locate: "wifiAccessPoints" };

export interface FuzzRandom {
  next(): number;
  int(lo: number, hi: number): number;
  chance(p: number): boolean;
  pick<T>(list: readonly T[]): T;
}

export function createFuzzRandom(seed: number, index: number): FuzzRandom {
  // Per-case stream: a case can be rebuilt from (seed, index) without generating the earlier ones.
  const next = prng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  return { next, int, chance: (p) => next() < p, pick: (list) => list[int(0, list.length - 1)]! };
}

/** A JSON value plus tokens plain JSON cannot hold: raw text (NaN, 1e400, nesting) and duplicate keys. */
export class Raw {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}
export class DupKeys {
  readonly pairs: readonly (readonly [string, Tree])[];
  constructor(pairs: readonly (readonly [string, Tree])[]) {
    this.pairs = pairs;
  }
}
export type Tree = null | boolean | number | string | Raw | DupKeys | Tree[] | { [key: string]: Tree };

const HEX = "0123456789abcdef";
const mac = (r: FuzzRandom) => Array.from({ length: 12 }, () => r.pick([...HEX])).join("");

function validLeaf(r: FuzzRandom, leaf: Leaf): Tree {
  switch (leaf) {
    case "int": return r.int(-150, 70_000);
    case "float": return Math.round(r.next() * 180_000 - 90_000) / 1000;
    case "string": return r.pick(["", "x", "802.11n", "Vodafone", "ssid-ä-😀", "a b"]);
    case "bool": return r.chance(0.5);
    case "mac": return mac(r);
    case "radio": return r.pick(["gsm", "wcdma", "lte"]);
    case "source": return r.pick(["gnss", "fused", "fixed"]);
    case "iso": return r.pick(["2024-06-10T09:14:56.000Z", "2019-01-01T00:00:00", "2024-06-10T09:14:56+02:00"]);
  }
}

function validTree(r: FuzzRandom, shape: Shape, depth: number): Tree {
  if (typeof shape === "string") return validLeaf(r, shape);
  if ("arr" in shape) return Array.from({ length: r.int(depth === 0 ? 1 : 0, 3) }, () => validTree(r, shape.arr, depth + 1));
  const out: Record<string, Tree> = {};
  for (const [name, field] of Object.entries(shape.obj)) if (r.chance(0.5)) out[name] = validTree(r, field, depth + 1);
  return out;
}

/** A request every endpoint of the schema must accept; for submit, every item is one report. */
export function validBody(r: FuzzRandom, schema: SchemaName, items = r.int(1, 4)): { [key: string]: Tree } {
  const itemShape = schema === "locate" ? SCHEMAS.locate : ((SCHEMAS[schema] as { obj: Record<string, Shape> }).obj.items as { arr: Shape }).arr;
  const make = () => {
    const item = validTree(r, itemShape, 1) as Record<string, Tree>;
    // validTree may leave every list empty; one MAC keeps the report (SPEC §4.1 drops empty ones).
    item[NETWORK_LIST[schema]] = [{ [schema === "v0" ? "key" : "macAddress"]: mac(r) }];
    return item;
  };
  return schema === "locate" ? make() : { items: Array.from({ length: items }, make) };
}

// ---- tree mutations -------------------------------------------------------------------------

type Slot = { parent: Tree[] | Record<string, Tree>; key: string | number; value: Tree };

function slots(tree: Tree, out: Slot[] = []): Slot[] {
  if (Array.isArray(tree)) tree.forEach((value, key) => { out.push({ parent: tree, key, value }); slots(value, out); });
  else if (tree && typeof tree === "object" && !(tree instanceof Raw) && !(tree instanceof DupKeys)) {
    for (const [key, value] of Object.entries(tree)) { out.push({ parent: tree, key, value }); slots(value, out); }
  }
  return out;
}

const set = (s: Slot, value: Tree) => { (s.parent as Record<string | number, Tree>)[s.key] = value; };

function longString(r: FuzzRandom): string {
  // Log-uniform from 1 KB to ~300 KB: long enough to hurt, short enough for CI.
  const length = Math.floor(1000 * 300 ** r.next());
  const unit = r.pick(["a", "ä", "😀", "\u0000", "\\", "\"", "a82066000001", "\u2028"]);
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

function wrongValue(r: FuzzRandom, current: Tree): Tree {
  const options: Tree[] = [{}, [], "abc", "", "01", " 12 ", true, false, 0, -1, 1.5, "NaN", [1], { a: 1 }, "0x10", "1e3"];
  const picked = r.pick(options);
  return typeof picked === typeof current && !Array.isArray(current) ? r.pick([{}, [], true]) : picked;
}

const HUGE = ["1e400", "-1e400", "1e-400", "-0", "123456789012345678901234567890", "9007199254740993", "1.7976931348623157e308", "-9223372036854775809", "18446744073709551616", "0.0000000000000000000000001"];

function deepNesting(r: FuzzRandom): Raw {
  const depth = r.int(50, 20_000);
  return r.chance(0.5) ? new Raw(`${"[".repeat(depth)}${"]".repeat(depth)}`) : new Raw(`${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`);
}

/** Each mutation edits the tree in place or returns a replacement; the name goes into the label. */
const TREE_MUTATIONS: Readonly<Record<string, (r: FuzzRandom, tree: Tree) => Tree | undefined>> = {
  wrongType: (r, tree) => { for (let i = r.int(1, 3); i > 0; i--) { const s = pickSlot(r, tree); if (s) set(s, wrongValue(r, s.value)); } return undefined; },
  nullAt: (r, tree) => { const s = pickSlot(r, tree); if (s) set(s, null); return undefined; },
  nullEverywhere: (_r, tree) => { for (const s of slots(tree)) if (!s.value || typeof s.value !== "object") set(s, null); return undefined; },
  nonFinite: (r, tree) => { for (const s of slots(tree)) if (typeof s.value === "number" && r.chance(0.4)) set(s, new Raw(r.pick(["NaN", "Infinity", "-Infinity"]))); return undefined; },
  hugeNumber: (r, tree) => { for (const s of slots(tree)) if (typeof s.value === "number" && r.chance(0.4)) set(s, new Raw(r.pick(HUGE))); return undefined; },
  longString: (r, tree) => { const s = pickSlot(r, tree, (v) => typeof v === "string") ?? pickSlot(r, tree); if (s) set(s, longString(r)); return undefined; },
  deepNesting: (r, tree) => { const s = pickSlot(r, tree); if (s) set(s, deepNesting(r)); else return deepNesting(r); return undefined; },
  duplicateKeys: (r, tree) => {
    const s = pickSlot(r, tree, (v) => !!v && typeof v === "object" && !Array.isArray(v) && !(v instanceof Raw) && !(v instanceof DupKeys));
    const target = (s?.value ?? tree) as Record<string, Tree>;
    if (!target || typeof target !== "object" || Array.isArray(target)) return undefined;
    const pairs = Object.entries(target);
    const [name, value] = pairs.length > 0 ? r.pick(pairs) : ["items", []];
    const dup = new DupKeys(r.chance(0.5) ? [...pairs, [name, wrongValue(r, value)]] : [[name, wrongValue(r, value)], ...pairs]);
    if (s) set(s, dup);
    else return dup;
    return undefined;
  },
  removeField: (r, tree) => { const s = pickSlot(r, tree); if (s && !Array.isArray(s.parent)) delete (s.parent as Record<string, Tree>)[s.key]; return undefined; },
  topLevel: (r, tree) => r.pick<Tree>([[tree], [], "items", 42, true, null, [{ items: [] }], new Raw("NaN")]),
  loneSurrogate: (r, tree) => { const s = pickSlot(r, tree, (v) => typeof v === "string") ?? pickSlot(r, tree); if (s) set(s, new Raw(r.pick(['"\\ud800"', '"\\udfff\\ud800"', '"\\u0000"', '"a\\uZZZZ"']))); return undefined; },
  upperKeys: (_r, tree) => JSON.parse(JSON.stringify(tree, (_k, v) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k.toUpperCase(), x])) : v))),
};

function pickSlot(r: FuzzRandom, tree: Tree, accept: (v: Tree) => boolean = () => true): Slot | undefined {
  const all = slots(tree).filter((s) => accept(s.value));
  return all.length > 0 ? r.pick(all) : undefined;
}

// ---- serialisation --------------------------------------------------------------------------

function escapeAll(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) out += `\\u${text.charCodeAt(i).toString(16).padStart(4, "0")}`;
  return `${out}"`;
}

/** JSON text of a tree; `unicode` writes every string as \u escapes. */
export function serialize(tree: Tree, unicode = false): string {
  const str = (s: string) => (unicode ? escapeAll(s) : JSON.stringify(s));
  if (tree instanceof Raw) return tree.text;
  if (tree instanceof DupKeys) return `{${tree.pairs.map(([k, v]) => `${str(k)}:${serialize(v, unicode)}`).join(",")}}`;
  if (typeof tree === "string") return str(tree);
  if (Array.isArray(tree)) return `[${tree.map((v) => serialize(v, unicode)).join(",")}]`;
  if (tree && typeof tree === "object") return `{${Object.entries(tree).map(([k, v]) => `${str(k)}:${serialize(v, unicode)}`).join(",")}}`;
  return JSON.stringify(tree);
}

// ---- byte and encoding mutations --------------------------------------------------------------

const randomBytes = (r: FuzzRandom, n: number) => Uint8Array.from({ length: n }, () => r.int(0, 255));
const concat = (...parts: Uint8Array[]) => Uint8Array.from(Buffer.concat(parts));

const BYTE_MUTATIONS: Readonly<Record<string, (r: FuzzRandom, b: Uint8Array) => Uint8Array>> = {
  truncate: (r, b) => b.subarray(0, r.int(0, Math.max(0, b.length - 1))),
  garbage: (r, b) => { const at = r.int(0, b.length); return concat(b.subarray(0, at), randomBytes(r, r.int(1, 8)), b.subarray(at + r.int(0, 4))); },
  invalidUtf8: (r, b) => {
    const at = b.indexOf(0x22) >= 0 ? b.indexOf(0x22) + 1 : r.int(0, b.length);
    return concat(b.subarray(0, at), Uint8Array.from(r.pick([[0xff], [0xc0, 0x80], [0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]])), b.subarray(at));
  },
  bom: (_r, b) => concat(Uint8Array.from([0xef, 0xbb, 0xbf]), b),
  empty: (r) => Buffer.from(r.pick(["", " ", "\n\t ", "\u0000"])),
  noise: (r) => randomBytes(r, r.int(1, 2000)),
};

/** The `items` list the server will see: with duplicate keys the last one wins, as in JSON.parse. */
function itemsOf(tree: Tree): number | null {
  let value: Tree | undefined;
  if (tree instanceof DupKeys) value = tree.pairs.findLast(([k]) => k === "items")?.[1];
  else if (tree && typeof tree === "object" && !Array.isArray(tree) && !(tree instanceof Raw)) value = tree.items;
  return Array.isArray(value) ? value.length : null;
}

export interface FuzzBody {
  readonly bytes: Uint8Array;
  readonly headers: Record<string, string>;
  /** What was done to the body, for the failure report. */
  readonly mutations: readonly string[];
  /** Unmutated valid submission: must be accepted and append exactly `items` reports. */
  readonly valid: boolean;
  /** Length of the top-level `items` array when the body still has one (an upper bound on appends). */
  readonly items: number | null;
}

function encode(r: FuzzRandom, text: string, mutations: string[]): { bytes: Uint8Array; headers: Record<string, string> } {
  let bytes: Uint8Array = Buffer.from(text, "utf8");
  const headers: Record<string, string> = { "content-type": "application/json" };
  const roll = r.next();
  if (roll < 0.12) {
    const charset = r.pick(["UTF-8", "utf8", "latin1", "utf-16le", "utf-16be", "bogus-9", '""', "utf-8; charset=latin1", "ascii", "windows-1252", "shift_jis"]);
    headers["content-type"] = `application/json; charset=${charset}`;
    if (charset === "utf-16le" && r.chance(0.5)) bytes = Buffer.from(text, "utf16le");
    mutations.push(`charset=${charset}`);
  } else if (roll < 0.18) {
    const type = r.pick(["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "", "application/json;;;", "*/*"]);
    if (type === "") delete headers["content-type"];
    else headers["content-type"] = type;
    mutations.push(`content-type=${type || "(none)"}`);
  }
  if (r.chance(0.15)) {
    const kind = r.pick(["gzip", "gzip-no-header", "gzip-garbage", "gzip-truncated", "plain-as-gzip", "double-gzip", "x-gzip", "deflate", "br", "gzip, identity", "GZIP"]);
    mutations.push(`encoding:${kind}`);
    const gz = gzipSync(bytes);
    if (kind === "gzip" || kind === "GZIP" || kind === "x-gzip") bytes = gz;
    else if (kind === "gzip-no-header") return { bytes: gz, headers };
    else if (kind === "gzip-garbage") bytes = gzipSync(randomBytes(r, r.int(0, 3000)));
    else if (kind === "gzip-truncated") bytes = gz.subarray(0, r.int(0, gz.length - 1));
    else if (kind === "double-gzip") bytes = gzipSync(gz);
    else if (kind !== "plain-as-gzip") bytes = gz;
    headers["content-encoding"] = ["gzip-garbage", "gzip-truncated", "plain-as-gzip", "double-gzip"].includes(kind) ? "gzip" : kind;
  }
  return { bytes, headers };
}

/**
 * One body for an endpoint of `schema`, built from `base` (a fixture body) or a generated valid
 * request. Roughly one body in eight stays valid, so accepted requests are fuzzed alongside.
 */
export function fuzzBody(r: FuzzRandom, schema: SchemaName, base?: unknown): FuzzBody {
  const mutations: string[] = [];
  let tree: Tree;
  if (r.chance(0.03) && schema !== "locate") {
    // Thousands of items: past MAX_SUBMIT_ITEMS (1000) unless the count lands below it.
    tree = validBody(r, schema, r.pick([r.int(300, 1000), r.int(1001, 3000)]));
    mutations.push(`manyItems:${(tree.items as Tree[]).length}`);
  } else {
    tree = base === undefined ? validBody(r, schema) : (structuredClone(base) as Tree);
    if (base !== undefined) mutations.push("fixture");
  }
  const pristine = !r.chance(0.88);
  if (!pristine) {
    const names = Object.keys(TREE_MUTATIONS);
    for (let i = r.int(r.chance(0.2) ? 0 : 1, 2); i > 0; i--) {
      const name = r.pick(names);
      mutations.push(name);
      tree = TREE_MUTATIONS[name]!(r, tree) ?? tree;
    }
  }
  const items = itemsOf(tree);
  const unicode = r.chance(0.08);
  if (unicode) mutations.push("unicodeEscapes");
  let text = serialize(tree, unicode);
  if (r.chance(0.05)) {
    text = r.pick([` ${text}\n`, `${text}${text}`, `${text},`, `${text} // comment`, `[${text}`]);
    mutations.push("framing");
  }
  let { bytes, headers } = encode(r, text, mutations);
  if (!pristine && r.chance(0.25)) {
    const name = r.pick(Object.keys(BYTE_MUTATIONS));
    mutations.push(name);
    bytes = BYTE_MUTATIONS[name]!(r, bytes);
  }
  const valid = pristine && mutations.every((m) => m === "fixture" || m === "unicodeEscapes" || m.startsWith("manyItems") || ["encoding:gzip", "encoding:x-gzip", "encoding:GZIP", "encoding:gzip-no-header", "charset=UTF-8", "charset=utf8"].includes(m)) && (items ?? 0) <= 1000;
  return { bytes, headers, mutations, valid, items };
}
