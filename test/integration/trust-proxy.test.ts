/**
 * TRUST_PROXY=N: the client address is the entry N places from the right of X-Forwarded-For,
 * the one the outermost trusted proxy wrote. Entries further left are the client's own words and
 * must not move its GeoIP answer (here `/v1/country`, London's address is GB, private ones unknown).
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { LONDON_IP } from "../support/locate-setup.ts";
import { createWebTestEnv, type WebTestEnv } from "../support/web-setup.ts";

const S = suite<{ byHops: Map<number, WebTestEnv> }>("TRUST_PROXY hops");

S.before(async (ctx) => {
  ctx.byHops = new Map();
  for (const hops of [0, 1, 2]) {
    const env = await createWebTestEnv(`trust-proxy-${hops}`, { TRUST_PROXY: String(hops) });
    await env.pool.query(
      `INSERT INTO api_key (valid_key, maxreq, allow_fallback, allow_locate, allow_region, store_sample_locate, store_sample_submit)
       VALUES ('test', 0, 0, 1, 1, 100, 100)`,
    );
    ctx.byHops.set(hops, env);
  }
});
S.after(async (ctx) => {
  for (const env of ctx.byHops.values()) await env.close();
});

async function countryFor(env: WebTestEnv, forwardedFor: string): Promise<string | null> {
  const res = await env.app.request("/v1/country?key=test", {
    method: "POST", body: "{}", headers: { "content-type": "application/json", "x-forwarded-for": forwardedFor },
  });
  if (res.status === 404) return null;
  assert.is(res.status, 200, await res.clone().text());
  return ((await res.json()) as { country_code: string }).country_code;
}

S("with TRUST_PROXY=1 a London address the client put first is not used; the one the proxy appended is", async ({ byHops }) => {
  const env = byHops.get(1)!;
  assert.is(await countryFor(env, `${LONDON_IP}, 10.1.2.3`), null, "spoofed first entry ignored");
  assert.is(await countryFor(env, `10.1.2.3, ${LONDON_IP}`), "GB");
  assert.is(await countryFor(env, LONDON_IP), "GB");
});

S("with TRUST_PROXY=2 the entry before the inner proxy's is the client", async ({ byHops }) => {
  const env = byHops.get(2)!;
  assert.is(await countryFor(env, `10.9.9.9, ${LONDON_IP}, 10.0.0.2`), "GB");
  assert.is(await countryFor(env, `${LONDON_IP}, 10.1.2.3, 10.0.0.2`), null, "spoofed first entry ignored");
});

S("with TRUST_PROXY=0 X-Forwarded-For is ignored altogether", async ({ byHops }) => {
  assert.is(await countryFor(byHops.get(0)!, LONDON_IP), null);
});

S.run();
