import { isIP } from "node:net";
import { getRequestIP, type H3Event } from "h3";

/**
 * The client address for unique-user counting (SPEC §2.3): the first X-Forwarded-For entry when
 * the service sits behind a trusted proxy (TRUST_PROXY), else the socket peer; anything missing
 * or unparsable is 127.0.0.1.
 */
export function clientIp(event: H3Event, trustProxy: boolean): string {
  let ip: string | undefined;
  if (trustProxy) ip = event.req.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  ip ??= getRequestIP(event);
  if (ip?.startsWith("::ffff:")) ip = ip.slice(7);
  return ip && isIP(ip) ? ip : "127.0.0.1";
}
