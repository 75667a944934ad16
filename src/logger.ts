import { pino, type Logger } from "pino";
import type { LogLevel } from "./config.ts";
import { currentLogFields } from "./log-context.ts";

export type { Logger };

/** Logs on stderr, for commands whose stdout is data (`--json`). */
export function stderrDestination(): pino.DestinationStream {
  return pino.destination({ dest: 2, sync: true });
}

/**
 * Every process logs one JSON object per line on stdout (pipe through `pino-pretty` to read it
 * by eye), or on stderr when `destination` says so; tests pass a stream to capture log lines.
 */
export function createLogger(level: LogLevel, destination?: NodeJS.WritableStream | pino.DestinationStream): Logger {
  return pino(
    // The mixin adds the request's or batch's fields (log-context.ts) to every line.
    { level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime, mixin: () => currentLogFields() ?? {} },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
