/** The ceiling child's routes (ceiling-child.ts): the bare one on the submit path, and the decode + encode reference. */
export const CEILING_PATH = "/v2/geosubmit";
export const REFERENCE_PATH = "/bench/decode-encode";
