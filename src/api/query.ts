import { getQuery, type H3Event } from "h3";

/** One query parameter; a repeated one (`?key=a&key=b`) counts by its first value. */
export function firstQueryValue(event: H3Event, name: string): string | undefined {
  const value = getQuery(event)[name];
  return Array.isArray(value) ? String(value[0] ?? "") : value === undefined ? undefined : String(value);
}
