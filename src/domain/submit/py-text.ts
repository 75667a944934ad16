/**
 * Ichnaea's validation messages quote the offending value as Python prints it (`str()` at the
 * top, `repr()` inside containers). Only the error path runs this; SPEC §1.5 item 5 says clients
 * and acceptance tests rely on the path keys, not on the text, so the rendering is approximate
 * and capped so that one huge bad value cannot blow up the error response.
 */
const MAX_CHARS = 200;

export function pyStr(value: unknown): string {
  if (typeof value === "string") return clip(value);
  const out: string[] = [];
  appendRepr(value, out, { left: MAX_CHARS });
  return clip(out.join(""));
}

function clip(text: string): string {
  return text.length > MAX_CHARS ? `${text.slice(0, MAX_CHARS)}...` : text;
}

interface Budget {
  left: number;
}

function push(out: string[], text: string, budget: Budget): void {
  out.push(text);
  budget.left -= text.length;
}

function appendRepr(value: unknown, out: string[], budget: Budget): void {
  if (budget.left <= 0) return;
  if (value === null || value === undefined) return push(out, "None", budget);
  if (value === true) return push(out, "True", budget);
  if (value === false) return push(out, "False", budget);
  if (typeof value === "number") return push(out, pyNumber(value), budget);
  if (typeof value === "string") return push(out, pyQuote(value), budget);
  if (Array.isArray(value)) {
    push(out, "[", budget);
    for (let i = 0; i < value.length && budget.left > 0; i++) {
      if (i > 0) push(out, ", ", budget);
      appendRepr(value[i], out, budget);
    }
    return push(out, "]", budget);
  }
  if (typeof value === "object") {
    push(out, "{", budget);
    let first = true;
    for (const [key, item] of Object.entries(value)) {
      if (budget.left <= 0) break;
      if (!first) push(out, ", ", budget);
      first = false;
      push(out, `${pyQuote(key)}: `, budget);
      appendRepr(item, out, budget);
    }
    return push(out, "}", budget);
  }
  push(out, String(value), budget);
}

function pyNumber(n: number): string {
  if (Number.isNaN(n)) return "nan";
  if (n === Number.POSITIVE_INFINITY) return "inf";
  if (n === Number.NEGATIVE_INFINITY) return "-inf";
  return String(n);
}

function pyQuote(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  const escaped = text.replaceAll("\\", "\\\\").replaceAll("\n", "\\n").replaceAll("\r", "\\r").replaceAll("\t", "\\t");
  return quote + (quote === "'" ? escaped.replaceAll("'", "\\'") : escaped) + quote;
}
