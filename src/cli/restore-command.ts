/** `ichnos restore [--export NAME]`: the reports streams re-created from an `s3` export's archive (restore.ts). */
import { archiveLocation } from "../archive/export-location.ts";
import { restoreFromArchive, RestoreRefusedError } from "../archive/restore.ts";
import { loadExportConfigs } from "../db/export-configs.ts";
import { exportGroupName } from "../domain/export-config.ts";
import type { AnyConsumer } from "../stream/define-consumer.ts";
import { parseCommandArgs, UsageError } from "./args.ts";
import type { Services } from "./services.ts";

export async function restoreCommand(services: Services, consumers: readonly AnyConsumer[], argv: readonly string[]): Promise<number> {
  const { values } = parseCommandArgs("restore", [...argv], { export: { type: "string" } });
  const name = values.export ?? "backup";
  const config = (await loadExportConfigs(services.pool)).find((c) => c.name === name);
  if (config?.schema !== "s3") throw new UsageError(`ichnos restore: there is no s3 export named "${name}" (ichnos exports list)`);
  const location = archiveLocation(config, services.config.backupUrl);
  if (typeof location === "string") throw new UsageError(`ichnos restore: export ${name} has ${location}`);
  let lastPrint = 0;
  try {
    const result = await restoreFromArchive({
      redis: services.redis, pool: services.pool, keys: services.keys, s3: services.consumerDeps.archive!.s3(), location,
      consumers, archiveGroup: exportGroupName(name),
    }, (done, total) => {
      if (Date.now() - lastPrint < 1000 && done < total) return;
      lastPrint = Date.now();
      process.stderr.write(`\rrestore: ${done}/${total} entries   `);
    });
    process.stderr.write("\n");
    process.stdout.write(`restored ${result.restored} entries into ${result.partitions} report partition(s) from s3://${location.bucket}/${location.prefix}; ` +
      "run ichnos drain (or ichnos work) to rebuild every projection from them\n");
    return 0;
  } catch (err) {
    if (!(err instanceof RestoreRefusedError)) throw err;
    process.stderr.write(`${err.message}\n`);
    return 1;
  }
}
