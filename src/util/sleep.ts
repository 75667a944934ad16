/** Waits `ms`, or less when `signal` aborts; leaves no listener on the signal behind. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (!signal) {
      setTimeout(resolve, ms);
      return;
    }
    if (signal.aborted) return resolve();
    const aborter = signal;
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      aborter.removeEventListener("abort", done);
      resolve();
    }
    aborter.addEventListener("abort", done, { once: true });
  });
}
