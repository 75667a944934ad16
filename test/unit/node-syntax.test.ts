/**
 * Node.js runs the TypeScript sources with its own type stripping, which removes types and
 * transforms nothing else (tsconfig's erasableSyntaxOnly keeps out what it cannot remove). So
 * every line must be syntax that Node 22's V8 parses as written: no `using` declarations
 * (Node 24 has them, Node 22 does not) and no decorators, which tsx used to transform.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";

const ROOTS = ["src", "consumers", "test", "bench", "scripts", "bin"];
const UNSUPPORTED: readonly [RegExp, string][] = [
  [/^\s*(?:export\s+)?(?:await\s+)?using\s+[\w{[]/m, "a `using` declaration"],
  [/^\s*@[A-Za-z_$][\w$.]*(?:\(|\s*$)/m, "a decorator"],
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return d.name === "node_modules" ? [] : sourceFiles(path);
    return /\.(ts|mjs|js)$/.test(d.name) && !d.name.endsWith(".d.ts") ? [path] : [];
  });
}

test("the sources use no syntax that Node 22 cannot run unstripped", () => {
  const found: string[] = [];
  for (const file of ROOTS.flatMap(sourceFiles)) {
    const text = readFileSync(file, "utf8");
    for (const [pattern, what] of UNSUPPORTED) {
      const match = pattern.exec(text);
      if (match) found.push(`${file}:${text.slice(0, match.index).split("\n").length + 1}: ${what}`);
    }
  }
  assert.equal(found, []);
});

test.run();
