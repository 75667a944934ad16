import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  areaKey,
  cellKey,
  decodeAreaId,
  decodeCellId,
  encodeAreaId,
  encodeCellId,
} from "../../src/domain/observation/cell-id.ts";
import { isKnownMcc, KNOWN_MCCS } from "../../src/domain/observation/known-mcc.ts";
import { isValidMac, macFromBytes, macShard, macToBytes, normalizeMac } from "../../src/domain/observation/mac.ts";
import {
  type InternalCell,
  validateBlue,
  validateCell,
  validateWifi,
} from "../../src/domain/observation/validate-network.ts";
import { channelFromFrequency, frequencyFromChannel } from "../../src/domain/observation/wifi-channel.ts";

const validMac = (s: string) => isValidMac(normalizeMac(s));

test("MACs are valid in upstream's separator and case forms, locally administered ones included", () => {
  for (const s of ["3680873E9B83", "36:80:87:3e:9b:83", "36-80-87-3e-9b-83", "36.80.87.3e.9b.83", "0a0000000000"]) {
    assert.ok(validMac(s), s);
  }
  assert.is(normalizeMac("36:80:87:3E:9B:83"), "3680873e9b83");
});

test("all-zero, broadcast, the documentation MAC, wrong lengths and non-hex MACs are invalid", () => {
  for (const s of ["000000000000", "ffffffffffff", "FF:FF:FF:FF:FF:FF", "01005e901000", "1234567890123", "aaaaaaZZZZZZ", "abcd", ""]) {
    assert.not.ok(validMac(s), s);
  }
});

test("a MAC's shard is its 5th hex digit", () => {
  assert.is(macShard("3680873e9b83"), "8");
  assert.is(macShard("111101123456"), "0");
  assert.is(macShard("0000f0123456"), "f");
});

test("MACs round-trip through 6 bytes (abcded123456 is q83tEjRW in base64)", () => {
  const bytes = macToBytes("abcded123456");
  assert.is(bytes.length, 6);
  assert.is(bytes.toString("base64"), "q83tEjRW");
  assert.is(macFromBytes(Buffer.from("q83tEjRW", "base64")), "abcded123456");
  assert.throws(() => macToBytes("abcd"));
  assert.throws(() => macFromBytes(Buffer.alloc(5)));
});

test("channels map to frequencies as upstream's test_mac expects", () => {
  const table: [number, number][] = [[1, 2412], [13, 2472], [14, 2484], [15, 5075], [36, 5180], [185, 5925], [186, 4930], [199, 4995]];
  for (const [ch, f] of table) assert.is(frequencyFromChannel(ch), f, `channel ${ch}`);
  assert.is(frequencyFromChannel(0), undefined);
  assert.is(frequencyFromChannel(200), undefined);
});

test("frequencies map to channels as upstream's test_mac expects", () => {
  const table: [number, number | undefined][] = [
    [2411, undefined], [2412, 1], [2472, 13], [2473, undefined], [2484, 14], [4910, undefined], [4915, 183],
    [4995, 199], [5000, undefined], [5074, undefined], [5075, 15], [5180, 36], [5925, 185], [5930, undefined],
  ];
  for (const [f, ch] of table) assert.is(channelFromFrequency(f), ch, `frequency ${f}`);
});

test("6 GHz centre frequencies give channels 1–233 (DESIGN §7)", () => {
  assert.is(channelFromFrequency(5955), 1);
  assert.is(channelFromFrequency(6135), 37);
  assert.is(channelFromFrequency(7115), 233);
  assert.is(channelFromFrequency(7120), undefined);
  assert.is(channelFromFrequency(6137), undefined);
  assert.is(channelFromFrequency(5935), undefined);
});

const wifi = (channel?: number, frequency?: number) => {
  const v = validateWifi({ mac: "3680873e9b83", channel, frequency });
  return [v?.channel, v?.frequency];
};

test("Wi-Fi channel and frequency are range-checked, then the missing one is derived", () => {
  assert.equal(wifi(0, 10), [undefined, undefined]);
  assert.equal(wifi(0, 2412), [1, 2412]);
  assert.equal(wifi(4, 10), [4, 2427]);
  assert.equal(wifi(1, 2427), [1, 2427]);
  assert.equal(wifi(200, undefined), [undefined, undefined]);
  assert.equal(wifi(undefined, 2399), [undefined, undefined]);
});

test("6 GHz Wi-Fi: its frequencies are valid, and channels above 199 need a 6 GHz frequency", () => {
  assert.equal(wifi(undefined, 6135), [37, 6135]);
  assert.equal(wifi(37, 6135), [37, 6135]);
  assert.equal(wifi(220, 7050), [220, 7050]);
  assert.equal(wifi(220, undefined), [undefined, undefined]);
  // The invalid channel is dropped, then re-derived from the 5 GHz frequency.
  assert.equal(wifi(220, 5180), [36, 5180]);
  assert.equal(wifi(37, undefined), [37, 5185]);
  assert.equal(wifi(undefined, 7125), [undefined, 7125]);
  assert.equal(wifi(undefined, 7126), [undefined, undefined]);
});

test("Wi-Fi and Bluetooth optional values out of range are dropped, the network kept", () => {
  assert.equal(validateWifi({ mac: "36:80:87:3E:9B:83", age: 3_600_001, signal: -9, snr: 0 }), { mac: "3680873e9b83" });
  assert.equal(validateWifi({ mac: "3680873e9b83", age: -3_600_000, signal: -100, snr: 100 }), {
    mac: "3680873e9b83", age: -3_600_000, signal: -100, snr: 100,
  });
  assert.equal(validateBlue({ mac: "3680873e9b83", age: 10, signal: 1 }), { mac: "3680873e9b83", age: 10 });
  assert.equal(validateBlue({ mac: "3680873e9b83", signal: -127 }), { mac: "3680873e9b83", signal: -127 });
  assert.is(validateBlue({ age: 1 }), null);
  assert.is(validateWifi({ mac: "abcd" }), null);
});

const GSM: InternalCell = { radio: "gsm", mcc: 262, mnc: 1, lac: 100, cid: 1000 };
const cell = (extra: InternalCell) => validateCell({ ...GSM, ...extra });

test("a cell needs radio, mcc, mnc, lac and cid; each missing part makes it invalid", () => {
  assert.ok(cell({}));
  for (const field of ["radio", "mcc", "mnc", "lac", "cid"] as const) {
    const c: InternalCell = { ...GSM, psc: 5 };
    delete c[field];
    assert.is(validateCell(c), null, field);
  }
});

test("radio must be gsm, wcdma, lte or nr: cdma and unknown radios are invalid", () => {
  assert.is(cell({ radio: "cdma" }), null);
  assert.is(cell({ radio: "umts" }), null);
  assert.is(cell({ radio: "5g" }), null);
  assert.is(cell({ radio: "lte" })?.radio, "lte");
});

test("mcc must be a known code and mnc 0…999", () => {
  assert.is(cell({ mcc: 0 }), null);
  assert.is(cell({ mcc: 1000 }), null);
  assert.is(cell({ mcc: -2 }), null);
  assert.is(cell({ mcc: 553 }), null);
  assert.is(cell({ mnc: -1 }), null);
  assert.is(cell({ mnc: 1000 }), null);
  assert.is(cell({ mnc: 999 })?.mnc, 999);
  assert.is(KNOWN_MCCS.size, 234);
  assert.ok(isKnownMcc(310) && isKnownMcc(995));
});

test("lac must be 1…65533 and cid 1…2^28−1", () => {
  assert.is(cell({ lac: 0 }), null);
  assert.is(cell({ lac: 65534 }), null);
  assert.is(cell({ lac: 65533 })?.lac, 65533);
  assert.is(cell({ cid: 0 }), null);
  assert.is(cell({ radio: "lte", cid: 2 ** 28 }), null);
  assert.is(cell({ radio: "lte", cid: 2 ** 28 - 1 })?.cid, 2 ** 28 - 1);
});

test("a gsm cell with a cid above 65535 is wcdma", () => {
  assert.is(cell({ cid: 65535 })?.radio, "gsm");
  assert.is(cell({ cid: 65536 })?.radio, "wcdma");
});

test("an asu below −5 with no or a non-negative signal is the signal, swapped", () => {
  assert.equal(cell({ radio: "lte", asu: -70 }), { ...GSM, radio: "lte", signal: -70 });
  assert.equal(cell({ radio: "lte", asu: -70, signal: 0 }), { ...GSM, radio: "lte", signal: -70 });
  assert.equal(cell({ radio: "lte", asu: -70, signal: -80 }), { ...GSM, radio: "lte", signal: -80 });
});

test("signal is derived from asu per radio when it is missing or out of range", () => {
  assert.is(cell({ asu: 26 })?.signal, -61);
  assert.is(cell({ radio: "wcdma", asu: 48 })?.signal, -68);
  assert.is(cell({ radio: "lte", asu: 62 })?.signal, -78);
  assert.is(cell({ asu: 26, signal: -40 })?.signal, -61);
  assert.equal(cell({ asu: 40, signal: -40 }), GSM);
  assert.is(cell({ radio: "wcdma", asu: -5 })?.signal, -121);
});

test("timing advance is 0…63 and always dropped for wcdma", () => {
  assert.is(cell({ ta: 63 })?.ta, 63);
  assert.is(cell({ ta: 64 })?.ta, undefined);
  assert.is(cell({ radio: "wcdma", ta: 1 })?.ta, undefined);
  assert.is(cell({ cid: 70000, ta: 1 })?.ta, undefined);
});

test("psc is 0…511; an lte PCI above 503 is dropped, the cell kept", () => {
  assert.is(cell({ psc: 511 })?.psc, 511);
  assert.is(cell({ psc: 512 })?.psc, undefined);
  assert.is(cell({ radio: "lte", psc: 503 })?.psc, 503);
  const lte = cell({ radio: "lte", psc: 504 });
  assert.ok(lte);
  assert.is(lte.psc, undefined);
});

const NR: InternalCell = { radio: "nr", mcc: 244, mnc: 5, lac: 4210, cid: 11_324_473_345 };
const nr = (extra: InternalCell) => validateCell({ ...NR, ...extra });

test("nr cells take 24-bit TACs (0, 0xFFFFFE and 0xFFFFFF excluded) and 36-bit NCIs", () => {
  assert.equal(nr({}), NR);
  assert.is(nr({ lac: 16_777_213 })?.lac, 16_777_213);
  assert.is(nr({ lac: 16_777_214 }), null);
  assert.is(nr({ lac: 0 }), null);
  assert.is(nr({ cid: 2 ** 36 - 1 })?.cid, 2 ** 36 - 1);
  assert.is(nr({ cid: 2 ** 36 }), null);
  assert.is(nr({ cid: 0 }), null);
});

test("nr PCI is 0…1007; nr signal uses LTE's range and signal = asu − 140", () => {
  assert.is(nr({ psc: 1007 })?.psc, 1007);
  assert.is(nr({ psc: 1008 })?.psc, undefined);
  assert.is(nr({ asu: 47 })?.signal, -93);
  assert.is(nr({ signal: -140 })?.signal, -140);
  assert.is(nr({ signal: -42 })?.signal, undefined);
  assert.is(nr({ asu: 98 })?.asu, undefined);
  assert.is(nr({ ta: 3 })?.ta, 3);
});

test("cell ids pack big-endian: gsm/310/0/1/1 is 00 0136 0000 0001 00000001", () => {
  const id = encodeCellId({ radio: "gsm", mcc: 310, mnc: 0, lac: 1, cid: 1 });
  assert.is(id.toString("hex"), "00013600000001" + "00000001");
  assert.equal(decodeCellId(id), { radio: "gsm", mcc: 310, mnc: 0, lac: 1, cid: 1 });
  const wcdma = Buffer.from("\x02\x016\x00\x01\x00\x0c\x00\x00\x00\x00", "latin1");
  assert.equal(decodeCellId(wcdma), { radio: "wcdma", mcc: 310, mnc: 1, lac: 12, cid: 0 });
});

test("area ids are the first 7 bytes (upstream's test_cell examples)", () => {
  const area = encodeAreaId({ radio: "gsm", mcc: 310, mnc: 1, lac: 0 });
  assert.equal(area, Buffer.from("\x00\x016\x00\x01\x00\x00", "latin1"));
  assert.equal(decodeAreaId(Buffer.from("\x02\x016\x00\x01\x00\x0c", "latin1")), { radio: "wcdma", mcc: 310, mnc: 1, lac: 12 });
});

test("maximum and minimum ids have upstream's base64 forms", () => {
  const bit16 = 2 ** 16 - 1;
  const bit32 = 2 ** 32 - 1;
  assert.is(encodeAreaId({ radio: "wcdma", mcc: bit16, mnc: bit16, lac: bit16 }).toString("base64"), "Av///////w==");
  assert.is(encodeCellId({ radio: "wcdma", mcc: bit16, mnc: bit16, lac: bit16, cid: bit32 }).toString("base64"), "Av////////////8=");
  assert.equal(decodeCellId(Buffer.from("Av////////////8=", "base64")), { radio: "wcdma", mcc: bit16, mnc: bit16, lac: bit16, cid: bit32 });
  assert.equal(decodeAreaId(Buffer.from("Av///////w==", "base64")), { radio: "wcdma", mcc: bit16, mnc: bit16, lac: bit16 });
  assert.is(encodeAreaId({ radio: "gsm", mcc: 0, mnc: 0, lac: 0 }).toString("base64"), "AAAAAAAAAA==");
  assert.is(encodeCellId({ radio: "gsm", mcc: 0, mnc: 0, lac: 0, cid: 0 }).toString("base64"), "AAAAAAAAAAAAAAA=");
});

test("nr ids are 17 bytes (uint32 TAC, uint64 NCI) and nr areas 9 bytes", () => {
  const parts = { radio: "nr" as const, mcc: 244, mnc: 5, lac: 0xfffffd, cid: 2 ** 36 - 1 };
  const id = encodeCellId(parts);
  assert.is(id.toString("hex"), "04" + "00f4" + "0005" + "00fffffd" + "0000000fffffffff");
  assert.equal(decodeCellId(id), parts);
  assert.is(encodeAreaId(parts).toString("hex"), "0400f4000500fffffd");
  assert.equal(decodeAreaId(encodeAreaId(parts)), { radio: "nr", mcc: 244, mnc: 5, lac: 0xfffffd });
  assert.throws(() => decodeCellId(id.subarray(0, 11)));
});

test("cell and area keys are the lowercase hex of the binary ids", () => {
  const cells = [
    { radio: "gsm" as const, mcc: 310, mnc: 0, lac: 1, cid: 1 },
    { radio: "lte" as const, mcc: 262, mnc: 999, lac: 65533, cid: 2 ** 28 - 1 },
    { radio: "nr" as const, mcc: 244, mnc: 5, lac: 4210, cid: 11_324_473_345 },
  ];
  for (const c of cells) {
    assert.is(cellKey(c), encodeCellId(c).toString("hex"));
    assert.is(areaKey(c), encodeAreaId(c).toString("hex"));
  }
});

test.run();
