import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  blueLookups,
  buildLookups,
  type CellInput,
  cellIsBetter,
  cellLookups,
  wifiLookups,
} from "../../src/domain/locate/lookups.ts";
import type { LocateRequest, LocateWifiAccessPoint } from "../../src/domain/locate/parse-locate-request.ts";
import type { BluetoothBeacon } from "../../src/domain/report.ts";

const MAC = "3680873e9b83";
const OTHER = "3680873e9b84";

// Bluetooth and Wi-Fi need a second network to pass the minimum of 2 (SPEC §3.2).
const blue = (b: Partial<BluetoothBeacon>) => blueLookups([{ macAddress: MAC, ...b }, { macAddress: OTHER }])[0];
const wifi = (w: Partial<LocateWifiAccessPoint>) => wifiLookups([{ macAddress: MAC, ...w }, { macAddress: OTHER }])[0];

const LTE: CellInput = { radioType: "lte", mobileCountryCode: 262, mobileNetworkCode: 1, locationAreaCode: 2, cellId: 3 };
const cellOf = (extra: CellInput) => cellLookups([{ ...LTE, ...extra }]).cell[0];
const areaOf = (extra: CellInput) => cellLookups([{ ...LTE, ...extra }]).area[0];

test("Bluetooth age and signal: edges kept, one beyond dropped, the beacon kept", () => {
  assert.equal(blue({ age: 3_600_000, signalStrength: -127 }), { mac: MAC, age: 3_600_000, signal: -127 });
  assert.equal(blue({ age: -3_600_000, signalStrength: 0 }), { mac: MAC, age: -3_600_000, signal: 0 });
  assert.equal(blue({ age: 3_600_001, signalStrength: 1 }), { mac: MAC });
  assert.equal(blue({ age: -3_600_001, signalStrength: -128, name: "beacon" }), { mac: MAC, name: "beacon" });
});

test("MACs are normalised; invalid MACs make the entry invalid", () => {
  assert.is(blue({ macAddress: "36:80:87:3E:9B:83" })?.mac, MAC);
  assert.equal(blueLookups([{ macAddress: "foo" }, { macAddress: "ffffffffffff" }, { macAddress: "01:00:5e:90:10:00" }, { macAddress: MAC }]), []);
});

test("Wi-Fi age, signal and SNR: edges kept, one beyond dropped", () => {
  assert.equal(wifi({ age: 3_600_000, signalStrength: -100, signalToNoiseRatio: 1, ssid: "x" }), {
    mac: MAC, age: 3_600_000, signal: -100, snr: 1, ssid: "x",
  });
  assert.equal(wifi({ age: -3_600_000, signalStrength: -10, signalToNoiseRatio: 100 }), { mac: MAC, age: -3_600_000, signal: -10, snr: 100 });
  assert.equal(wifi({ age: -3_600_001, signalStrength: -9, signalToNoiseRatio: 101 }), { mac: MAC });
  assert.equal(wifi({ signalStrength: -101, signalToNoiseRatio: 0 }), { mac: MAC });
});

test("Wi-Fi channel 1…199 and frequency from 2400 (test_schema), the missing half derived", () => {
  assert.equal(wifi({ channel: 1 }), { mac: MAC, channel: 1, frequency: 2412 });
  assert.equal(wifi({ channel: 199 }), { mac: MAC, channel: 199, frequency: 4995 });
  assert.equal(wifi({ channel: 0 }), { mac: MAC });
  assert.equal(wifi({ channel: 200 }), { mac: MAC });
  assert.equal(wifi({ frequency: 2399 }), { mac: MAC });
  assert.equal(wifi({ frequency: 2400 }), { mac: MAC, frequency: 2400 });
  assert.equal(wifi({ frequency: 4915 }), { mac: MAC, channel: 183, frequency: 4915 });
  assert.equal(wifi({ channel: 0, frequency: 2427 }), { mac: MAC, channel: 4, frequency: 2427 });
  assert.equal(wifi({ channel: 1, frequency: 2000 }), { mac: MAC, channel: 1, frequency: 2412 });
});

test("6 GHz Wi-Fi is accepted up to 7125 MHz (DESIGN §7; upstream nulls frequencies from 6000)", () => {
  assert.equal(wifi({ frequency: 5999 }), { mac: MAC, frequency: 5999 });
  assert.equal(wifi({ frequency: 6000 }), { mac: MAC, channel: 10, frequency: 6000 });
  assert.equal(wifi({ frequency: 6135 }), { mac: MAC, channel: 37, frequency: 6135 });
  assert.equal(wifi({ channel: 220, frequency: 7050 }), { mac: MAC, channel: 220, frequency: 7050 });
  assert.equal(wifi({ frequency: 7126 }), { mac: MAC });
});

test("cell signal ranges are per radio: gsm −113…−51, wcdma −121…−25, lte −140…−43", () => {
  const signal = (radioType: string, signalStrength: number) => cellOf({ radioType, signalStrength, cellId: 3 })?.signal;
  const table: [string, number, number | undefined][] = [
    ["gsm", -113, -113], ["gsm", -114, undefined], ["gsm", -51, -51], ["gsm", -50, undefined],
    ["wcdma", -121, -121], ["wcdma", -122, undefined], ["wcdma", -25, -25], ["wcdma", -24, undefined],
    ["lte", -140, -140], ["lte", -141, undefined], ["lte", -43, -43], ["lte", -42, undefined],
  ];
  for (const [radio, value, expected] of table) assert.is(signal(radio, value), expected, `${radio} ${value}`);
});

test("asu: kept per radio, signal derived from it (test_schema), a dBm value in asu moved", () => {
  assert.is(areaOf({ radioType: "lte", asu: 97 })?.asu, 97);
  assert.is(areaOf({ radioType: "gsm", asu: 97 })?.asu, undefined);
  assert.is(cellOf({ radioType: "gsm", asu: 31 })?.asu, 31);
  assert.is(cellOf({ radioType: "wcdma", asu: -5 })?.asu, -5);
  assert.is(cellOf({ radioType: "wcdma", asu: 92 })?.asu, undefined);
  assert.is(cellOf({ radioType: "lte", asu: 98 })?.asu, undefined);
  for (const lookup of [cellOf, areaOf]) {
    assert.is(lookup({ radioType: "gsm", asu: 15 })?.signal, -83);
    assert.is(lookup({ radioType: "wcdma", asu: 15 })?.signal, -101);
    assert.is(lookup({ radioType: "lte", asu: 15 })?.signal, -125);
    const swapped = lookup({ asu: -80 });
    assert.equal([swapped?.asu, swapped?.signal], [undefined, -80]);
  }
  assert.is(cellOf({ signalStrength: -80 })?.signal, -80);
});

test("timing advance 0…63, always dropped for wcdma", () => {
  assert.is(cellOf({ timingAdvance: 0 })?.ta, 0);
  assert.is(cellOf({ timingAdvance: 63 })?.ta, 63);
  assert.is(cellOf({ timingAdvance: 64 })?.ta, undefined);
  assert.is(cellOf({ timingAdvance: -1 })?.ta, undefined);
  assert.is(cellOf({ radioType: "wcdma", timingAdvance: 1 })?.ta, undefined);
  assert.is(areaOf({ radioType: "wcdma", timingAdvance: 1 })?.ta, undefined);
});

test("psc 0…511; lte above 503 dropped (test_schema)", () => {
  assert.is(cellOf({ radioType: "gsm", primaryScramblingCode: 0 })?.psc, 0);
  assert.is(cellOf({ radioType: "wcdma", primaryScramblingCode: 511 })?.psc, 511);
  assert.is(cellOf({ radioType: "wcdma", primaryScramblingCode: 512 })?.psc, undefined);
  assert.is(cellOf({ primaryScramblingCode: 503 })?.psc, 503);
  assert.is(cellOf({ primaryScramblingCode: 504 })?.psc, undefined);
  assert.is(cellOf({ primaryScramblingCode: -1 })?.psc, undefined);
});

test("lac 1…65533 is needed by both lookups; cid 1…2^28−1 only by the cell lookup", () => {
  for (const lac of [0, 65534, undefined]) {
    assert.equal(cellLookups([{ ...LTE, locationAreaCode: lac }]), { cell: [], area: [] }, `lac ${lac}`);
  }
  assert.is(cellOf({ locationAreaCode: 1 })?.lac, 1);
  assert.is(cellOf({ locationAreaCode: 65533 })?.lac, 65533);
  assert.is(cellOf({ cellId: 1 })?.cid, 1);
  assert.is(cellOf({ cellId: 2 ** 28 - 1 })?.cid, 2 ** 28 - 1);
  for (const cid of [0, 2 ** 28, undefined]) {
    const { cell, area } = cellLookups([{ ...LTE, cellId: cid }]);
    assert.equal([cell.length, area.length], [0, 1], `cid ${cid}`);
  }
  assert.equal(areaOf({}), { radio: "lte", mcc: 262, mnc: 1, lac: 2 });
});

test("radio, mcc and mnc are key parts: GSM, cdma, a missing radio, mcc 101 and mnc 1000 are invalid", () => {
  for (const extra of [{ radioType: "GSM" }, { radioType: "cdma" }, { radioType: undefined }, { mobileCountryCode: 101 }, { mobileNetworkCode: 1000 }, { mobileNetworkCode: -1 }]) {
    assert.equal(cellLookups([{ ...LTE, ...extra }]), { cell: [], area: [] }, JSON.stringify(extra));
  }
  assert.is(cellOf({ mobileNetworkCode: 999 })?.mnc, 999);
  assert.is(cellOf({ mobileNetworkCode: 0 })?.mnc, 0);
});

test("an unknown radio drops only that cell (DESIGN §7)", () => {
  const { cell } = cellLookups([{ ...LTE, radioType: "umts" }, LTE, { ...LTE, radioType: "5g", cellId: 4 }]);
  assert.equal(cell.map((c) => [c.radio, c.cid]), [["lte", 3]]);
});

test("a gsm cell with a cid above 65535 is a wcdma cell, and so is its area", () => {
  const { cell, area } = cellLookups([{ ...LTE, radioType: "gsm", cellId: 65536 }]);
  assert.equal([cell[0]?.radio, cell[0]?.cid, area[0]?.radio], ["wcdma", 65536, "wcdma"]);
  assert.is(cellOf({ radioType: "gsm", cellId: 65535 })?.radio, "gsm");
  assert.is(areaOf({ radioType: "gsm", cellId: 2 ** 28 })?.radio, "wcdma");
});

test("nr cells: 24-bit TAC, 36-bit NCI, PCI up to 1007 (DESIGN §7)", () => {
  const nr: CellInput = { radioType: "nr", mobileCountryCode: 244, mobileNetworkCode: 5, locationAreaCode: 0xfffffd, cellId: 2 ** 36 - 1 };
  const { cell, area } = cellLookups([{ ...nr, primaryScramblingCode: 1007, signalStrength: -90 }]);
  assert.equal(cell, [{ radio: "nr", mcc: 244, mnc: 5, lac: 0xfffffd, cid: 2 ** 36 - 1, psc: 1007, signal: -90 }]);
  assert.equal(area, [{ radio: "nr", mcc: 244, mnc: 5, lac: 0xfffffd, signal: -90 }]);
  assert.equal(cellLookups([{ ...nr, cellId: 2 ** 36 }]).cell, []);
  assert.equal(cellLookups([{ ...nr, locationAreaCode: 0xfffffe }]).area, []);
});

test("a psc-only neighbour cell contributes neither a cell nor an area", () => {
  assert.equal(cellLookups([{ radioType: "lte", mobileCountryCode: 262, mobileNetworkCode: 1, primaryScramblingCode: 5 }]), { cell: [], area: [] });
});

test("duplicates: the kept entry stays when better, so −82 wins over −90 and −85 (test_query)", () => {
  const beacons: BluetoothBeacon[] = [
    { macAddress: MAC, signalStrength: -90, name: "my-beacon" },
    { macAddress: MAC, signalStrength: -82 },
    { macAddress: MAC, signalStrength: -85 },
    { macAddress: OTHER, signalStrength: -70 },
  ];
  assert.equal(blueLookups(beacons), [{ mac: MAC, signal: -82 }, { mac: OTHER, signal: -70 }]);
  const aps = beacons.map(({ macAddress, signalStrength }) => ({ macAddress, signalStrength }));
  assert.equal(wifiLookups(aps).map((w) => w.signal), [-82, -70]);
});

test("duplicates: 'better' is any comparable field, not a lexicographic compare (SPEC §9.23)", () => {
  // The newcomer has the lower TA (the first comparator), the kept cell the stronger signal.
  const { cell } = cellLookups([{ ...LTE, timingAdvance: 5, signalStrength: -50 }, { ...LTE, timingAdvance: 1, signalStrength: -90 }]);
  assert.equal(cell.map((c) => [c.ta, c.signal]), [[5, -50]]);
  const aps = wifiLookups([{ macAddress: MAC, signalStrength: -90, signalToNoiseRatio: 50 }, { macAddress: MAC, signalStrength: -80, signalToNoiseRatio: 10 }, { macAddress: OTHER }]);
  assert.equal(aps[0], { mac: MAC, signal: -90, snr: 50 });
  // Nothing comparable: the newcomer replaces the kept one, in the first one's place.
  const later = blueLookups([{ macAddress: MAC, signalStrength: -80 }, { macAddress: OTHER }, { macAddress: "36:80:87:3E:9B:83", age: 10 }]);
  assert.equal(later, [{ mac: MAC, age: 10 }, { mac: OTHER }]);
  assert.ok(cellIsBetter({ age: 1 }, { age: 2 }));
  assert.not.ok(cellIsBetter({ signal: -90 }, { age: 2 }));
});

test("duplicate cells keep the strongest (test_cell_duplicated); 3 cells in one area give 3 cells, 1 area", () => {
  const base = { ...LTE, age: 20, timingAdvance: 1 };
  const dup = cellLookups([-95, -90, -92].map((signalStrength) => ({ ...base, signalStrength })));
  assert.equal([dup.cell.length, dup.cell[0]?.signal, dup.area.length, dup.area[0]?.signal], [1, -90, 1, -90]);
  const three = cellLookups([3, 5, 4].map((cellId) => ({ ...base, cellId })));
  assert.equal([three.cell.length, three.area.length], [3, 1]);
});

test("fewer than 2 distinct valid Bluetooth or Wi-Fi networks empty the list; cells have no minimum", () => {
  assert.equal(blueLookups([{ macAddress: MAC }]), []);
  assert.equal(blueLookups([{ macAddress: MAC }, { macAddress: MAC }, { macAddress: MAC }]), []);
  assert.equal(blueLookups([{ macAddress: MAC }, { macAddress: "foo" }]), []);
  assert.equal(wifiLookups([{ macAddress: MAC }]), []);
  assert.equal(wifiLookups([{ macAddress: MAC }, { macAddress: "36-80-87-3e-9b-83" }]), []);
  assert.equal(wifiLookups([{ macAddress: MAC }, { macAddress: "foo" }]), []);
  assert.is(wifiLookups([{ macAddress: MAC }, { macAddress: OTHER }]).length, 2);
  assert.is(cellLookups([LTE]).cell.length, 1);
});

test("lacf false leaves the area list empty, the cell list intact", () => {
  const request = (lacf: boolean): LocateRequest => ({
    bluetoothBeacons: [], wifiAccessPoints: [], cellTowers: [LTE, { ...LTE, cellId: undefined, locationAreaCode: 7 }], fallbacks: { ipf: true, lacf },
  });
  assert.equal([buildLookups(request(true)).cell.length, buildLookups(request(true)).area.length], [1, 2]);
  assert.equal([buildLookups(request(false)).cell.length, buildLookups(request(false)).area.length], [1, 0]);
});

test.run();
