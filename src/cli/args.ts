import { parseArgs, type ParseArgsConfig } from "node:util";
import { parseDuration } from "../util/units.ts";

/**
 * A mistake in how a command was called: main.ts prints the message as one line on stderr and
 * exits 2. Messages name the command and end with where its usage is.
 */
export class UsageError extends Error {}

/** Where `command`'s usage is, for the end of a usage error: `(see "ichnos exports --help")`. */
export function seeHelp(command: string): string {
  return `(see "ichnos ${command.split(" ")[0]} --help")`;
}

/** node:util parseArgs with errors turned into usage errors that name the command's help. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig["options"]>>(
  command: string, argv: string[], options: T, positionals = 0,
) {
  try {
    const parsed = parseArgs({ args: argv, options, allowPositionals: positionals > 0, strict: true });
    if (parsed.positionals.length > positionals) {
      throw new Error(`unexpected argument "${parsed.positionals[positionals]}"`);
    }
    return parsed;
  } catch (err) {
    throw new UsageError(`ichnos ${command}: ${(err as Error).message} ${seeHelp(command)}`);
  }
}

/** A duration flag's value in milliseconds (`fallbackMs` when absent); a bad value is a usage error. */
export function durationFlag(command: string, flag: string, value: string | undefined, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  try {
    return parseDuration(value);
  } catch (err) {
    throw new UsageError(`ichnos ${command}: --${flag} "${value}": ${(err as Error).message}`);
  }
}
