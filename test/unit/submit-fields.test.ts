import { test } from "uvu";
import * as assert from "uvu/assert";
import { createCtx, type Obj, readFloat, readInt, readList, readString } from "../../src/domain/submit/fields.ts";
import { parsePyFloat, parsePyInt } from "../../src/domain/submit/py-number.ts";
import { pyStr } from "../../src/domain/submit/py-text.ts";
import { isoTimestampOrNow, isoToMs, timestampOrNow } from "../../src/domain/submit/timestamps.ts";
import { toCellRadio, toPositionSource } from "../../src/domain/submit/vocabulary.ts";

const NOW = 1_700_000_000_123;

/** Reads field `v` of `{ v: value }` with `reader`; returns the value and the errors recorded. */
function read<T>(reader: (o: Obj, key: string, ctx: ReturnType<typeof createCtx>) => T, value: unknown) {
  const ctx = createCtx();
  ctx.at = "items";
  ctx.index = 2;
  const result = reader({ v: value }, "v", ctx);
  return { result, errors: ctx.errors };
}

test("numeric strings follow Python int(): whitespace, sign, leading zeros, underscores between digits", () => {
  assert.is(parsePyInt("01"), 1);
  assert.is(parsePyInt(" 7 "), 7);
  assert.is(parsePyInt("-5"), -5);
  assert.is(parsePyInt("+5"), 5);
  assert.is(parsePyInt("1_000"), 1000);
  assert.is(parsePyInt("-0"), 0);
  assert.is(parsePyInt("68719476735"), 68719476735);
  for (const bad of ["1.5", "abc", " ", "1__0", "_1", "1_", "0x10", "1e3", "- 5", "5-", "++5"]) {
    assert.is(parsePyInt(bad), null, bad);
  }
});

test("numeric strings follow Python float(): decimals, exponents, nan and inf", () => {
  assert.is(parsePyFloat("1.5"), 1.5);
  assert.is(parsePyFloat(" 1e3 "), 1000);
  assert.is(parsePyFloat(".5"), 0.5);
  assert.is(parsePyFloat("5."), 5);
  assert.is(parsePyFloat("-2.5E-2"), -0.025);
  assert.is(parsePyFloat("1_0.5"), 10.5);
  assert.ok(Number.isNaN(parsePyFloat("NaN")));
  assert.is(parsePyFloat("-inf"), Number.NEGATIVE_INFINITY);
  assert.is(parsePyFloat("Infinity"), Number.POSITIVE_INFINITY);
  for (const bad of ["abc", ".", "1e", "e5", "0x10", "1.5.2", "1,5", "1_.5", "infinit"]) {
    assert.is(parsePyFloat(bad), null, bad);
  }
});

test("integer fields truncate floats, read numeric strings and booleans, and drop empty or non-finite values", () => {
  assert.is(read(readInt, 42).result, 42);
  assert.is(read(readInt, 3.9).result, 3);
  assert.is(read(readInt, -3.9).result, -3);
  assert.ok(Object.is(read(readInt, -0.5).result, 0));
  assert.is(read(readInt, "01").result, 1);
  assert.is(read(readInt, true).result, 1);
  assert.is(read(readInt, false).result, 0);
  assert.is(read(readInt, 68719476735).result, 68719476735);
  for (const dropped of [null, undefined, "", [], {}, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
    const { result, errors } = read(readInt, dropped);
    assert.is(result, undefined);
    assert.is(errors, null);
  }
});

test("integer fields reject non-numeric strings, decimals in strings, lists and objects with the field's path", () => {
  for (const bad of ["abc", "1.5", [1], { a: 1 }]) {
    const { result, errors } = read(readInt, bad);
    assert.is(result, undefined);
    assert.equal(Object.keys(errors ?? {}), ["items.2.v"]);
  }
  assert.equal(read(readInt, "abc").errors, { "items.2.v": '"abc" is not a number' });
});

test("float fields read numbers and numeric strings and drop NaN and infinities", () => {
  assert.is(read(readFloat, 51.5).result, 51.5);
  assert.is(read(readFloat, "1.5").result, 1.5);
  assert.is(read(readFloat, "1e3").result, 1000);
  for (const dropped of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, "nan", "-inf", "1e400", "", null]) {
    const { result, errors } = read(readFloat, dropped);
    assert.is(result, undefined);
    assert.is(errors, null);
  }
  assert.equal(read(readFloat, "north").errors, { "items.2.v": '"north" is not a number' });
  assert.equal(Object.keys(read(readFloat, { lat: 1 }).errors ?? {}), ["items.2.v"]);
});

test("string fields reject non-strings, but treat Python-falsy values as missing", () => {
  assert.is(read(readString, "ab:cd").result, "ab:cd");
  for (const dropped of ["", 0, false, null, [], {}]) {
    const { result, errors } = read(readString, dropped);
    assert.is(result, undefined);
    assert.is(errors, null);
  }
  assert.equal(read(readString, 10).errors, { "items.2.v": "10 is not a string: {'v': ''}" });
  for (const bad of [true, 1.5, ["a"], { a: "b" }]) assert.ok(read(readString, bad).errors);
});

test("list fields reject anything but a list, strings and objects included", () => {
  assert.equal(read(readList, [1]).result, [1]);
  assert.is(read(readList, null).result, undefined);
  for (const bad of ["abc", {}, 5, true]) {
    assert.equal(Object.keys(read(readList, bad).errors ?? {}), ["items.2.v"]);
  }
});

test("numeric timestamps are kept only strictly between 10^12 and 10^13 ms", () => {
  assert.is(timestampOrNow(146e10, NOW), 146e10);
  assert.is(timestampOrNow(1e12 + 1, NOW), 1e12 + 1);
  assert.is(timestampOrNow(1e13 - 1, NOW), 1e13 - 1);
  for (const replaced of [undefined, 0, 146e9, 1e12, 1e13, 1722950400]) {
    assert.is(timestampOrNow(replaced, NOW), NOW, String(replaced));
  }
});

test("ISO times read naive strings as UTC, ignore a UTC offset and fractions, and accept iso8601's short forms", () => {
  assert.is(isoToMs("2016-04-07T03:33:20"), 1460000000000);
  assert.is(isoToMs("2016-04-07T03:33:20Z"), 1460000000000);
  assert.is(isoToMs("2016-04-07T03:33:20+02:00"), 1460000000000);
  assert.is(isoToMs("2016-04-07T03:33:20-0530"), 1460000000000);
  assert.is(isoToMs("2016-04-07T03:33:20.999"), 1460000000000);
  assert.is(isoToMs("2016-04-07 03:33:20,5"), 1460000000000);
  assert.is(isoToMs("20160407T033320"), 1460000000000);
  assert.is(isoToMs("2016-04-07T03:33:20\n"), 1460000000000);
  assert.is(isoToMs("2016-04-07"), Date.UTC(2016, 3, 7));
  assert.is(isoToMs("2016-4-7T03"), Date.UTC(2016, 3, 7, 3));
  assert.is(isoToMs("2016-04"), Date.UTC(2016, 3, 1));
  assert.is(isoToMs("2016"), Date.UTC(2016, 0, 1));
  assert.is(isoToMs("2016-02-29"), Date.UTC(2016, 1, 29));
});

test("ISO times that Python's parser or datetime rejects have no value", () => {
  for (const bad of [
    "201604",
    "2016-02-30",
    "2015-02-29",
    "2016-13-01",
    "2016-04-00",
    "2016-04-07T24:00",
    "2016-04-07T03:60",
    "2016-04-07T03:33:60",
    "2016-04-07T03:33:20+24:00",
    "2016-04-07T03:33:20+23:60",
    "0000-01-01",
    "2016-04-07T03:33:20 ",
    "yesterday",
    "",
  ]) {
    assert.is(isoToMs(bad), undefined, bad);
  }
});

test("v0 times outside 2001-09-09 … 2286-11-20, or unparseable, become the time of receipt", () => {
  assert.is(isoTimestampOrNow("2016-04-07T03:33:20", NOW), 1460000000000);
  assert.is(isoTimestampOrNow("1710-02-28", NOW), NOW);
  assert.is(isoTimestampOrNow("2001-01-01", NOW), NOW);
  assert.is(isoTimestampOrNow("2300-01-01", NOW), NOW);
  assert.is(isoTimestampOrNow("not a date", NOW), NOW);
  assert.is(isoTimestampOrNow(undefined, NOW), NOW);
});

test("cell radios are lowercased, umts becomes wcdma, nr is kept, anything else has no value", () => {
  assert.is(toCellRadio("lte"), "lte");
  assert.is(toCellRadio("LTE"), "lte");
  assert.is(toCellRadio("umts"), "wcdma");
  assert.is(toCellRadio("UMTS"), "wcdma");
  assert.is(toCellRadio("cdma"), "cdma");
  assert.is(toCellRadio("NR"), "nr");
  for (const bad of ["18", "5g", "foo", " lte", ""]) assert.is(toCellRadio(bad), undefined, bad);
});

test("position sources are lowercased and gps reads as gnss; manual, empty and numbers have no value", () => {
  assert.is(toPositionSource("gps"), "gnss");
  assert.is(toPositionSource("GNSS"), "gnss");
  assert.is(toPositionSource("Fused"), "fused");
  assert.is(toPositionSource("fixed"), "fixed");
  assert.is(toPositionSource("query"), "query");
  for (const bad of ["manual", "", "2", "network"]) assert.is(toPositionSource(bad), undefined, bad);
});

test("messages quote values the way Python prints them, capped in length", () => {
  assert.is(pyStr([1]), "[1]");
  assert.is(pyStr("abc"), "abc");
  assert.is(pyStr({ a: [null, true, "x"], b: Number.NaN }), "{'a': [None, True, 'x'], 'b': nan}");
  const long = pyStr(Array.from({ length: 1000 }, (_, i) => i));
  assert.ok(long.length < 220);
  assert.ok(long.endsWith("..."));
});

test.run();
