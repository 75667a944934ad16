/**
 * API routes (SPEC §1.1, §1.3): GET, HEAD and POST reach the handler; OPTIONS answers 200 with
 * the CORS headers and an empty body; other methods get the framework's 405. Every API
 * response, errors included, carries the CORS headers.
 */
import { type H3, type H3Event, HTTPError } from "h3";

const CORS_HEADERS = { "access-control-allow-origin": "*", "access-control-max-age": "2592000" } as const;
const API_METHODS = ["GET", "HEAD", "POST"] as const;

/**
 * The preflight also allows `Content-Type` and the route's methods: a page on another origin that
 * POSTs JSON is otherwise blocked by the browser (`application/json` is not a "simple" content
 * type). A deliberate difference from Ichnaea, whose preflight sends only the two headers above.
 */
export const PREFLIGHT_HEADERS = {
  ...CORS_HEADERS,
  "access-control-allow-headers": "Content-Type",
  "access-control-allow-methods": [...API_METHODS, "OPTIONS"].join(", "),
} as const;

/**
 * On both header sets: h3 puts `headers` on answers (ApiError envelopes included, see app.ts) but
 * only `errHeaders` on the response it builds from a thrown HTTPError (the 405, a hidden 500).
 */
export function setCorsHeaders(event: H3Event): void {
  for (const [name, value] of Object.entries(CORS_HEADERS)) {
    event.res.headers.set(name, value);
    event.res.errHeaders.set(name, value);
  }
}

export function defineApiRoute(app: H3, path: string, handler: (event: H3Event) => unknown): void {
  const handle = (event: H3Event) => {
    setCorsHeaders(event);
    return handler(event);
  };
  for (const method of API_METHODS) app.on(method, path, handle);
  app.on("OPTIONS", path, () => new Response(null, { status: 200, headers: PREFLIGHT_HEADERS }));
  app.all(path, (event) => {
    setCorsHeaders(event);
    throw new HTTPError({ status: 405, statusText: "Method Not Allowed", headers: { allow: "GET, HEAD, POST, OPTIONS" } });
  });
}
