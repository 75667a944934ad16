/**
 * The web process under test: harness/web-child.ts's composition of `ichnos web` unchanged
 * (the live feed included), plus one thing the live bench needs and no public route gives: the
 * feed's own counters (LiveFeedStats: clients, sent, dropped, disconnected). On SIGUSR2 it
 * writes them to stderr as one `LIVE-STATS {json}` line, which the bench takes out of the
 * child's output (server-stats.ts). A signal, because the harness's server children have no
 * channel from the bench other than `stop`.
 */
import { createServices } from "../../src/cli/services.ts";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/logger.ts";
import { createWebProcess } from "../../src/process/web-process.ts";
import { onStopRequest, sendReady } from "../harness/child-protocol.ts";
import { LIVE_STATS_LINE } from "./server-stats.ts";

const config = loadConfig(process.env);
const log = createLogger(config.logLevel);
const services = createServices(config, log);
const web = await createWebProcess(services);

process.on("SIGUSR2", () => {
  process.stderr.write(`${LIVE_STATS_LINE}${JSON.stringify(web.live.stats())}\n`);
});
onStopRequest(async () => {
  await web.stop();
  await services.close();
});
sendReady(web.server.url);
