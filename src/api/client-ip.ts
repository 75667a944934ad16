import { isIP } from "node:net";
import { getRequestIP, type H3Event } from "h3";

/**
 * The client's address (SPEC §1.4, §3.3): the first X-Forwarded-For entry when the service sits
 * behind a trusted proxy (TRUST_PROXY), else the socket peer; null when that is missing or not
 * an IP address.
 */
export function requestIp(event: H3Event, trustProxy: boolean): string | null {
  let ip: string | undefined;
  if (trustProxy) ip = event.req.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  ip ??= getRequestIP(event);
  if (ip?.startsWith("::ffff:")) ip = ip.slice(7);
  return ip && isIP(ip) ? ip : null;
}

/** The address for unique-user counting (SPEC §2.3): a missing one counts as 127.0.0.1. */
export function clientIp(event: H3Event, trustProxy: boolean): string {
  return requestIp(event, trustProxy) ?? "127.0.0.1";
}
