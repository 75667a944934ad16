/**
 * `ichnos keys add|list|show|update|rm`: manage `api_key` rows (SPEC §2.1). Arguments are parsed
 * and validated before anything connects, and every problem is reported at once (exit 2).
 * A missing key or a duplicate exits 1.
 */
import { randomUUID } from "node:crypto";
import type { Config } from "../config.ts";
import {
  API_KEY_COLUMNS,
  API_KEY_DEFAULTS,
  ApiKeyExistsError,
  ApiKeyNotFoundError,
  createApiKeyStore,
  type ApiKeyFields,
  type ApiKeyRecord,
  type ApiKeyStore,
} from "../db/api-key-store.ts";
import { createPrismaClient, explainPrismaError, isPrismaError } from "../db/prisma-client.ts";
import { fallbackProblems, isWellFormedApiKey } from "../domain/api-key.ts";
import { parseCommandArgs, seeHelp, UsageError } from "./args.ts";
import { formatTable } from "./table.ts";

export const KEYS_USAGE = `usage:
  ichnos keys add [KEY] [column flags] [--json]   create a key (no KEY: a random UUID); defaults
                                                  maxreq=100, allow-fallback=false, allow-locate=true,
                                                  allow-region=true, both sample rates 100
  ichnos keys list [--json]
  ichnos keys show KEY [--json]                   every column, and whether fallback is usable
  ichnos keys update KEY [column flags] [--json]  change only the columns named
  ichnos keys rm KEY

column flags (an empty value, e.g. --fallback-url=, stores NULL):
  --maxreq N                          requests per UTC day per API path; 0 = unlimited
  --allow-fallback true|false         booleans also take 1|0|yes|no
  --allow-locate true|false
  --allow-region true|false
  --fallback-name NAME                up to 40 characters
  --fallback-schema S                 ichnaea/v1 | combain/v1 | googlemaps/v1 | unwiredlabs/v1
  --fallback-url URL                  http(s), up to 256 characters; unwiredlabs: token after #
  --fallback-ratelimit N              external calls per interval; 0 = unlimited
  --fallback-ratelimit-interval S     seconds, at least 1
  --fallback-cache-expire S           seconds; 0 = no caching
  --store-sample-locate P             0-100 % of locate requests kept as observations
  --store-sample-submit P             0-100 % of submit requests kept
  (a value starting with "-" needs the = form: --maxreq=-1)`;

const CACHE_NOTE =
  "note: running web processes cache API keys for about 5 minutes; they see this change within that time.";
const INT_MAX = 2_147_483_647;
export const FALLBACK_SCHEMAS = ["ichnaea/v1", "combain/v1", "googlemaps/v1", "unwiredlabs/v1"] as const;

type Parser = (value: string) => ApiKeyFields[keyof ApiKeyFields];

function wholeNumber(min: number, max: number, meaning = ""): Parser {
  return (v) => {
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new Error(`must be a whole number from ${min} to ${max}${meaning}`);
    return Number(v);
  };
}

const boolean: Parser = (v) => {
  const lower = v.toLowerCase();
  if (["true", "1", "yes"].includes(lower)) return true;
  if (["false", "0", "no"].includes(lower)) return false;
  throw new Error("must be true or false (or 1/0, yes/no)");
};

const fallbackName: Parser = (v) => {
  if (v.length > 40) throw new Error(`must be at most 40 characters (got ${v.length})`);
  if (/\s/.test(v)) throw new Error("must not contain spaces (it is part of a Redis key and a metric tag)");
  return v;
};

const fallbackSchema: Parser = (v) => {
  if (!(FALLBACK_SCHEMAS as readonly string[]).includes(v)) throw new Error(`must be one of ${FALLBACK_SCHEMAS.join(", ")}`);
  return v;
};

const fallbackUrl: Parser = (v) => {
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new Error("is not a URL; expected e.g. https://provider.example/v1/geolocate");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`must be an http or https URL (got ${url.protocol}//)`);
  if (v.length > 256) throw new Error(`must be at most 256 characters (got ${v.length})`);
  return v;
};

/** One flag per column, in table order. */
const COLUMN_FLAGS: ReadonlyArray<readonly [string, keyof ApiKeyFields, Parser]> = [
  ["maxreq", "maxreq", wholeNumber(0, INT_MAX, " (0 = unlimited)")],
  ["allow-fallback", "allowFallback", boolean],
  ["allow-locate", "allowLocate", boolean],
  ["allow-region", "allowRegion", boolean],
  ["fallback-name", "fallbackName", fallbackName],
  ["fallback-schema", "fallbackSchema", fallbackSchema],
  ["fallback-url", "fallbackUrl", fallbackUrl],
  ["fallback-ratelimit", "fallbackRatelimit", wholeNumber(0, INT_MAX, " (0 = unlimited)")],
  ["fallback-ratelimit-interval", "fallbackRatelimitInterval", wholeNumber(1, INT_MAX, " seconds (0 would turn fallback off)")],
  ["fallback-cache-expire", "fallbackCacheExpire", wholeNumber(0, INT_MAX, " seconds (0 = no caching)")],
  ["store-sample-locate", "storeSampleLocate", wholeNumber(0, 100, " (percent)")],
  ["store-sample-submit", "storeSampleSubmit", wholeNumber(0, 100, " (percent)")],
];

const columnOptions = Object.fromEntries(COLUMN_FLAGS.map(([flag]) => [flag, { type: "string" as const }]));
const jsonOption = { json: { type: "boolean" as const } };

/** Problems with a key given to `add`; empty when the service would accept it (SPEC §1.4). */
export function keySyntaxProblems(key: string): string[] {
  if (isWellFormedApiKey(key)) return [];
  return [
    `key ${JSON.stringify(key)}: must be 4 to 40 characters of letters, digits and "-"; the service treats any other ` +
      "key as no key at all. Leave KEY out to get a random UUID.",
  ];
}

/** The column flags present in `values`, parsed; every bad one is named in `problems`. */
function readColumnFlags(values: Record<string, unknown>, problems: string[]): Partial<ApiKeyFields> {
  const changes: Record<string, unknown> = {};
  for (const [flag, field, parse] of COLUMN_FLAGS) {
    const raw = values[flag];
    if (typeof raw !== "string") continue;
    try {
      changes[field] = raw.trim() === "" ? null : parse(raw.trim());
    } catch (err) {
      problems.push(`--${flag} ${JSON.stringify(raw)}: ${(err as Error).message}`);
    }
  }
  return changes as Partial<ApiKeyFields>;
}

function throwProblems(action: string, problems: string[]): void {
  if (problems.length === 0) return;
  throw new UsageError(`ichnos keys ${action}: nothing was changed: ${problems.join("; ")} ${seeHelp("keys")}`);
}

function describe(field: keyof ApiKeyRecord, value: ApiKeyRecord[keyof ApiKeyRecord]): string {
  const shown = value === null ? "NULL" : String(value);
  switch (field) {
    case "maxreq":
      return value ? `${shown} per UTC day per API path` : `${shown} (unlimited)`;
    case "allowFallback":
    case "allowLocate":
    case "allowRegion":
      return value === null ? "NULL (counts as false)" : shown;
    case "fallbackSchema":
      return value === null ? "NULL (ichnaea/v1)" : shown;
    case "fallbackRatelimit":
      return value === 0 ? "0 (unlimited)" : shown;
    case "fallbackRatelimitInterval":
      return value === null ? shown : `${shown} s`;
    case "fallbackCacheExpire":
      return value ? `${shown} s` : `${shown} (no caching)`;
    case "storeSampleLocate":
    case "storeSampleSubmit":
      return value === null ? "NULL (0 %)" : `${shown} %`;
    default:
      return shown;
  }
}

function fallbackLine(key: ApiKeyRecord): string {
  const problems = fallbackProblems(key);
  return problems.length === 0 ? "fallback: usable" : `fallback: not usable: ${problems.join("; ")}`;
}

function formatRecord(key: ApiKeyRecord): string {
  return formatTable(["COLUMN", "VALUE"], API_KEY_COLUMNS.map(([field, column]) => [column, describe(field, key[field])]));
}

/** Warnings about a stored key that are not errors: it can be saved, but may not do what was meant. */
function notes(key: ApiKeyRecord): string[] {
  const out: string[] = [];
  const problems = fallbackProblems(key);
  if (key.allowFallback && problems.length > 0) out.push(`warning: allow_fallback is true but fallback is not usable: ${problems.join("; ")}`);
  if (key.fallbackSchema === "unwiredlabs/v1" && key.fallbackUrl && !key.fallbackUrl.includes("#")) {
    out.push("warning: unwiredlabs/v1 reads its token from fallback_url after a # (https://host/path#TOKEN)");
  }
  return out;
}

function write(text: string): void {
  process.stdout.write(`${text}\n`);
}

function writeChange(headline: string, key: ApiKeyRecord, json: boolean): void {
  if (json) {
    write(JSON.stringify(key, null, 2));
    process.stderr.write(`${[...notes(key), CACHE_NOTE].join("\n")}\n`);
    return;
  }
  // The allow_fallback warning already says why fallback is not usable.
  const status = key.allowFallback && fallbackProblems(key).length > 0 ? [] : [fallbackLine(key)];
  write([headline, formatRecord(key), ...status, ...notes(key), CACHE_NOTE].join("\n"));
}

function notFound(action: string, key: string): number {
  process.stderr.write(`ichnos keys ${action}: no API key "${key}"; see the keys with "ichnos keys list"\n`);
  return 1;
}

type Action = (store: ApiKeyStore) => Promise<number>;

/** Parses and validates argv into the work to do; throws UsageError before anything connects. */
function plan(action: string | undefined, argv: string[]): Action {
  const command = `keys ${action}`;
  switch (action) {
    case "add": {
      const { values, positionals } = parseCommandArgs(command, argv, { ...columnOptions, ...jsonOption }, 1);
      const problems: string[] = [];
      const key = positionals[0] ?? randomUUID();
      problems.push(...keySyntaxProblems(key));
      const record: ApiKeyRecord = { ...API_KEY_DEFAULTS, ...readColumnFlags(values, problems), validKey: key };
      throwProblems("add", problems);
      return async (store) => {
        try {
          const created = await store.create(record);
          writeChange(`created API key ${created.validKey}`, created, values.json ?? false);
          return 0;
        } catch (err) {
          if (!(err instanceof ApiKeyExistsError)) throw err;
          const same = err.existingKey === key ? "" : ` (keys are compared case-insensitively: "${key}" matches it)`;
          process.stderr.write(
            `ichnos keys add: API key "${err.existingKey}" already exists${same}; nothing was changed. ` +
              `Change it with "ichnos keys update ${err.existingKey} …", or remove it first with "ichnos keys rm ${err.existingKey}".\n`,
          );
          return 1;
        }
      };
    }
    case "list": {
      const { values } = parseCommandArgs(command, argv, jsonOption);
      return async (store) => {
        const keys = await store.list();
        if (values.json) write(JSON.stringify(keys, null, 2));
        else if (keys.length === 0) write('no API keys; create one with "ichnos keys add"');
        else write(listTable(keys));
        return 0;
      };
    }
    case "show": {
      const { values, positionals } = parseCommandArgs(command, argv, jsonOption, 1);
      const key = requireKey("show", positionals[0]);
      return async (store) => {
        const found = await store.get(key);
        if (!found) return notFound("show", key);
        const problems = fallbackProblems(found);
        if (values.json) write(JSON.stringify({ ...found, canFallback: problems.length === 0, fallbackProblems: problems }, null, 2));
        else write([formatRecord(found), fallbackLine(found), ...keySyntaxProblems(found.validKey).map((p) => `warning: ${p}`)].join("\n"));
        return 0;
      };
    }
    case "update": {
      const { values, positionals } = parseCommandArgs(command, argv, { ...columnOptions, ...jsonOption }, 1);
      const key = requireKey("update", positionals[0]);
      const problems: string[] = [];
      const changes = readColumnFlags(values, problems);
      if (problems.length === 0 && Object.keys(changes).length === 0) problems.push("name at least one column flag to change");
      throwProblems("update", problems);
      return async (store) => {
        try {
          const updated = await store.update(key, changes);
          writeChange(`updated API key ${updated.validKey}: ${Object.keys(changes).length} column(s) set`, updated, values.json ?? false);
          return 0;
        } catch (err) {
          if (err instanceof ApiKeyNotFoundError) return notFound("update", key);
          throw err;
        }
      };
    }
    case "rm": {
      const { positionals } = parseCommandArgs(command, argv, {}, 1);
      const key = requireKey("rm", positionals[0]);
      return async (store) => {
        try {
          await store.delete(key);
        } catch (err) {
          if (err instanceof ApiKeyNotFoundError) return notFound("rm", key);
          throw err;
        }
        write(`removed API key ${key}\n${CACHE_NOTE}`);
        return 0;
      };
    }
    default:
      throw new UsageError(action ? `ichnos keys: unknown action "${action}" ${seeHelp("keys")}` : `ichnos keys: name an action: add, list, show, update or rm ${seeHelp("keys")}`);
  }
}

function requireKey(action: string, key: string | undefined): string {
  if (!key) throw new UsageError(`ichnos keys ${action}: name the key: ichnos keys ${action} KEY ${seeHelp("keys")}`);
  return key;
}

function listTable(keys: readonly ApiKeyRecord[]): string {
  const flag = (v: boolean | null) => (v === null ? "-" : v ? "yes" : "no");
  return formatTable(
    ["KEY", "MAXREQ", "LOCATE", "REGION", "FALLBACK", "FALLBACK NAME", "SCHEMA", "SAMPLE LOCATE", "SAMPLE SUBMIT"],
    keys.map((k) => [
      k.validKey,
      k.maxreq ? k.maxreq : "unlimited",
      flag(k.allowLocate),
      flag(k.allowRegion),
      !k.allowFallback ? "no" : fallbackProblems(k).length === 0 ? "usable" : "not usable",
      k.fallbackName,
      k.fallbackSchema,
      k.storeSampleLocate,
      k.storeSampleSubmit,
    ]),
  );
}

export async function keysCommand(config: Pick<Config, "databaseUrl">, argv: readonly string[]): Promise<number> {
  const [action, ...rest] = argv;
  if (action === "help" || action === "--help" || action === "-h") {
    write(KEYS_USAGE);
    return 0;
  }
  const work = plan(action, rest);
  const prisma = createPrismaClient(config.databaseUrl);
  try {
    return await work(createApiKeyStore(prisma));
  } catch (err) {
    if (!isPrismaError(err)) throw err;
    // A database problem is the operator's to fix, not a crash: one line that says what to do.
    process.stderr.write(`ichnos keys ${action}: ${explainPrismaError(err, config.databaseUrl).message}\n`);
    return 1;
  } finally {
    await prisma.$disconnect();
  }
}
