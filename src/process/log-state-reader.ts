/**
 * What a worker's stream gauges show (metrics/stream-gauges.ts): `ichnos groups`' rows for the
 * groups it runs (and any other checkpointed group) and the size of every stream they read.
 */
import { trimmedStreams, type Services } from "../cli/services.ts";
import type { LogState } from "../metrics/stream-gauges.ts";
import type { AnyConsumer } from "../stream/define-consumer.ts";
import { readGroupStatus } from "../stream/group-status.ts";
import { readStreamSizes } from "../stream/stream-sizes.ts";

/** `consumers` is asked on every read: export groups come and go with their rows. */
export function createLogStateReader(services: Services, consumers: () => readonly AnyConsumer[]): () => Promise<LogState> {
  const { redis, pool, keys } = services;
  return async () => {
    const running = consumers();
    const streams = trimmedStreams(keys, running.map((c) => c.reads));
    const [groups, sizes] = await Promise.all([readGroupStatus(redis, pool, keys, running), readStreamSizes(redis, keys, streams)]);
    return { groups, streams: sizes };
  };
}
