/**
 * What the pipeline needs to know about regions (SPEC §4.11). The implementation over country
 * boundaries from an npm package lives in `regions.ts`; pure modules take this interface so
 * they stay free of data loading.
 */
export interface RegionLookup {
  /** The region code (GENC alpha-2) of a position, or null at sea / outside every region. */
  region(lat: number, lon: number): string | null;
  /** Whether the position lies inside the region's buffered shape. */
  inRegion(lat: number, lon: number, code: string): boolean;
  /** Whether the position lies inside any region's buffered shape. */
  anyRegion(lat: number, lon: number): boolean;
  /** MCC-aware region: the MCC's regions containing the point; several → `region()`. */
  regionForCell(lat: number, lon: number, mcc: number): string | null;
  /** The regions an MCC is used in (GENC codes present in the shape data). */
  mccRegions(mcc: number): readonly string[];
  /** The region's maximum radius in metres, or null for an unknown code. */
  maxRadius(code: string): number | null;
}
