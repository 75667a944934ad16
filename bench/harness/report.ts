/**
 * The two things every bench's report starts and ends with: the heading with the machine it ran
 * on, and the choice between the printed table and the `--json` document on stdout (progress
 * goes to stderr, so either can be piped).
 */
import type { MachineInfo } from "./machine.ts";

/**
 * `title  date` and the `machine:` line. Benches whose numbers hang on commit latency show the
 * InnoDB flush setting too.
 */
export function reportHeading(title: string, m: MachineInfo, options: { commitSetting?: boolean } = {}): string[] {
  const commit = options.commitSetting ? ` (innodb_flush_log_at_trx_commit=${m.innodbFlushLogAtTrxCommit})` : "";
  return [
    `${title}  ${m.date}`,
    `machine: ${m.cores} cores (${m.cpuModel}), ${m.ramGiB} GiB RAM, Node ${m.node}, Redis ${m.redis}, MariaDB ${m.mariadb}${commit}, load ${m.loadAverage}`,
  ];
}

export function writeReport<T>(json: boolean, results: T, formatTable: (results: T) => string): void {
  process.stdout.write(json ? `${JSON.stringify(results, null, 2)}\n` : `${formatTable(results)}\n`);
}
