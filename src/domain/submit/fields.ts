/**
 * Typed field readers with the schema layer's type rules (SPEC §1.5), modelled on the colander
 * types Ichnaea uses: a value of the wrong type rejects the request (the error is recorded under
 * its dotted path and reading goes on, so that every error of a request is reported, as colander
 * does); an absent, `null` or empty value, or a non-finite number, is dropped.
 *
 * Deliberate differences from colander: `null` is "absent" everywhere (colander rejects it in
 * mapping and list fields), and non-finite numbers in integer fields are dropped (Python's
 * `int(nan)` raises, which would reject the request).
 */
import { parsePyFloat, parsePyInt } from "./py-number.ts";
import { pyStr } from "./py-text.ts";

export type Obj = Record<string, unknown>;

/**
 * Where the reader is, for error paths. Paths are built only when an error is recorded: `at` is
 * the current container's path and `index` the element index within it (-1 when `at` is the
 * container itself), so walking a list allocates no path strings.
 */
export interface Ctx {
  errors: Record<string, string> | null;
  at: string;
  index: number;
}

export function createCtx(): Ctx {
  return { errors: null, at: "", index: -1 };
}

function join(path: string, name: string): string {
  return path === "" ? name : `${path}.${name}`;
}

/** The dotted path of the current container, or of its field `key`. */
export function pathOf(ctx: Ctx, key?: string): string {
  const here = ctx.index < 0 ? ctx.at : join(ctx.at, String(ctx.index));
  return key === undefined ? here : join(here, key);
}

/** Records an error for the current container, or for its field `key`; returns undefined. */
export function fail(ctx: Ctx, message: string, key?: string): undefined {
  if (ctx.errors === null) ctx.errors = {};
  ctx.errors[pathOf(ctx, key)] = message;
  return undefined;
}

export function isMapping(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export const notMapping = (value: unknown): string =>
  `"${pyStr(value)}" is not a mapping type: Does not implement dict-like functionality.`;
const notIterable = (value: unknown): string => `"${pyStr(value)}" is not iterable`;
const notNumber = (value: unknown): string => `"${pyStr(value)}" is not a number`;
const notString = (value: unknown, key: string): string => `${pyStr(value)} is not a string: {'${key}': ''}`;

/** Python truthiness of a JSON container: colander treats `[]` and `{}` like a missing value. */
function isEmptyContainer(value: object): boolean {
  return Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0;
}

/** colander `Integer`: Python `int()` of numbers (toward zero), booleans and numeric strings. */
export function readInt(o: Obj, key: string, ctx: Ctx): number | undefined {
  const value = o[key];
  if (typeof value === "number") {
    if (Number.isInteger(value)) return value === 0 ? 0 : value;
    if (!Number.isFinite(value)) return undefined;
    const truncated = Math.trunc(value);
    return truncated === 0 ? 0 : truncated;
  }
  if (value === undefined || value === null) return undefined;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "string") {
    if (value === "") return undefined;
    return parsePyInt(value) ?? fail(ctx, notNumber(value), key);
  }
  if (typeof value === "object" && isEmptyContainer(value)) return undefined;
  return fail(ctx, notNumber(value), key);
}

/** colander `Float` via Ichnaea's BoundedFloat: NaN and ±Infinity are dropped. */
export function readFloat(o: Obj, key: string, ctx: Ctx): number | undefined {
  const value = o[key];
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (value === undefined || value === null) return undefined;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "string") {
    if (value === "") return undefined;
    const parsed = parsePyFloat(value);
    if (parsed === null) return fail(ctx, notNumber(value), key);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  if (typeof value === "object" && isEmptyContainer(value)) return undefined;
  return fail(ctx, notNumber(value), key);
}

/**
 * colander `String`: strings only; the empty string and other Python-falsy values (`0`, `false`,
 * `[]`, `{}`) count as missing, any other non-string rejects (`"macAddress": 10`).
 */
export function readString(o: Obj, key: string, ctx: Ctx): string | undefined {
  const value = o[key];
  if (typeof value === "string") return value === "" ? undefined : value;
  if (value === undefined || value === null || value === false || value === 0) return undefined;
  if (typeof value === "object" && isEmptyContainer(value)) return undefined;
  return fail(ctx, notString(value, key), key);
}

/** colander `Sequence`: a JSON array; anything else (a string or an object too) rejects. */
export function readList(o: Obj, key: string, ctx: Ctx): readonly unknown[] | undefined {
  const value = o[key];
  if (Array.isArray(value)) return value;
  if (value === undefined || value === null) return undefined;
  return fail(ctx, notIterable(value), key);
}

/** colander `Mapping`: a JSON object; anything else rejects. */
export function readMapping(o: Obj, key: string, ctx: Ctx): Obj | undefined {
  const value = o[key];
  if (isMapping(value)) return value;
  if (value === undefined || value === null) return undefined;
  return fail(ctx, notMapping(value), key);
}

export type EntryReader<T, A> = (entry: Obj, ctx: Ctx, arg: A) => T | undefined;

/**
 * Reads each mapping element of the list field `key` with `read(entry, ctx, arg)`, keeping the
 * results that are not undefined. `null` elements are skipped; other non-mappings are errors at
 * their index. (`arg` spares the callers a closure per list.)
 */
export function readEach<T, A>(o: Obj, key: string, ctx: Ctx, read: EntryReader<T, A>, arg: A): T[] {
  const list = readList(o, key, ctx);
  const out: T[] = [];
  if (list === undefined || list.length === 0) return out;
  const { at, index } = ctx;
  ctx.at = pathOf(ctx, key);
  for (let i = 0; i < list.length; i++) {
    const entry = list[i];
    if (entry === null || entry === undefined) continue;
    ctx.index = i;
    if (isMapping(entry)) {
      const item = read(entry, ctx, arg);
      if (item !== undefined) out.push(item);
    } else fail(ctx, notMapping(entry));
  }
  ctx.at = at;
  ctx.index = index;
  return out;
}

/** Reads the mapping field `key` with `read(mapping, ctx, arg)`; undefined when it is absent. */
export function readNested<T, A>(o: Obj, key: string, ctx: Ctx, read: EntryReader<T, A>, arg: A): T | undefined {
  const nested = readMapping(o, key, ctx);
  if (nested === undefined) return undefined;
  const { at, index } = ctx;
  ctx.at = pathOf(ctx, key);
  ctx.index = -1;
  const result = read(nested, ctx, arg);
  ctx.at = at;
  ctx.index = index;
  return result;
}
