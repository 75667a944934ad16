/**
 * Per-network validation at observation level (SPEC §4.6 "Network validation", rules of §3.2),
 * on the internal shape the transform produces. Out-of-range optional values are dropped;
 * a network missing a required part is invalid (null). DESIGN §7 adds `nr` cells and 6 GHz Wi-Fi.
 */
import type { BlueObservation, CellObservation, ReportPart, StationRadio, WifiObservation } from "./types.ts";
import { isKnownMcc } from "./known-mcc.ts";
import { isValidMac, normalizeMac } from "./mac.ts";
import { channelFromFrequency, frequencyFromChannel, isValidChannel, isValidFrequency } from "./wifi-channel.ts";

/** Internal-shape entries (SPEC §4.6 step 1): the v2 names mapped, nulls omitted, ssid/name gone. */
export interface InternalBlue {
  mac?: string;
  age?: number;
  signal?: number;
}

export interface InternalWifi {
  mac?: string;
  age?: number;
  channel?: number;
  frequency?: number;
  radio?: string;
  snr?: number;
  signal?: number;
}

export interface InternalCell {
  radio?: string;
  mcc?: number;
  mnc?: number;
  lac?: number;
  cid?: number;
  age?: number;
  asu?: number;
  psc?: number;
  serving?: number;
  signal?: number;
  ta?: number;
}

export type ValidBlue = Omit<BlueObservation, keyof ReportPart>;
export type ValidWifi = Omit<WifiObservation, keyof ReportPart>;
export type ValidCell = Omit<CellObservation, keyof ReportPart>;

const MAX_AGE = 3_600_000;

/** Inclusive range check, as colander's `Range`; NaN never passes. */
export function inRange(value: number | undefined, min: number, max: number): value is number {
  return value !== undefined && value >= min && value <= max;
}

/** Normalised MAC, or null when it is missing or not a usable address. */
function validMac(mac: string | undefined): string | null {
  if (mac === undefined) return null;
  const normalized = normalizeMac(mac);
  return isValidMac(normalized) ? normalized : null;
}

export function validateBlue(b: InternalBlue): ValidBlue | null {
  const mac = validMac(b.mac);
  if (mac === null) return null;
  const v: ValidBlue = { mac };
  if (inRange(b.age, -MAX_AGE, MAX_AGE)) v.age = b.age;
  if (inRange(b.signal, -127, 0)) v.signal = b.signal;
  return v;
}

export function validateWifi(w: InternalWifi): ValidWifi | null {
  const mac = validMac(w.mac);
  if (mac === null) return null;
  const v: ValidWifi = { mac };
  if (inRange(w.age, -MAX_AGE, MAX_AGE)) v.age = w.age;
  let frequency = w.frequency !== undefined && isValidFrequency(w.frequency) ? w.frequency : undefined;
  let channel = w.channel !== undefined && isValidChannel(w.channel, frequency) ? w.channel : undefined;
  // Completion only fills a missing half; a given pair is kept even when inconsistent (SPEC §6.8).
  if (channel === undefined && frequency !== undefined) channel = channelFromFrequency(frequency);
  else if (frequency === undefined && channel !== undefined) frequency = frequencyFromChannel(channel);
  if (channel !== undefined) v.channel = channel;
  if (frequency !== undefined) v.frequency = frequency;
  if (inRange(w.signal, -100, -10)) v.signal = w.signal;
  if (inRange(w.snr, 1, 100)) v.snr = w.snr;
  return v;
}

interface RadioRules {
  readonly lac: number;
  readonly cid: number;
  readonly psc: number;
  readonly asu: readonly [number, number];
  readonly signal: readonly [number, number];
  readonly signalFromAsu: (asu: number) => number;
  readonly keepTa: boolean;
}

/**
 * Per-radio ranges (SPEC §3.2). Each lies inside upstream's union ranges (asu −5…97, signal
 * −140…−25), so checking the radio's range alone gives the same result as checking both.
 * `nr` (DESIGN §7): TAC is 24-bit with 0, 0xFFFFFE and 0xFFFFFF left out as LTE's LAC range does
 * for 0, 0xFFFE and 0xFFFF; NCI is 36-bit; PCI 0…1007. SS-RSRP uses LTE's −140…−43 dBm and
 * Android's NR ASU 0…97 (= RSRP + 140). TA keeps the common 0…63: it only ranks duplicates.
 */
const RULES: Readonly<Record<StationRadio, RadioRules>> = {
  gsm: { lac: 65533, cid: 2 ** 28 - 1, psc: 511, asu: [0, 31], signal: [-113, -51], signalFromAsu: (a) => 2 * a - 113, keepTa: true },
  wcdma: { lac: 65533, cid: 2 ** 28 - 1, psc: 511, asu: [-5, 91], signal: [-121, -25], signalFromAsu: (a) => a - 116, keepTa: false },
  // LTE PCIs stop at 503; upstream nulls 504…511 rather than rejecting the cell.
  lte: { lac: 65533, cid: 2 ** 28 - 1, psc: 503, asu: [0, 97], signal: [-140, -43], signalFromAsu: (a) => a - 140, keepTa: true },
  nr: { lac: 0xfffffd, cid: 2 ** 36 - 1, psc: 1007, asu: [0, 97], signal: [-140, -43], signalFromAsu: (a) => a - 140, keepTa: true },
};

/** `cdma`, unknown and missing radios are invalid; gsm with a cid above 16 bits is wcdma. */
function cellRadio(radio: string | undefined, cid: number | undefined): StationRadio | null {
  switch (radio) {
    case "gsm":
      return cid !== undefined && cid > 65535 ? "wcdma" : "gsm";
    case "wcdma":
    case "lte":
    case "nr":
      return radio;
    default:
      return null;
  }
}

export function validateCell(c: InternalCell): ValidCell | null {
  const radio = cellRadio(c.radio, c.cid);
  if (radio === null) return null;
  const r = RULES[radio];
  const { mcc, mnc, lac, cid } = c;
  if (mcc === undefined || !isKnownMcc(mcc) || !inRange(mnc, 0, 999)) return null;
  if (!inRange(lac, 1, r.lac) || !inRange(cid, 1, r.cid)) return null;
  const v: ValidCell = { radio, mcc, mnc, lac, cid };
  if (inRange(c.psc, 0, r.psc)) v.psc = c.psc;
  if (inRange(c.age, -MAX_AGE, MAX_AGE)) v.age = c.age;
  addSignal(v, c.asu, c.signal, r);
  if (r.keepTa && inRange(c.ta, 0, 63)) v.ta = c.ta;
  return v;
}

/** ASU/signal fix-ups of SPEC §3.2: swap a dBm value sent as asu, range-check, derive signal. */
function addSignal(v: ValidCell, rawAsu: number | undefined, rawSignal: number | undefined, r: RadioRules): void {
  let asu = rawAsu;
  let signal = rawSignal;
  if (asu !== undefined && asu < -5 && (signal === undefined || signal >= 0)) {
    signal = asu;
    asu = undefined;
  }
  if (inRange(asu, r.asu[0], r.asu[1])) v.asu = asu;
  if (inRange(signal, r.signal[0], r.signal[1])) v.signal = signal;
  else if (v.asu !== undefined) v.signal = r.signalFromAsu(v.asu);
}
