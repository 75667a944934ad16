/** The CORS contract of the API routes (SPEC §1.3 plus the preflight's two additions, see README). */

/** Exactly what a preflight (`OPTIONS` on an API route) must carry, written out so a change is seen. */
export const PREFLIGHT_CORS: Readonly<Record<string, string>> = {
  "access-control-allow-headers": "Content-Type",
  "access-control-allow-methods": "GET, HEAD, POST, OPTIONS",
  "access-control-allow-origin": "*",
  "access-control-max-age": "2592000",
};

/** Every `access-control-*` header of a response, so tests can compare the whole set. */
export function corsHeaders(res: Response): Record<string, string> {
  return Object.fromEntries([...res.headers].filter(([name]) => name.startsWith("access-control-")).sort(([a], [b]) => a.localeCompare(b)));
}
