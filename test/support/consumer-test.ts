/**
 * Testing a consumer: a migrated database and a Redis prefix of its own, the entries a test
 * gives appended to the consumer's streams, the real runtime run until it has applied them, and
 * the rows, dead letters and appended entries to assert on. For analysts' consumers and the
 * built-in ones alike (README, "Writing a consumer"):
 *
 *   const t = await testConsumer(hourlyVolume);
 *   await t.append("reports:0", [report, report]);
 *   await t.run();
 *   assert.equal(await t.rows("SELECT last_seq FROM hourly_volume"), [{ last_seq: 2 }]);
 *   await t.close();
 */
import type { RowDataPacket } from "mysql2/promise";
import { lazyRegionLookup } from "../../src/geo/lazy-regions.ts";
import { createAppender } from "../../src/stream/append.ts";
import type { ConsumerDeps } from "../../src/stream/consumer-deps.ts";
import { createConsumerRuntime } from "../../src/stream/consumer-runtime.ts";
import { createConsumerTables } from "../../src/stream/consumer-tables.ts";
import { listDeadLetters, type DeadLetter } from "../../src/stream/dead-letters.ts";
import type { AnyConsumer, ConsumerFamily } from "../../src/stream/define-consumer.ts";
import { drainGroups } from "../../src/stream/drain.ts";
import { projectionEntry, type StreamEntry } from "../../src/stream/entry.ts";
import { readRange } from "../../src/stream/stream-commands.ts";
import type { StreamName } from "../../src/stream/streams.ts";
import { createStreamTestEnv, type StreamTestEnv } from "./stream-setup.ts";

export interface ConsumerTest {
  readonly env: StreamTestEnv;
  /** What consumer factories get: this test's pool, Redis, keys and the real region lookup. */
  readonly deps: ConsumerDeps;
  /** The first consumer given; `consumers` are all of them (a projection and what feeds it). */
  readonly consumer: AnyConsumer;
  readonly consumers: readonly AnyConsumer[];
  /** Appends payloads to one stream (a logical name such as `reports:0` or `areas`); returns their ids. */
  append(stream: StreamName, payloads: readonly unknown[]): Promise<string[]>;
  /** Runs the consumers until they have applied everything appended so far (and what they appended). */
  run(): Promise<void>;
  /** Rows of a query on the test's database, as plain objects. */
  rows(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  /** The dead letters of one group, the first consumer's by default. */
  deadLetters(group?: string): Promise<DeadLetter[]>;
  /** What a stream holds now (a consumer that appends, such as the splitter). */
  entries(stream: StreamName): Promise<StreamEntry[]>;
  close(): Promise<void>;
}

const SETTINGS = { batchSize: 500, blockMs: 50, claimIdleMs: 1000, maxDeliveries: 3 };

type Definition = AnyConsumer | ((deps: ConsumerDeps) => AnyConsumer | Promise<AnyConsumer>);

/** One group of a family in consumers/ (`member(station, "station:wifi:6")`), for testConsumer. */
export function member(family: ConsumerFamily, name: string): (deps: ConsumerDeps) => Promise<AnyConsumer> {
  return async (deps) => {
    const members = await family.members(deps);
    const found = members.find((m) => m.name === name);
    if (!found) throw new Error(`family ${family.name} has no group ${name}; it has ${members.map((m) => m.name).join(", ")}`);
    return found;
  };
}

/**
 * `definition` is a consumer, or a factory of one from the deps (families' members); several
 * run together, for a projection fed by another (a cell projector and `cellarea`).
 */
export async function testConsumer(
  definition: Definition | readonly Definition[],
  options: { partitions?: number; stationBatch?: number } = {},
): Promise<ConsumerTest> {
  const env = await createStreamTestEnv("consumer-test", options.partitions ?? 2);
  const deps: ConsumerDeps = { pool: env.pool, redis: env.redis, keys: env.keys, regions: lazyRegionLookup(), stationBatch: options.stationBatch ?? 10 };
  const consumers = await Promise.all((Array.isArray(definition) ? definition : [definition]).map((d: Definition) => (typeof d === "function" ? d(deps) : d)))
    .catch(async (err) => {
      await env.close();
      throw err;
    });
  // The tables the consumers declare, as `ichnos migrate` and workers create them.
  await createConsumerTables(env, consumers).catch(async (err) => {
    await env.close();
    throw err;
  });
  const consumer = consumers[0]!;
  const appender = createAppender(env.redis, env.keys);
  return {
    env, deps, consumer, consumers,
    append: (stream, payloads) => appender.append(env.keys.stream(stream), payloads),
    async run() {
      const runtime = createConsumerRuntime({ ...env, consumers, settings: SETTINGS });
      const result = await drainGroups(env, runtime, consumers, { timeoutMs: 30_000, pollMs: 25 });
      if (!result.drained) throw new Error(`${consumers.map((c) => c.name).join(", ")} did not apply everything within 30 s: ${JSON.stringify(result.rows)}`);
    },
    async rows(sql, params = []) {
      const [rows] = await env.pool.query<RowDataPacket[]>(sql, [...params]);
      return rows.map((r) => ({ ...r }));
    },
    deadLetters: (group = consumer.name) => listDeadLetters(env.redis, env.keys.dead(group)),
    async entries(stream) {
      const key = env.keys.stream(stream);
      return (await readRange(env.redis, key, "-", 100_000)).map((e) => projectionEntry(key, e));
    },
    close: () => env.close(),
  };
}
