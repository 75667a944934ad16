/** Posts synthetic geosubmit bodies (synthetic-reports.ts) to a test app, each answered 200. */
import * as assert from "uvu/assert";
import { type SyntheticOptions, syntheticGeosubmits } from "./synthetic-reports.ts";
import type { WebTestEnv } from "./web-setup.ts";

/** Returns how many reports were accepted. */
export async function submitSynthetic(app: WebTestEnv["app"], options: SyntheticOptions): Promise<number> {
  let reports = 0;
  for (const body of syntheticGeosubmits(options)) {
    const res = await app.request("/v2/geosubmit", { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
    assert.is(res.status, 200);
    reports += body.items.length;
  }
  return reports;
}
