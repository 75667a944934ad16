/**
 * `/api`: the OpenAPI document (src/api/openapi/document.ts) rendered as a page, operation by
 * operation, with the schemas at the end; the same document is `/openapi.json`.
 */
import { type Html, html } from "../html.ts";
import { page } from "../layout.ts";

type Json = Record<string, unknown>;
const METHODS = ["get", "post", "options"] as const;

/** A description's text with its Markdown `code spans` as <code>; everything else escaped. */
const prose = (text: string): Html[] =>
  text.split(/(`[^`]+`)/).map((part) => (part.length > 2 && part.startsWith("`") && part.endsWith("`") ? html`<code>${part.slice(1, -1)}</code>` : html`${part}`));

function operation(path: string, method: string, op: Json): Html {
  const params = (op.parameters as Json[] | undefined) ?? [];
  const responses = Object.entries((op.responses as Record<string, Json>) ?? {});
  const body = (op.requestBody as { content?: Record<string, { schema?: { $ref?: string } }> } | undefined)?.content?.["application/json"]?.schema?.$ref;
  return html`<section class="operation" id="${`${method}-${path}`}">
<h3><code class="method">${method.toUpperCase()}</code> <code>${path}</code> — ${String(op.summary ?? "")}</h3>
${op.description ? html`<p>${prose(String(op.description))}</p>` : ""}
${params.length > 0 ? html`<p>Query: ${params.map((p) => html`<code>${String(p.name)}</code>${p.required ? " (required)" : ""} `)}</p>` : ""}
${body ? html`<p>Body: <a href="#schema-${body.split("/").pop()!}">${body.split("/").pop()!}</a></p>` : ""}
<table class="responses"><thead><tr><th>Status</th><th>Meaning</th></tr></thead><tbody>
${responses.map(([status, r]) => html`<tr><td>${status}</td><td>${prose(String(r.description ?? ""))}</td></tr>`)}
</tbody></table>
</section>`;
}

export function apiDocsPage(doc: Json): Html {
  const paths = Object.entries(doc.paths as Record<string, Record<string, Json>>);
  const schemas = Object.entries(((doc.components as Json).schemas as Record<string, Json>) ?? {});
  return page({
    title: "API", path: "/api",
    body: html`<h1>API</h1>
<p>Ichnos speaks Mozilla Location Service's API: clients written for it work unchanged. The machine-readable
description is <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Errors share one JSON envelope:
<a href="#schema-ErrorEnvelope">ErrorEnvelope</a>.</p>
${paths.map(([path, ops]) => METHODS.filter((m) => ops[m]).map((m) => operation(path, m, ops[m]!)))}
<h2>Schemas</h2>
${schemas.map(([name, schema]) => html`<details id="schema-${name}"><summary>${name}</summary><pre><code>${JSON.stringify(schema, null, 2)}</code></pre></details>`)}`,
  });
}
