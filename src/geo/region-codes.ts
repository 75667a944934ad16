/**
 * Which GENC region each of @rapideditor/country-coder's border features belongs to, and the
 * polygons each region gathers from them.
 */
import { borders } from "@rapideditor/country-coder";

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

/** A region's polygons, GeoJSON-style: polygon → ring → [lon, lat]. */
export type RegionPolygons = number[][][][];

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

function polygonsOf(feature: Border): RegionPolygons {
  const g = feature.geometry;
  if (g?.type === "MultiPolygon") return g.coordinates;
  if (g?.type === "Polygon") return [g.coordinates];
  return [];
}

/** Every GENC region's polygons, gathered from all the features that code to it. */
export function regionPolygons(): Map<string, RegionPolygons> {
  const byId = new Map(borders.features.map((f) => [f.properties.id, f]));
  const out = new Map<string, RegionPolygons>();
  for (const feature of borders.features) {
    const polygons = polygonsOf(feature);
    const code = polygons.length > 0 ? regionCode(feature, byId) : null;
    if (code) out.set(code, [...(out.get(code) ?? []), ...polygons]);
  }
  return out;
}
