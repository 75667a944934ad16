/**
 * The layering the code relies on, checked on every run (STYLE habit 1, DESIGN §1): the domain
 * and geometry are pure (no I/O imports), SQL lives in src/db, stream commands in src/stream.
 * Each rule names the file and line that break it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const src = join(root, "src");

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    return d.isDirectory() ? files(p) : d.name.endsWith(".ts") ? [p] : [];
  });
}

/** The code without comments (strings are kept: SQL and commands live in them). */
function code(path: string): string[] {
  const text = readFileSync(path, "utf8").replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, " "));
  return text.split("\n").map((line) => line.replace(/(^|\s)\/\/.*$/, "$1"));
}

const where = (path: string, index: number) => `${relative(root, path)}:${index + 1}`;

// Packages the pure layers may use: data structures, bundled reference data, Buffer, isIP.
const PURE_PACKAGES = new Set(["flatbush", "ml-hclust", "mcc-mnc-list", "@rapideditor/country-coder", "node:buffer", "node:net"]);
const PURE_DIRS = ["domain", "geo", "util"].map((d) => join(src, d));

test("src/domain and src/geo import no I/O: only each other, src/util, pure packages, and types", () => {
  const broken: string[] = [];
  for (const path of [...files(join(src, "domain")), ...files(join(src, "geo"))]) {
    code(path).forEach((line, i) => {
      const m = /^\s*(?:import|export)\s+(type\s+)?[^"']*?from\s+["']([^"']+)["']/.exec(line) ?? /^\s*import\s+["']([^"']+)["']/.exec(line);
      if (!m) return;
      const typeOnly = m.length === 3 && m[1] !== undefined;
      const target = m.length === 3 ? m[2]! : m[1]!;
      if (typeOnly) return;
      if (target.startsWith(".")) {
        const resolved = resolve(dirname(path), target);
        if (!PURE_DIRS.some((d) => resolved.startsWith(`${d}/`))) broken.push(`${where(path, i)} imports ${target}`);
      } else if (!PURE_PACKAGES.has(target)) {
        broken.push(`${where(path, i)} imports ${target}`);
      } else if (target === "node:net" && !/^\s*import\s*\{\s*(isIP|isIPv4|isIPv6)(\s*,\s*(isIP|isIPv4|isIPv6))*\s*\}/.test(line)) {
        broken.push(`${where(path, i)} imports more than isIP from node:net`);
      }
    });
  }
  assert.equal(broken, []);
});

const SQL = /\b(SELECT\s+[\w*(`@]|INSERT\s+INTO|DELETE\s+FROM|UPDATE\s+`?\w+`?\s+SET|REPLACE\s+INTO|CREATE\s+TABLE|ALTER\s+TABLE|DROP\s+TABLE|RENAME\s+TABLE|TRUNCATE\s+|ON\s+DUPLICATE\s+KEY|GET_LOCK\s*\()/;

test("SQL appears only in src/db", () => {
  const broken = files(src).filter((p) => !p.startsWith(`${join(src, "db")}/`))
    .flatMap((path) => code(path).flatMap((line, i) => (SQL.test(line) ? [`${where(path, i)}: ${line.trim()}`] : [])));
  assert.equal(broken, []);
});

const STREAM_COMMANDS = ["XADD", "XRANGE", "XREVRANGE", "XREAD", "XREADGROUP", "XACK", "XCLAIM", "XAUTOCLAIM", "XPENDING", "XGROUP", "XTRIM", "XLEN", "XINFO", "XSETID", "XDEL"];
const STREAM_CALL = new RegExp(
  `\\.(${STREAM_COMMANDS.map((c) => c.toLowerCase()).join("|")})(Buffer)?\\(|["'\`](${STREAM_COMMANDS.join("|")})["'\`]`,
);

test("Redis stream commands appear only in src/stream", () => {
  const broken = files(src).filter((p) => !p.startsWith(`${join(src, "stream")}/`))
    .flatMap((path) => code(path).flatMap((line, i) => (STREAM_CALL.test(line) ? [`${where(path, i)}: ${line.trim()}`] : [])));
  assert.equal(broken, []);
});

// A key or connection name built from the prefix anywhere but keys.ts.
const KEY_TEMPLATE = /`\$\{[\w.]*[pP]refix\}:/;

test("Redis key names are made only in src/stream/keys.ts", () => {
  const broken = files(src).filter((p) => p !== join(src, "stream", "keys.ts"))
    .flatMap((path) => code(path).flatMap((line, i) => (KEY_TEMPLATE.test(line) ? [`${where(path, i)}: ${line.trim()}`] : [])));
  assert.equal(broken, []);
  // The samples are built so that they hold the source text `${prefix}:…` without being templates.
  const sample = (inner: string) => `\`\${${inner}}:name\``;
  assert.ok(KEY_TEMPLATE.test(sample("prefix")) && KEY_TEMPLATE.test(sample("keys.prefix")) && !KEY_TEMPLATE.test(sample("stream")));
});

test("the checks see what they look for", () => {
  // Guards against rules that pass because their patterns match nothing.
  assert.ok(SQL.test("INSERT INTO station (mac) VALUES ?") && SQL.test("SELECT COUNT(*) AS n FROM `t`"));
  assert.ok(!SQL.test("select the best source"), "prose is not SQL");
  assert.ok(STREAM_CALL.test("await redis.xlen(stream)") && STREAM_CALL.test("redis.call('XREVRANGE', KEYS[1])"));
  const sqlInDb = files(join(src, "db")).some((path) => code(path).some((line) => SQL.test(line)));
  const commandsInStream = files(join(src, "stream")).some((path) => code(path).some((line) => STREAM_CALL.test(line)));
  assert.ok(sqlInDb && commandsInStream);
});

test.run();
