import { isIP } from "node:net";
import { getRequestIP, type H3Event } from "h3";

/**
 * The entry `hops` places from the right of X-Forwarded-For. Each proxy that appends adds the
 * address it received the request from, so behind N trusted proxies the Nth entry from the right
 * was written by the outermost one; entries further left are whatever the client sent. A header
 * shorter than that was written by trusted proxies only, so its leftmost entry is used.
 */
export function forwardedFor(header: string | null, hops: number): string | undefined {
  if (!header || hops < 1) return undefined;
  const entries = header.split(",");
  return entries[Math.max(0, entries.length - hops)]?.trim() || undefined;
}

/**
 * The client's address (SPEC §1.4, §3.3): from X-Forwarded-For when the service sits behind
 * `trustProxy` trusted proxies (TRUST_PROXY), else the socket peer; null when that is missing or
 * not an IP address.
 */
export function requestIp(event: H3Event, trustProxy: number): string | null {
  let ip: string | undefined;
  if (trustProxy > 0) ip = forwardedFor(event.req.headers.get("x-forwarded-for"), trustProxy);
  ip ??= getRequestIP(event);
  if (ip?.startsWith("::ffff:")) ip = ip.slice(7);
  return ip && isIP(ip) ? ip : null;
}

/** The address for unique-user counting (SPEC §2.3): a missing one counts as 127.0.0.1. */
export function clientIp(event: H3Event, trustProxy: number): string {
  return requestIp(event, trustProxy) ?? "127.0.0.1";
}
