import { test } from "uvu";
import * as assert from "uvu/assert";
import { isEntryId } from "../../src/stream/entry-id.ts";

test("entry ids are two unsigned 64-bit decimals, as Redis hands them out", () => {
  for (const id of ["0-0", "0-1", "1700000000000-0", "1700000000000-42", "18446744073709551615-18446744073709551615", "9999999999999999999-0"]) {
    assert.ok(isEntryId(id), id);
  }
});

test("parts past 2^64-1, leading zeros, signs and other shapes are not entry ids", () => {
  for (const id of [
    "18446744073709551616-0", "1-18446744073709551616", "99999999999999999999-0", "1-100000000000000000000",
    "01-0", "1-01", "00-0", "+1-0", "-1-0", "1--1", "1", "1-", "-1", "1-0-0", "1.5-0", "1e3-0", " 1-0", "1-0 ", "",
  ]) {
    assert.not.ok(isEntryId(id), id);
  }
});

test.run();
