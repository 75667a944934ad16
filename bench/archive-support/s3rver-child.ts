/**
 * s3rver in a process of its own, as a real S3 service would be: the bench's measurements then
 * do not share a Node event loop with the server's request handling. Prints `listening` once up;
 * SIGTERM stops it.
 */
import S3rver from "s3rver";

const [port, directory, bucket] = process.argv.slice(2);
const server = new S3rver({ port: Number(port), address: "127.0.0.1", silent: true, directory: directory!, configureBuckets: [{ name: bucket!, configs: [] }] });
await server.run();
process.stdout.write("listening\n");
process.once("SIGTERM", () => void server.close().finally(() => process.exit(0)));
