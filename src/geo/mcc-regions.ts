/**
 * The MCC → regions table (SPEC §3.2.1), from mcc-mnc-list plus the pairs it lacks.
 *
 * Ichnaea read MCCs from `mobile_codes`; mcc-mnc-list lists operators by their home country, so
 * it misses where neighbours share an MCC. These are the SPEC §3.2.1 multi-region pairs the
 * package lacks (208 MC, 222 VA/SM, 228 LI, 244 AX, 274 FO, 542 NR, 604 EH, 647 TF) plus MCCs it
 * has no country for (430/431 AE, 995 IO). The package adds pairs mobile_codes did not have:
 * 255 RU (Crimean operators) and 338 KY/MS; they are kept as maintained data.
 */
import { all as allOperators } from "mcc-mnc-list";

const MCC_SUPPLEMENT: Readonly<Record<number, string>> = {
  208: "MC", 222: "VA SM", 228: "LI", 244: "AX", 274: "FO", 430: "AE", 431: "AE", 542: "NR", 604: "EH",
  647: "TF", 995: "IO",
};

/** Each MCC's region codes, sorted, keeping only codes in `valid` (the regions with shapes). */
export function buildMccRegions(valid: ReadonlySet<string>): Map<number, readonly string[]> {
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
