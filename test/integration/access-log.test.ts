/**
 * The access log (ACCESS_LOG): one structured line per request with what an operator greps for,
 * at the configured level, and none when it is off.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { captureLog } from "../support/capture-log.ts";
import { createWebTestEnv } from "../support/web-setup.ts";

const S = suite("access log");

const requestLines = (lines: readonly Record<string, unknown>[]) => lines.filter((l) => l.msg === "request");

async function withApp(env: Record<string, string>, level: "info" | "debug", fn: (app: Awaited<ReturnType<typeof createWebTestEnv>>["app"], lines: Record<string, unknown>[]) => Promise<void>) {
  const { log, lines } = captureLog(level);
  const web = await createWebTestEnv("access-log", env, { log });
  try {
    await web.pool.query(
      "INSERT INTO api_key (valid_key, maxreq, allow_fallback, allow_locate, allow_region, store_sample_locate, store_sample_submit) VALUES ('app-key', 0, 0, 1, 1, 0, 100)",
    );
    await fn(web.app, lines);
  } finally {
    await web.close();
  }
}

S("each request writes one line: method, path without query, route, status, ms, key, reqId", async () => {
  await withApp({}, "info", async (app, lines) => {
    const res = await app.request("/v1/geolocate?key=app-key&junk=1", {
      method: "POST", headers: { "x-request-id": "trace-42" }, body: JSON.stringify({ considerIp: false }),
    });
    assert.is(res.status, 404);
    await app.request("/v2/geosubmit?key=not-a-key", { method: "POST", body: "{}" });
    await app.request("/__lbheartbeat__");

    const [locate, submit, heartbeat, ...rest] = requestLines(lines);
    assert.is(rest.length, 0, "one line per request");
    assert.equal(
      { ...locate, ms: typeof locate?.ms },
      { ...locate, level: 30, method: "POST", path: "/v1/geolocate", route: "/v1/geolocate", status: 404, ms: "number", key: "app-key", reqId: "trace-42" },
    );
    assert.not.ok(String(locate?.path).includes("?"), "the query string (with its key) is not logged");
    assert.equal([submit?.status, submit?.key], [400, "invalid"], "an unknown key is never logged as sent");
    assert.equal([heartbeat?.route, heartbeat?.key], ["/__lbheartbeat__", "none"]);
    assert.match(String(heartbeat?.reqId), /^[0-9a-f-]{36}$/, "a request without X-Request-ID gets its own id");
  });
});

S("ACCESS_LOG=debug writes the line at debug level; ACCESS_LOG=off writes none", async () => {
  await withApp({ ACCESS_LOG: "debug" }, "debug", async (app, lines) => {
    await app.request("/__lbheartbeat__");
    assert.equal(requestLines(lines).map((l) => l.level), [20]);
  });
  await withApp({ ACCESS_LOG: "debug" }, "info", async (app, lines) => {
    await app.request("/__lbheartbeat__");
    assert.is(requestLines(lines).length, 0, "LOG_LEVEL=info hides debug access lines");
  });
  await withApp({ ACCESS_LOG: "off" }, "debug", async (app, lines) => {
    await app.request("/__lbheartbeat__");
    await app.request("/v1/geolocate?key=app-key", { method: "POST", body: "{}" });
    assert.is(requestLines(lines).length, 0);
    // The metrics still count what the log leaves out.
    assert.match(await (await app.request("/metrics")).text(), /ichnos_http_requests_total\{route="\/__lbheartbeat__",method="GET",status="200"\} 1/);
  });
});

S.run();
