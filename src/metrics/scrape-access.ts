/**
 * Who may read `/metrics`: anyone while ADMIN_TOKEN is unset (a development machine, a private
 * network), only `Authorization: Bearer $ADMIN_TOKEN` once it is set, as for the other operator
 * endpoints. The same rule on the web port and a worker's METRICS_PORT.
 */
import { createHash, timingSafeEqual } from "node:crypto";

const digest = (text: string) => createHash("sha256").update(text).digest();

export function mayScrape(authorization: string | null | undefined, adminToken: string | undefined): boolean {
  if (adminToken === undefined) return true;
  const match = /^Bearer\s+(.+)$/i.exec((authorization ?? "").trim());
  // Digests, so the comparison takes the same time whatever the length of the guess.
  return !!match && timingSafeEqual(digest(match[1]!), digest(adminToken));
}
