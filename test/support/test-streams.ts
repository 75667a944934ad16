/**
 * Streams of the runtime's own tests (`test:<name>`), carrying whatever a test appends: the
 * catalogue (src/stream/streams.ts) refuses names outside it, so test set-ups add this family.
 */
import { openFamily } from "../../src/stream/streams.ts";

export const TEST_STREAMS = [openFamily("test", "a test's own entries", /^[A-Za-z0-9_.:-]{1,100}$/)];
