import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL("../../prisma/migrations/", import.meta.url));

/** Every migration folder, in the order the runner applies them. */
export const ALL_MIGRATIONS: readonly string[] = readdirSync(dir, { withFileTypes: true })
  .filter((d) => d.isDirectory()).map((d) => d.name).sort();
export const LATEST_MIGRATION: string = ALL_MIGRATIONS[ALL_MIGRATIONS.length - 1]!;
