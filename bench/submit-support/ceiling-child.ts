/**
 * The framework ceiling: a bare h3 app served the same way (h3 `serve`, srvx on node:http,
 * `gracefulShutdown: false`) with one POST route on the submit path that only reads the body
 * (`await event.req.arrayBuffer()`, no gunzip, no JSON) and answers `{}`.
 *
 * A second route is a reference for the work no submit implementation can skip: gunzip the body
 * (async, as src/api/read-body.ts does, with 128 KiB output chunks), JSON.parse it and
 * JSON.stringify every item once (the stored entries are one JSON document per report). No
 * validation, no partitioning, no Redis. Same IPC protocol as the web child (harness/child-protocol.ts).
 */
import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import { H3, serve } from "h3";
import { onStopRequest, sendReady } from "../harness/child-protocol.ts";
import { CEILING_PATH, REFERENCE_PATH } from "./ceiling-routes.ts";

const gunzipAsync = promisify(gunzip);
let encodedBytes = 0;

const app = new H3();
app.post(CEILING_PATH, async (event) => {
  await event.req.arrayBuffer();
  return {};
});
app.post(REFERENCE_PATH, async (event) => {
  const raw = new Uint8Array(await event.req.arrayBuffer());
  const json = await gunzipAsync(raw, { maxOutputLength: 10 * 2 ** 20, chunkSize: 128 * 1024 });
  const body = JSON.parse(json.toString("utf8")) as { items?: unknown[] };
  for (const item of body.items ?? []) encodedBytes += JSON.stringify(item).length;
  return {};
});

const server = serve(app, {
  hostname: process.env.HOST ?? "127.0.0.1", port: Number(process.env.PORT ?? 0), silent: true, gracefulShutdown: false,
});
await server.ready();

onStopRequest(async () => {
  await server.close(true);
  if (encodedBytes < 0) console.error("unreachable"); // keeps the stringify results observably used
});
sendReady(server.url ?? "");
