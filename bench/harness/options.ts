/**
 * Every bench's command line: the bench declares its own options in a table, and this reads them
 * the same way for all. Flags win over environment variables, which win over the defaults;
 * numbers must be positive integers (`_` allowed as a separator: `--entries 200_000`). `--help`
 * prints the usage built from the table, and `--json`, REDIS_URL and DATABASE_URL are common to
 * every bench.
 */
import { parseArgs } from "node:util";

interface Documented {
  /** The command-line name, when it is not the key in kebab case (`appendBatch` → `--append-batch`). */
  readonly flag?: string;
  /** Shown after the flag in the usage, e.g. `N`, `S`, `10,50,100`, `="<node flags>"`. */
  readonly metavar?: string;
  /** A line of explanation under the usage. */
  readonly note?: string;
}

/** A positive integer; without a default it is null when not given. */
export interface IntOption extends Documented {
  readonly kind: "int";
  readonly env?: string;
  readonly default?: number;
}

/** A comma-separated list of positive integers. */
export interface IntListOption extends Documented {
  readonly kind: "ints";
  readonly env?: string;
  readonly default: readonly number[];
}

/** A flag without a value: true when given. */
export interface SwitchOption extends Documented {
  readonly kind: "switch";
}

/** Free text; without a default it is null when not given. */
export interface TextOption extends Documented {
  readonly kind: "text";
  readonly env?: string;
  readonly default?: string;
}

export type OptionSpec = IntOption | IntListOption | SwitchOption | TextOption;
export type OptionTable = Readonly<Record<string, OptionSpec>>;

type ValueOf<S extends OptionSpec> =
  S extends IntOption ? (S extends { default: number } ? number : number | null)
    : S extends IntListOption ? readonly number[]
      : S extends SwitchOption ? boolean
        : S extends { default: string } ? string : string | null;

export interface CommonOptions {
  readonly redisUrl: string;
  /** The server and credentials are used; the database name is replaced by a scratch one. */
  readonly databaseUrl: string;
  /** Print the results as one JSON document instead of the table. */
  readonly json: boolean;
}

export type BenchOptions<T extends OptionTable> = { readonly [K in keyof T]: ValueOf<T[K]> } & CommonOptions;

const flagOf = (key: string, spec: OptionSpec) => spec.flag ?? key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function usage(bench: string, table: OptionTable): string {
  const items = [
    ...Object.entries(table).map(([key, spec]) => {
      const metavar = spec.kind === "switch" ? "" : (spec.metavar ?? (spec.kind === "ints" ? spec.default.join(",") : "N"));
      return `[--${flagOf(key, spec)}${metavar.startsWith("=") || metavar === "" ? metavar : ` ${metavar}`}]`;
    }),
    "[--json]",
  ];
  const lines = [`usage: npm run bench:${bench} --`];
  for (const item of items) {
    if (lines.at(-1)!.length + item.length + 1 > 100) lines.push("      ");
    lines[lines.length - 1] += ` ${item}`;
  }
  const env = [...Object.values(table).flatMap((s) => ("env" in s && s.env ? [s.env] : [])), "REDIS_URL", "DATABASE_URL"];
  const notes = Object.entries(table).flatMap(([key, s]) => (s.note ? [`  --${flagOf(key, s)}: ${s.note}`] : []));
  return [...lines, `env: ${env.join(", ")}`, ...notes].join("\n");
}

class UsageError extends Error {}

function positiveInt(flag: string, value: string, help: string): number {
  const n = Number(value.replaceAll("_", ""));
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`--${flag} must be a positive integer (got ${value})\n${help}`);
  return n;
}

function readValue(flag: string, spec: OptionSpec, given: string | boolean | undefined, env: NodeJS.ProcessEnv, help: string): unknown {
  if (spec.kind === "switch") return given === true;
  const raw = typeof given === "string" ? given : spec.env ? env[spec.env] : undefined;
  if (raw === undefined || raw === "") return spec.default ?? null;
  if (spec.kind === "int") return positiveInt(flag, raw, help);
  if (spec.kind === "ints") return Object.freeze(raw.split(",").map((v) => positiveInt(flag, v.trim(), help)));
  return raw;
}

/** Reads the bench's options from the command line and the environment; exits on --help or a bad value. */
export function readOptions<const T extends OptionTable>(
  bench: string, table: T, argv = process.argv.slice(2), env = process.env,
): BenchOptions<T> {
  const help = usage(bench, table);
  try {
    const { values }: { values: Readonly<Record<string, string | boolean | undefined>> } = parseArgs({
      args: argv,
      options: {
        ...Object.fromEntries(Object.entries(table).map(([key, spec]) =>
          [flagOf(key, spec), { type: spec.kind === "switch" ? "boolean" as const : "string" as const }])),
        json: { type: "boolean" },
        help: { type: "boolean" },
      },
    });
    if (values.help) {
      console.log(help);
      process.exit(0);
    }
    const own = Object.fromEntries(Object.entries(table).map(([key, spec]) =>
      [key, readValue(flagOf(key, spec), spec, values[flagOf(key, spec)], env, help)]));
    return Object.freeze({
      ...own,
      redisUrl: env.REDIS_URL || "redis://127.0.0.1:6379",
      databaseUrl: env.DATABASE_URL || "mysql://root@127.0.0.1:3306/ichnos",
      json: values.json === true,
    }) as BenchOptions<T>;
  } catch (err) {
    // A mistyped flag gets the usage, not a stack trace.
    const message = err instanceof UsageError ? err.message : `${(err as Error).message}\n${help}`;
    process.stderr.write(`${message}\n`);
    process.exit(1);
  }
}
