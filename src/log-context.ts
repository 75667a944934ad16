/**
 * Fields that every log line written while a unit of work runs carries, whichever logger writes
 * it: the request id of a web request, the group, stream and first and last entry of a batch.
 * Loggers are made once per process and handed down; this context follows the work instead
 * (AsyncLocalStorage), and the logger's mixin adds it to each line (logger.ts).
 */
import { AsyncLocalStorage } from "node:async_hooks";

export type LogFields = Readonly<Record<string, string | number>>;

const current = new AsyncLocalStorage<LogFields>();

/** Runs `fn` with `fields` added to every log line it writes, nested inside any outer fields. */
export function withLogFields<T>(fields: LogFields, fn: () => T): T {
  const outer = current.getStore();
  return current.run(outer ? { ...outer, ...fields } : fields, fn);
}

export function currentLogFields(): LogFields | undefined {
  return current.getStore();
}
