/**
 * The API document cannot drift: real requests to every documented endpoint, successes and
 * errors, and each answer's body validates against the schema the document gives for its
 * path, method and status. Every documented response is provoked, except the ones that need a
 * backend outage (listed, with where they are tested).
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { openApiDocument } from "../../src/api/openapi/document.ts";
import { call, insertMacs, LONDON_IP } from "../support/locate-setup.ts";
import { createWebTestEnv, type WebTestEnv } from "../support/web-setup.ts";

type Json = Record<string, unknown>;
const S = suite<{ env: WebTestEnv }>("OpenAPI document");
const doc = openApiDocument() as { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Json }> }> }>>; components: { schemas: Json } };
const TOKEN = "openapi-admin-token";

/** Responses only a backend outage produces: their envelope is the ErrorEnvelope validated here for every other error. */
const NEEDS_OUTAGE = new Set([
  ...["/v1/geolocate", "/v1/country", "/v2/geosubmit", "/v1/geosubmit", "/v1/submit"].map((p) => `${p} post 503`),
  "/__heartbeat__ get 503", "/v1/events get 503",
]);

S.before(async (ctx) => {
  ctx.env = await createWebTestEnv("openapi", { TRUST_PROXY: "true", MAX_BODY_BYTES: "1MiB", ADMIN_TOKEN: TOKEN });
  await ctx.env.pool.query(
    `INSERT INTO api_key (valid_key, maxreq, allow_fallback, allow_locate, allow_region, store_sample_locate, store_sample_submit)
     VALUES ('test', 0, 0, 1, 1, 0, 100), ('limited', 1, 0, 1, 1, 0, 100)`);
  await insertMacs(ctx.env, "wifi", [{ mac: "0a0000000001" }, { mac: "0a0000000002" }]);
});
S.after(async (ctx) => ctx.env.close());

const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema({ $id: "doc", components: doc.components });
const seen = new Set<string>();

async function check(path: string, method: string, res: Response): Promise<void> {
  const op = doc.paths[path]?.[method];
  assert.ok(op, `${method} ${path} is documented`);
  const documented = op.responses[String(res.status)];
  assert.ok(documented, `${method} ${path} answered ${res.status}, which the document does not list`);
  seen.add(`${path} ${method} ${res.status}`);
  const schema = documented.content?.["application/json"]?.schema;
  const text = await res.text();
  if (!schema) return;
  assert.match(res.headers.get("content-type") ?? "", /application\/json/, `${method} ${path} ${res.status} is JSON`);
  const validate = ajv.compile({ $ref: `doc#/components/schemas/${String(schema.$ref).split("/").pop()}` });
  const ok = validate(JSON.parse(text));
  assert.ok(ok, `${method} ${path} ${res.status}: ${text.slice(0, 300)} → ${ajv.errorsText(validate.errors)}`);
}

const wifi = { wifiAccessPoints: [{ macAddress: "0a0000000001", signalStrength: -60 }, { macAddress: "0a0000000002", signalStrength: -70 }] };
const unknownWifi = { considerIp: false, wifiAccessPoints: [{ macAddress: "0b0000000001" }, { macAddress: "0b0000000002" }] };
const report = { items: [{ position: { latitude: 51.5, longitude: -0.1 }, wifiAccessPoints: [{ macAddress: "0c0000000001" }] }] };

S("every endpoint's answers validate against the document, and every documented answer is provoked", async ({ env }) => {
  const big = "x".repeat(1024 * 1024 + 10);
  for (const path of ["/v1/geolocate", "/v1/country"]) {
    await check(path, "post", await call(env, path, path === "/v1/country" ? {} : wifi, { ip: LONDON_IP }));
    await check(path, "post", await call(env, path, unknownWifi, { ip: "127.0.0.1" }));
    await check(path, "post", await call(env, path, "{not json", {}));
    await check(path, "post", await call(env, path, {}, { key: null }));
    await check(path, "post", await call(env, path, big, {}));
    if (path === "/v1/geolocate") {
      // /v1/country has no daily limit (SPEC §1.1).
      await call(env, path, {}, { key: "limited", ip: LONDON_IP });
      await check(path, "post", await call(env, path, {}, { key: "limited", ip: LONDON_IP }));
    }
    await check(path, "options", await env.app.request(path, { method: "OPTIONS" }));
    await check(path, "post", await env.app.request(path, { method: "PUT" }));
  }
  const submits: readonly [string, unknown][] = [
    ["/v2/geosubmit", report],
    ["/v1/geosubmit", { items: [{ latitude: 51.5, longitude: -0.1, wifiAccessPoints: [{ macAddress: "0c0000000002" }] }] }],
    ["/v1/submit", { items: [{ lat: 51.5, lon: -0.1, wifi: [{ key: "0c0000000003" }] }] }],
  ];
  for (const [path, body] of submits) {
    await check(path, "post", await call(env, path, body, { key: "test" }));
    await check(path, "post", await call(env, path, "{not json", { key: "test" }));
    await check(path, "post", await call(env, path, body, { key: "unknown-key-0000" }));
    await check(path, "post", await call(env, path, big, { key: "test" }));
    await call(env, path, body, { key: "limited" });
    await check(path, "post", await call(env, path, body, { key: "limited" }));
    await check(path, "options", await env.app.request(path, { method: "OPTIONS" }));
    await check(path, "post", await env.app.request(path, { method: "PUT" }));
  }
  await check("/__heartbeat__", "get", await env.app.request("/__heartbeat__"));
  await check("/__lbheartbeat__", "get", await env.app.request("/__lbheartbeat__"));
  for (const kind of ["blue", "cell", "wifi"]) await check(`/stats_${kind}.json`, "get", await env.app.request(`/stats_${kind}.json`));
  const bearer = { authorization: `Bearer ${TOKEN}` };
  await check("/v1/events", "get", await env.app.request("/v1/events?limit=2", { headers: bearer }));
  await check("/v1/events", "get", await env.app.request("/v1/events?limit=abc", { headers: bearer }));
  await check("/v1/events", "get", await env.app.request("/v1/events"));

  const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).flatMap(([method, op]) => Object.keys(op.responses).map((status) => `${path} ${method} ${status}`)));
  const missed = documented.filter((d) => !seen.has(d) && !NEEDS_OUTAGE.has(d));
  assert.equal(missed, [], "every documented response was provoked");
});

S("/openapi.json serves the document; /api renders it", async ({ env }) => {
  const res = await env.app.request("/openapi.json");
  assert.is(res.status, 200);
  const served = (await res.json()) as Json;
  assert.is(served.openapi, "3.1.0");
  assert.equal(served, JSON.parse(JSON.stringify(openApiDocument())));
  const page = await (await env.app.request("/api")).text();
  for (const path of Object.keys(doc.paths)) assert.ok(page.includes(`<code>${path}</code>`), `/api documents ${path}`);
  const prose = page.replace(/<pre>[\s\S]*?<\/pre>/g, "");
  assert.not.ok(prose.includes("`"), "descriptions' `code spans` are rendered, not shown as backticks");
  assert.ok(prose.includes("<code>parseError</code>"));
});

S.run();
