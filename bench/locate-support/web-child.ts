/**
 * The locate bench's web process: the SQL trace (sql-trace.ts) first, so it subscribes before
 * any connection exists, then exactly the submit bench's web child (the composition of
 * `ichnos web`: loadConfig → createServices →
 * src/process/web-process.ts), started with bench/submit-support/children.ts.
 */
import "./sql-trace.ts";
import "../submit-support/web-child.ts";
