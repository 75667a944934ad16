/**
 * `ichnos <args>` as bin/ichnos.js runs it, started through tsx so it runs on every Node the
 * tests run on (bin/ichnos.js relies on Node's own type stripping).
 */
import { main } from "../../src/main.ts";

process.exitCode = await main(process.argv.slice(2));
