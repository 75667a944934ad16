/**
 * HOST's default listens on IPv6 and IPv4 at once (`::`, IPv4-mapped addresses): a web process
 * started without HOST answers on 127.0.0.1 and on [::1].
 */
import { createServer } from "node:net";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createServices, type Services } from "../../src/cli/services.ts";
import { CONFIG_DEFAULTS, loadConfig } from "../../src/config.ts";
import { applyMigrations } from "../../src/db/migrate.ts";
import { createLogger } from "../../src/logger.ts";
import { createWebProcess, type WebProcess } from "../../src/process/web-process.ts";
import { createTestDatabase, redisUrl, uniquePrefix } from "../support/infra.ts";

/** Whether this machine can listen on the IPv6 loopback (some containers have no IPv6 at all). */
function hasIpv6Loopback(): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(0, "::1", () => probe.close(() => resolve(true)));
  });
}

const S = suite<{ services: Services; web: WebProcess; port: string; drop: () => Promise<void> }>("dual-stack listening by default");

S.before(async (ctx) => {
  const log = createLogger((process.env.TEST_LOG_LEVEL as "info") ?? "silent");
  const db = await createTestDatabase("dual-stack");
  ctx.drop = db.drop;
  await applyMigrations({ databaseUrl: db.url, log });
  // No HOST: the default is what is under test.
  const config = loadConfig({ DATABASE_URL: db.url, REDIS_URL: await redisUrl(), REDIS_PREFIX: uniquePrefix("dual-stack"), PORT: "0" });
  ctx.services = createServices(config, log);
  ctx.web = await createWebProcess(ctx.services);
  ctx.port = new URL(ctx.web.server.url).port;
});
S.after(async (ctx) => {
  await ctx.web?.stop();
  await ctx.services?.close();
  await ctx.drop?.();
});

S("HOST defaults to ::", () => {
  assert.is(CONFIG_DEFAULTS.HOST, "::");
  assert.is(loadConfig({}).host, "::");
});

S("the web process answers on the IPv4 loopback", async ({ port }) => {
  const res = await fetch(`http://127.0.0.1:${port}/__lbheartbeat__`);
  assert.is(res.status, 200);
  assert.equal(await res.json(), { status: "OK" });
});

S("the web process answers on the IPv6 loopback", async ({ web, port }) => {
  if (!(await hasIpv6Loopback())) {
    console.log("  skipped: this machine has no IPv6 loopback (::1), so only the IPv4 half was checked");
    return;
  }
  assert.is(new URL(web.server.url).hostname, "[::]", "listening dual-stack, not on 0.0.0.0");
  const res = await fetch(`http://[::1]:${port}/__lbheartbeat__`);
  assert.is(res.status, 200);
  assert.equal(await res.json(), { status: "OK" });
});

S.run();
