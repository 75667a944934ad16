/** `/openapi.json`: the API's description (openapi/document.ts), built once at start. */
import type { H3 } from "h3";
import { openApiDocument } from "../openapi/document.ts";

export function registerOpenApiRoutes(app: H3): void {
  const text = JSON.stringify(openApiDocument());
  const answer = () => new Response(text, { headers: { "content-type": "application/json", "cache-control": "max-age=3600" } });
  app.get("/openapi.json", answer);
  app.on("HEAD", "/openapi.json", answer);
}
