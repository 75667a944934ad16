/**
 * The web process under test, in a child process of its own so the load generator does not
 * share its event loop: the same composition as `ichnos web` (src/process/web-process.ts),
 * configured by loadConfig from the environment the bench passes (scratch REDIS_PREFIX and
 * DATABASE_URL, HOST 127.0.0.1, PORT 0). Tells the bench its URL over IPC; stops on "stop",
 * SIGTERM, SIGINT or when the bench goes away (child-protocol.ts). bench:locate starts it with
 * the SQL trace loaded first (`--import sql-trace/hook.ts`).
 */
import { createServices } from "../../src/cli/services.ts";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/logger.ts";
import { createWebProcess } from "../../src/process/web-process.ts";
import { onStopRequest, sendReady } from "./child-protocol.ts";

const config = loadConfig(process.env);
const log = createLogger(config.logLevel);
const services = createServices(config, log);
const web = await createWebProcess(services);

onStopRequest(async () => {
  await web.stop();
  await services.close();
});
sendReady(web.server.url);
