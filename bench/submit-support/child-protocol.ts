/**
 * The few IPC messages between the bench and its server children. A child says `ready` with its
 * URL once it listens; the bench sends `stop`. A child also stops on SIGTERM/SIGINT and when the
 * IPC channel closes (the bench died), so no server outlives a run. The exit code is 0 after a
 * clean stop, 1 when stopping failed or took longer than 10 s.
 */
/** The ceiling child's routes: the bare one, and the decode + encode reference. */
export const CEILING_PATH = "/v2/geosubmit";
export const REFERENCE_PATH = "/bench/decode-encode";

export type ChildMessage = { readonly type: "ready"; readonly url: string };
export type ParentMessage = { readonly type: "stop" };

export function sendReady(url: string): void {
  if (!process.send) throw new Error("started without an IPC channel: run it through bench/submit.ts");
  process.send({ type: "ready", url } satisfies ChildMessage);
}

export function onStopRequest(stop: () => Promise<void>): void {
  let stopping = false;
  const run = () => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    stop().then(
      () => process.exit(0),
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on("message", (message: ParentMessage) => {
    if (message?.type === "stop") run();
  });
  process.once("disconnect", run);
  process.once("SIGTERM", run);
  process.once("SIGINT", run);
}
