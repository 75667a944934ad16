import { parseArgs, type ParseArgsConfig } from "node:util";

export class UsageError extends Error {}

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
    throw new UsageError(`ichnos ${command}: ${(err as Error).message} (see "ichnos help")`);
  }
}
