/** The tables consumer files declare with their definitions (define-consumer.ts `tables`). */
import { createDeclaredTables } from "../db/declared-tables.ts";
import type { Pool } from "../db/pool.ts";
import type { Logger } from "../logger.ts";
import { type AnyConsumer, tableDefinitions } from "./define-consumer.ts";

/** Creates every declared table that does not exist yet (`ichnos migrate`, worker start); returns their names. */
export async function createConsumerTables(services: { readonly pool: Pool; readonly log: Logger }, consumers: readonly AnyConsumer[]): Promise<string[]> {
  const created: string[] = [];
  for (const consumer of consumers) {
    const made = await createDeclaredTables(services.pool, tableDefinitions(consumer));
    if (made.length > 0) services.log.info({ group: consumer.name, tables: made }, "created the consumer's declared tables");
    created.push(...made);
  }
  return created;
}

