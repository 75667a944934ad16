/**
 * The few IPC messages between a bench and the server children it starts with children.ts
 * (`startServer`). A child says `ready` with its URL once it listens; the bench sends `stop`. A
 * child also stops on SIGTERM/SIGINT and when the IPC channel closes (the bench died), so no
 * server outlives a run. The exit code is 0 after a clean stop, 1 when stopping failed or took
 * longer than 10 s.
 */
export type ChildMessage = { readonly type: "ready"; readonly url: string };
export type ParentMessage = { readonly type: "stop" };

export function sendReady(url: string): void {
  if (!process.send) throw new Error("started without an IPC channel: the benches start this file (bench/harness/children.ts)");
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
