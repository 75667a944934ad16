/**
 * The `cellarea` group (SPEC §4.10): recomputes each cell area whose cells the cell projectors
 * changed, from the `areas` stream they append to. The projection is src/pipeline/area-projector.ts.
 */
import { createAreaProjector } from "../src/pipeline/area-projector.ts";
import { defineConsumerFamily } from "../src/stream/define-consumer.ts";

// One group; a family because the projection needs the process's region lookup.
export default defineConsumerFamily({ name: "cellarea", members: (deps) => [createAreaProjector(deps)] });
