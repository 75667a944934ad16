/** The contribute.json document (SPEC §1.1, §6.5): who Ichnos is and how to take part. */
import type { VersionInfo } from "./version-info.ts";

export function contributeDocument(version: VersionInfo): Record<string, unknown> {
  const known = version.source !== "unknown";
  return {
    name: "Ichnos",
    description: "Open geolocation service with Mozilla Ichnaea's public HTTP API, event-sourced on Redis Streams",
    repository: { ...(known ? { url: version.source } : {}), license: "Apache 2.0" },
    participate: known ? { home: version.source, docs: `${version.source}#readme` } : {},
    keywords: ["geolocation", "ichnaea", "wifi", "cell", "bluetooth", "redis-streams", "typescript"],
  };
}
