/** The vendored browser libraries (web/vendor-assets.ts), each at its versioned path. */
import type { H3 } from "h3";
import { VENDOR_FILES } from "../../web/vendor-assets.ts";

export function registerVendorRoutes(app: H3): void {
  for (const f of VENDOR_FILES) {
    const answer = () => new Response(new Uint8Array(f.body), { headers: { "content-type": f.type, "cache-control": "public, max-age=31536000, immutable" } });
    app.get(f.path, answer);
    app.on("HEAD", f.path, answer);
  }
}
