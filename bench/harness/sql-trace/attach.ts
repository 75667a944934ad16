/** How a bench loads the SQL trace into a child: the module to `--import` and the environment it reads. */
import type { ClassScheme } from "./classes.ts";

export const SQL_TRACE_HOOK = new URL("./hook.ts", import.meta.url);

/** The child writes its trace files into `dir`, naming statements by `scheme`. */
export function sqlTraceEnv(dir: string, scheme: ClassScheme): Record<string, string> {
  return { BENCH_SQL_TRACE_DIR: dir, BENCH_SQL_TRACE_CLASSES: scheme };
}
