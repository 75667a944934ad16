/**
 * The registry of consumer groups. An analyst's projection is a file in this folder exporting a
 * `defineConsumer(…)` descriptor, added to the list below; `ichnos work` runs every group listed.
 * The export groups (`export:<name>` per export_config row), station projectors, cell areas and
 * datamap join this list as they are built.
 */
import type { AnyConsumer } from "../src/stream/define-consumer.ts";

export function loadConsumers(): AnyConsumer[] {
  return [];
}
