/**
 * The OpenAPI 3.1 description of Ichnos's public HTTP interface, served at `/openapi.json` and
 * rendered at `/api`. Every response a test can provoke is listed with its schema
 * (test/integration/openapi.test.ts sends real requests and validates each answer against it),
 * so the document cannot drift from the code.
 */
import { SCHEMAS } from "./schemas.ts";

type Json = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json, description: string) => ({ description, content: { "application/json": { schema } } });
const error = (description: string) => json(ref("ErrorEnvelope"), description);
const KEY = { name: "key", in: "query", schema: { type: "string", pattern: "^[-0-9a-zA-Z]{4,40}$" } };
const CORS_HEADERS = {
  "Access-Control-Allow-Origin": { schema: { const: "*" } },
  "Access-Control-Max-Age": { schema: { const: "2592000" } },
};
const PREFLIGHT = {
  summary: "CORS preflight", tags: ["CORS"],
  description: "Allows any origin to POST JSON: besides Ichnaea's two headers, it names the allowed methods and `Content-Type`.",
  responses: {
    200: {
      description: "Empty; the CORS headers allow the request.",
      headers: {
        ...CORS_HEADERS,
        "Access-Control-Allow-Headers": { schema: { const: "Content-Type" } },
        "Access-Control-Allow-Methods": { schema: { const: "GET, HEAD, POST, OPTIONS" } },
      },
    },
  },
};

interface ApiOperation {
  readonly summary: string;
  readonly description: string;
  readonly tag: string;
  readonly keyRequired: boolean;
  readonly request: string;
  readonly ok: readonly [status: number, body: Json | null, description: string];
  readonly errors: Readonly<Record<number, string>>;
}

function apiPath(op: ApiOperation): Json {
  const post: Json = {
    summary: op.summary, description: op.description, tags: [op.tag],
    parameters: [{ ...KEY, required: op.keyRequired, description: op.keyRequired ? "Your API key." : "Optional: submissions are credited to the key." }],
    requestBody: {
      required: false,
      content: {
        "application/json": { schema: ref(op.request) },
        "application/octet-stream": { description: "The same JSON, gzip-compressed (`Content-Encoding: gzip`)." },
      },
    },
    responses: {
      [op.ok[0]]: op.ok[1] ? { ...json(op.ok[1], op.ok[2]), headers: CORS_HEADERS } : { description: op.ok[2], headers: CORS_HEADERS },
      ...Object.fromEntries(Object.entries(op.errors).map(([status, text]) => [status, { ...error(text), headers: CORS_HEADERS }])),
      405: { description: "Another method than GET, HEAD, POST or OPTIONS; the framework's small error body, no CORS headers." },
    },
  };
  return { post, options: PREFLIGHT };
}

const KEY_ERRORS = {
  400: "The body did not parse or validate (`parseError`, with `details`), or the key is missing or unknown (`keyInvalid`).",
  403: "The key's daily limit is used up (`dailyLimitExceeded`).",
  413: "The body is larger than MAX_BODY_BYTES after decompression (`payloadTooLarge`).",
};

export function openApiDocument(): Json {
  return {
    openapi: "3.1.0",
    info: {
      title: "Ichnos",
      version: "1",
      summary: "An open geolocation service speaking Mozilla Location Service's API.",
      description: "Locate a device from the Wi-Fi access points, cells and Bluetooth beacons it hears, or by its IP address; " +
        "contribute GPS-tagged observations. Requests and responses are JSON; request bodies may be gzip-compressed.",
      license: { name: "Apache-2.0", identifier: "Apache-2.0" },
    },
    servers: [{ url: "/", description: "this installation" }],
    tags: [
      { name: "Locate", description: "Where is this device?" }, { name: "Submit", description: "Contribute observations." },
      { name: "Monitor", description: "For load balancers and operators." }, { name: "Statistics", description: "What the map holds." },
      { name: "CORS", description: "Browsers on other origins." }, { name: "Operators", description: "Needs ADMIN_TOKEN." },
    ],
    paths: {
      "/v1/geolocate": apiPath({
        summary: "Locate a device", tag: "Locate", keyRequired: true, request: "LocateRequest",
        description: "The position and its accuracy radius from the networks in the body, else from the IP address (`considerIp`).",
        ok: [200, ref("LocateResponse"), "A position."],
        errors: { ...KEY_ERRORS, 404: "No position could be found (`notFound`).", 503: "A backend is down (`serviceUnavailable`)." },
      }),
      "/v1/country": apiPath({
        summary: "The device's country", tag: "Locate", keyRequired: true, request: "LocateRequest",
        description: "The region (GENC code and name) from the networks in the body or the IP address.",
        ok: [200, ref("RegionResponse"), "A region."],
        // No daily limit on regions (SPEC §1.1), so no 403.
        errors: { 400: KEY_ERRORS[400], 413: KEY_ERRORS[413], 404: "No region could be found (`notFound`).", 503: "A backend is down (`serviceUnavailable`)." },
      }),
      "/v2/geosubmit": apiPath({
        summary: "Contribute observations", tag: "Submit", keyRequired: false, request: "GeosubmitV2Request",
        description: "GPS-tagged reports of the networks heard; accepted reports go to the log and improve the map.",
        ok: [200, ref("Empty"), "Accepted: `{}`."], errors: { ...KEY_ERRORS, 503: "Redis cannot take the reports (`serviceUnavailable`): send them again later." },
      }),
      "/v1/geosubmit": apiPath({
        summary: "Contribute observations (deprecated v1 schema)", tag: "Submit", keyRequired: false, request: "GeosubmitV1Request",
        description: "As /v2/geosubmit with the older field layout.",
        ok: [200, ref("Empty"), "Accepted: `{}`."], errors: { ...KEY_ERRORS, 503: "Redis cannot take the reports (`serviceUnavailable`)." },
      }),
      "/v1/submit": apiPath({
        summary: "Contribute observations (oldest schema)", tag: "Submit", keyRequired: false, request: "SubmitV0Request",
        description: "The schema GeoClue sends.", ok: [204, null, "Accepted; no body."],
        errors: { ...KEY_ERRORS, 503: "Redis cannot take the reports (`serviceUnavailable`)." },
      }),
      "/__heartbeat__": {
        get: {
          summary: "Backend health", tags: ["Monitor"],
          responses: { 200: json(ref("Heartbeat"), "MySQL, Redis and GeoIP are up."), 503: json(ref("Heartbeat"), "At least one is down; the body says which.") },
        },
      },
      "/__lbheartbeat__": {
        get: { summary: "Liveness for load balancers", tags: ["Monitor"], responses: { 200: json(ref("LbHeartbeat"), "Always, without touching a backend.") } },
      },
      ...Object.fromEntries((["blue", "cell", "wifi"] as const).map((kind) => [`/stats_${kind}.json`, {
        get: {
          summary: `Unique ${kind === "blue" ? "Bluetooth beacons" : kind === "cell" ? "cells" : "Wi-Fi networks"} by month`, tags: ["Statistics"],
          responses: { 200: json(ref("StatsSeries"), "The largest count of each month of the last year.") },
        },
      }])),
      "/v1/events": {
        get: {
          summary: "The reports streams in order", tags: ["Operators"],
          description: "Served only when ADMIN_TOKEN is set: raw entries, exact positions and API keys included.",
          security: [{ admin: [] }],
          parameters: [
            { name: "after", in: "query", schema: { type: "string" }, description: "An entry id or the `next` of the previous page." },
            { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 1000, default: 100 } },
          ],
          responses: {
            200: json(ref("EventsPage"), "A page of entries."), 400: error("`after` or `limit` is malformed (`parseError`)."),
            401: error("Missing or wrong bearer token (`unauthorized`)."), 503: error("Redis is unreachable (`serviceUnavailable`)."),
          },
        },
      },
    },
    components: {
      schemas: SCHEMAS,
      securitySchemes: { admin: { type: "http", scheme: "bearer", description: "The installation's ADMIN_TOKEN." } },
    },
  };
}
