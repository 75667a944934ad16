/** The printed table and the `--json` document of one `bench:archive` run. */
import { percent, verdict } from "../harness/format.ts";
import type { MachineInfo } from "../harness/machine.ts";
import { reportHeading } from "../harness/report.ts";

/** CPU per 1,000 reports of a phase, by process, ms (null where a process could not be read). */
export interface PhaseCpu {
  readonly bench: number;
  readonly s3rver: number | null;
  readonly redis: number;
  readonly mariadb: number | null;
}

export interface ArchiveBenchResults {
  readonly machine: MachineInfo;
  readonly settings: { readonly reports: number; readonly partitions: number; readonly batch: number; readonly objects: number };
  /** Reports per second. */
  readonly backup: { readonly rate: number; readonly ceiling: number; readonly cpu: PhaseCpu; readonly ceilingCpu: PhaseCpu };
  readonly submitRate: number | null;
  readonly replay: { readonly archive: number; readonly ceiling: number; readonly streams: number };
  readonly targets: {
    readonly backupRatio: number;
    readonly passBackup: boolean;
    readonly passSubmit: boolean | null;
    readonly replayRatio: number;
    readonly passReplay: boolean;
  };
}

export const BACKUP_TARGET = 0.7;
export const REPLAY_TARGET = 0.5;

const fmt = (n: number) => `${n.toLocaleString("en-US")}/s`;
const perK = (ms: number | null) => (ms === null ? "?" : `${Math.round(ms)} ms`);
const cpuLine = (c: PhaseCpu) =>
  `CPU per 1,000 reports: bench process ${perK(c.bench)}, s3rver ${perK(c.s3rver)}, Redis ${perK(c.redis)}, MariaDB ${perK(c.mariadb)}`;

export function formatTable(r: ArchiveBenchResults): string {
  const { backup, replay, targets: t, settings: s } = r;
  return [
    ...reportHeading("Reports archive benchmark", r.machine, { commitSetting: true }),
    `${s.reports.toLocaleString("en-US")} reports over ${s.partitions} partitions, objects of ${s.batch} reports (${s.objects} objects), s3rver in a child process on loopback`,
    "",
    `  backup (export:backup, drained)              ${fmt(backup.rate)}`,
    `  ceiling: bare PutObject, same objects       ${fmt(backup.ceiling)}`,
    `  backup / PutObject: ${Math.round(100 * t.backupRatio)}%   target ≥ ${percent(BACKUP_TARGET)}   ${verdict(t.passBackup)}`,
    `  backup    ${cpuLine(backup.cpu)}`,
    `  PutObject ${cpuLine(backup.ceilingCpu)}`,
    r.submitRate
      ? `  backup / bench:submit's ${fmt(r.submitRate)}: ${Math.round((100 * backup.rate) / r.submitRate)}%   target > 100%   ${verdict(t.passSubmit === true)}`
      : "  (pass --submit-rate to compare with bench:submit)",
    "",
    `  rebuild of a no-op projection from the archive   ${fmt(replay.archive)}`,
    `  ceiling: bare GetObject + gunzip + parse         ${fmt(replay.ceiling)}`,
    `  the same rebuild from the retained streams       ${fmt(replay.streams)}`,
    `  archive / stream replay: ${Math.round(100 * t.replayRatio)}%   target ≥ ${percent(REPLAY_TARGET)}   ${verdict(t.passReplay)}`,
  ].join("\n");
}
