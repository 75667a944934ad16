/**
 * s3rver in a process of its own, as a real S3 service would be: the bench's measurements then
 * do not share a Node event loop with the server's request handling. Listens on a free port of
 * 127.0.0.1 with one bucket, over the directory it is given, and speaks the benches' child
 * protocol (harness/child-protocol.ts): `ready` with its URL, stops when asked.
 */
import S3rver from "s3rver";
import { onStopRequest, sendReady } from "../harness/child-protocol.ts";

const [directory, bucket] = process.argv.slice(2);
const server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory: directory!, configureBuckets: [{ name: bucket!, configs: [] }] });
const { port } = await server.run();
onStopRequest(() => server.close());
sendReady(`http://127.0.0.1:${port}`);
