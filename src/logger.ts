import { pino, type Logger } from "pino";
import type { LogLevel } from "./config.ts";
import { currentLogFields } from "./log-context.ts";

export type { Logger };

/**
 * Every process logs one JSON object per line on stdout (pipe through `pino-pretty` to read it
 * by eye). `destination` exists so tests can capture and assert log lines.
 */
export function createLogger(level: LogLevel, destination?: NodeJS.WritableStream): Logger {
  return pino(
    // The mixin adds the request's or batch's fields (log-context.ts) to every line.
    { level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime, mixin: () => currentLogFields() ?? {} },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
