/**
 * JSON.parse plus the non-standard tokens NaN, Infinity and -Infinity that Ichnaea's Python
 * parser accepts (SPEC §1.5). They become ±1e999 (±Infinity), which the schema layer drops like
 * any non-finite float. The rewrite runs only when plain JSON.parse has already failed.
 */
export function parseLenientJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    if (!/NaN|Infinity/.test(text)) throw err;
    return JSON.parse(rewriteNonFinite(text));
  }
}

function rewriteNonFinite(text: string): string {
  let out = "";
  let last = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (c === 34) {
      inString = true;
      continue;
    }
    const token = text.startsWith("NaN", i) ? "NaN" : text.startsWith("Infinity", i) ? "Infinity" : null;
    if (token) {
      out += `${text.slice(last, i)}1e999`;
      i += token.length - 1;
      last = i + 1;
    }
  }
  return out + text.slice(last);
}
