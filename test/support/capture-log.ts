import { Writable } from "node:stream";
import type { LogLevel } from "../../src/config.ts";
import { createLogger, type Logger } from "../../src/logger.ts";

/** A logger whose JSON lines land in `lines`, for tests where logs are part of the contract. */
export function captureLog(level: LogLevel = "info"): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { log: createLogger(level, stream), lines };
}
