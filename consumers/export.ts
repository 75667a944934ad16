/**
 * The export groups (SPEC §4.5, DESIGN §3): `export:<name>` for every `export_config` row, on
 * every reports partition. Workers re-read the table every EXPORTS_RELOAD and start or stop
 * groups to match. The exporters are src/exports/export-consumer.ts.
 */
import { loadExportConfigs } from "../src/db/export-configs.ts";
import { createExportConsumer } from "../src/exports/export-consumer.ts";
import { defineConsumerFamily } from "../src/stream/define-consumer.ts";

export default defineConsumerFamily({
  name: "export",
  reloadable: true,
  async members(deps) {
    const configs = await loadExportConfigs(deps.pool).catch((err: Error) => {
      throw new Error(`cannot read the export groups from export_config: ${err.message} (is DATABASE_URL right, and has "ichnos migrate" run?)`, { cause: err });
    });
    return configs.map((c) => createExportConsumer(c, deps));
  },
});
