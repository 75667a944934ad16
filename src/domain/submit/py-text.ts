/**
 * Ichnaea's validation messages quote the offending value as Python prints it (`str()` at the
 * top, `repr()` inside containers). Only the error path runs this; SPEC §1.5 item 5 says clients
 * and acceptance tests rely on the path keys, not on the text, so the rendering is approximate
 * and capped so that one huge bad value cannot blow up the error response.
 */
const MAX_CHARS = 200;

export function pyStr(value: unknown): string {
  return clip(typeof value === "string" ? value : repr(value, { left: MAX_CHARS }));
}

function clip(text: string): string {
  return text.length > MAX_CHARS ? `${text.slice(0, MAX_CHARS)}...` : text;
}

interface Budget {
  left: number;
}

function repr(value: unknown, budget: Budget): string {
  if (typeof value === "object" && value !== null) {
    // Brackets count against the budget too, so deeply nested empty lists end early rather than
    // recursing until the stack runs out (a 10,000-deep body must get a 400, not a 500).
    budget.left -= 2;
    if (budget.left <= 0) return "...";
    if (Array.isArray(value)) return `[${reprItems(value.entries(), budget, false)}]`;
    return `{${reprItems(Object.entries(value).values(), budget, true)}}`;
  }
  const text = reprScalar(value);
  budget.left -= text.length;
  return text;
}

function reprItems(items: Iterable<[string | number, unknown]>, budget: Budget, withKeys: boolean): string {
  const parts: string[] = [];
  for (const [key, item] of items) {
    if (budget.left <= 0) {
      parts.push("...");
      break;
    }
    parts.push(withKeys ? `${pyQuote(String(key))}: ${repr(item, budget)}` : repr(item, budget));
  }
  return parts.join(", ");
}

function reprScalar(value: unknown): string {
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number") return pyNumber(value);
  if (typeof value === "string") return pyQuote(value);
  return String(value);
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
