/** Column values of mysql2 rows as the domain types want them. */
import { radioFromCode } from "../domain/observation/cell-id.ts";
import type { StationRadio } from "../domain/observation/types.ts";

/** A nullable numeric column (DECIMAL and BIGINT arrive as strings). */
export const nullableNumber = (value: unknown): number | null => (value == null ? null : Number(value));

/** A `radio` column's code as the radio name (the projectors write only known codes; anything else reads as gsm). */
export const radioOfCode = (value: unknown): StationRadio => (radioFromCode(Number(value)) ?? "gsm") as StationRadio;
