/**
 * A GET whose path reaches the server exactly as written: fetch would normalise dot segments
 * and encoded separators away before the server ever saw them.
 */
import { connect } from "node:net";

/** The status of `GET path` against the server at `baseUrl`. */
export function rawStatus(baseUrl: string, path: string): Promise<number> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(`GET ${path} HTTP/1.1\r\nHost: ichnos.test\r\nConnection: close\r\n\r\n`));
    let data = "";
    socket.on("data", (chunk) => { data += chunk; });
    socket.once("error", reject);
    socket.once("close", () => resolve(Number(/^HTTP\/1\.1 (\d{3}) /.exec(data)?.[1] ?? 0)));
  });
}
