/** How the benches' tables write numbers, so the same figure reads the same in every report. */

/** A count or a rate, rounded, with thousands separators: 12,345. */
export const count = (x: number) => Math.round(x).toLocaleString("en-US");

/** A ratio as a percentage: 0.4 → "40%". */
export const percent = (x: number, digits = 0) => `${(x * 100).toFixed(digits)}%`;

/** Milliseconds, seconds-scale: 1234 → "1.2 s". */
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Latencies in ms, more digits below 10 ms where they matter. */
export const millis = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));

export const verdict = (ok: boolean) => (ok ? "PASS" : "FAIL");
