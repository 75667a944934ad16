/**
 * The ceiling: a static file server on bare node:http, in a child process of its own like the
 * web child, serving exactly the bytes Ichnos answered for each tile (tile-bodies.ts wrote them
 * under the directory given as the first argument, `<z>/<x>/<y>.json`), held in memory, with
 * the same content-type and cache-control. No routing beyond one Map lookup, no Redis, no JSON:
 * what this box can serve of the same bytes over HTTP/1.1 keep-alive. Same IPC protocol as the
 * web child (harness/child-protocol.ts).
 */
import { readdir, readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { join, relative, sep } from "node:path";
import { onStopRequest, sendReady } from "../harness/child-protocol.ts";

const [dir, contentType, cacheControl] = process.argv.slice(2);
if (!dir || !contentType || !cacheControl) throw new Error("usage: static-child.ts <dir> <content-type> <cache-control>");

const bodies = new Map<string, Buffer>();
for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile()) continue;
  const file = join(entry.parentPath, entry.name);
  bodies.set(`/map/data/${relative(dir, file).split(sep).join("/")}`, await readFile(file));
}

const server = createServer((req, res) => {
  const body = bodies.get(req.url ?? "");
  if (!body) {
    res.writeHead(404, { "content-length": 0 }).end();
    return;
  }
  res.writeHead(200, { "content-type": contentType, "cache-control": cacheControl, "content-length": body.length }).end(body);
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const address = server.address();
if (!address || typeof address === "string") throw new Error("the static server has no TCP address");

onStopRequest(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
process.stderr.write(`serving ${bodies.size} tiles from memory\n`);
sendReady(`http://127.0.0.1:${address.port}`);
