/**
 * What an operator meets at the command line, through the real `bin/ichnos.js`: usage mistakes
 * exit 2 with one line on stderr and no stack trace, every command answers --help without a
 * configuration, --version names the package and commit, --json output is JSON alone on stdout
 * (the logs go to stderr), and `replay --follow` says when no worker consumes the group.
 */
import { readFileSync } from "node:fs";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { type CliProcess, startCli } from "../support/cli-process.ts";
import { runCli } from "../support/run-cli.ts";
import { submitSynthetic } from "../support/submit-synthetic.ts";
import { createWebTestEnv, type WebTestEnv } from "../support/web-setup.ts";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };

interface Ctx { env: WebTestEnv; cli: Record<string, string>; procs: CliProcess[] }
const S = suite<Ctx>("the ichnos command line");

S.before(async (ctx) => {
  ctx.env = await createWebTestEnv("cli-conveniences", { STREAM_PARTITIONS: "2" });
  ctx.cli = { DATABASE_URL: ctx.env.databaseUrl, REDIS_URL: ctx.env.redisUrl, REDIS_PREFIX: ctx.env.prefix, STREAM_PARTITIONS: "2", CONSUMER_LIVENESS: "2s" };
  ctx.procs = [];
});
S.after(async (ctx) => {
  await Promise.all(ctx.procs.map((p) => p.stop()));
  await ctx.env.close();
});

/** `fn` over `items`, a few processes at a time: each `ichnos` start costs about a second. */
async function eachConcurrently<T>(items: readonly T[], fn: (item: T) => Promise<void>, width = 4): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

const USAGE_ERRORS: readonly (readonly string[])[] = [
  [],
  ["nope"],
  ["--bogus"],
  ["groups", "--bogus"],
  ["migrate", "extra"],
  ["work", "--group"],
  ["drain", "--timeout", "5x"],
  ["drain", "--processes", "1.5"],
  ["replay"],
  ["replay", "datamap"],
  ["replay", "datamap", "--from", "yesterday"],
  ["dead", "list"],
  ["dead", "list", "datamap", "--limit", "0"],
  ["dead", "peek", "datamap"],
  ["exports"],
  ["exports", "add"],
  ["exports", "rm"],
  ["exports", "frob"],
  ["cells"],
  ["cells", "import"],
  ["cells", "import", "cells.csv", "--timeout", "1y"],
  ["cells", "export", "out.csv", "--since", "2026-01-01T00:00:00Z"],
  ["cells", "publish", "--at", "tomorrow"],
  ["archive"],
  ["archive", "list", "--from", "yesterday"],
  ["keys"],
  ["keys", "show"],
  ["keys", "add", "--maxreq", "x", "--allow-locate", "maybe"],
];

S("usage mistakes exit 2 with one line on stderr and no stack trace", async ({ cli }) => {
  await eachConcurrently(USAGE_ERRORS, async (args) => {
    const r = await runCli([...args], cli);
    const what = `ichnos ${args.join(" ")}`;
    assert.is(r.code, 2, `${what}: exit code (stderr: ${r.stderr})`);
    assert.is(r.stdout, "", `${what}: nothing on stdout`);
    const lines = r.stderr.split("\n").filter((l) => l !== "");
    assert.is(lines.length, 1, `${what}: one line on stderr, got:\n${r.stderr}`);
    assert.match(lines[0]!, /^ichnos\b/, `${what}: the line names the command`);
    assert.not.match(r.stderr, /\n\s+at |"stack"/, `${what}: no stack trace`);
  });
});

const COMMANDS = ["start", "web", "work", "migrate", "groups", "replay", "drain", "trim", "dead", "keys", "exports", "restore", "archive", "cells"];

S("every command's --help prints its usage and exits 0, without a configuration", async ({ cli }) => {
  // A broken configuration: --help must not need one.
  const broken = { ...cli, PORT: "not-a-port" };
  await eachConcurrently(COMMANDS.flatMap((command) => [[command, "--help"], [command, "-h"]] as const), async ([command, flag]) => {
    const r = await runCli([command, flag], broken);
    assert.is(r.code, 0, `ichnos ${command} ${flag}: ${r.stderr}`);
    assert.match(r.stdout, /^usage:/, `ichnos ${command} ${flag} prints a usage`);
    assert.ok(r.stdout.includes(`ichnos ${command}`), `ichnos ${command} ${flag} names the command`);
    assert.is(r.stderr, "");
  });
  const deeper = await runCli(["keys", "add", "--help"], broken);
  assert.is(deeper.code, 0);
  assert.match(deeper.stdout, /--maxreq N/);
  await eachConcurrently([["--help"], ["help"], ["-h"]], async (top) => {
    const r = await runCli(top, broken);
    assert.is(r.code, 0);
    for (const command of COMMANDS) assert.match(r.stdout, new RegExp(`^  ${command}\\b`, "m"), `ichnos ${top[0]} lists ${command}`);
  });
});

S("--version names the package version, the commit and Node.js", async ({ cli }) => {
  const r = await runCli(["--version"], { ...cli, PORT: "not-a-port" });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^ichnos ${pkg.version.replaceAll(".", "\\.")} \\(commit ([0-9a-f]{40}|unknown); Node\\.js ${process.version}\\)\\n$`));
  const given = await runCli(["--version"], { ...cli, ICHNOS_COMMIT: "abc1234", ICHNOS_BUILD: "ci-77" });
  assert.is(given.stdout, `ichnos ${pkg.version} (commit abc1234, build ci-77; Node.js ${process.version})\n`);
});

S("--json prints JSON alone on stdout and the logs on stderr", async ({ cli }) => {
  await eachConcurrently([["groups", "--json"], ["exports", "list", "--json"], ["dead", "list", "datamap", "--json"], ["keys", "list", "--json"]], async (args) => {
    const r = await runCli(args, { ...cli, LOG_LEVEL: "debug" });
    const what = `ichnos ${args.join(" ")}`;
    assert.is(r.code, 0, `${what}: ${r.stderr}`);
    try {
      JSON.parse(r.stdout);
    } catch (err) {
      assert.unreachable(`${what}: stdout is not JSON (${(err as Error).message}):\n${r.stdout}`);
    }
    const logs = r.stderr.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as { msg: string });
    assert.ok(logs.some((l) => l.msg === `ichnos ${args[0]} finished`), `${what}: its log lines are on stderr:\n${r.stderr}`);
  });
});

S("replay --follow says when no worker is consuming the group, and finishes once one does", async (ctx) => {
  await submitSynthetic(ctx.env.app, { reports: 20, seed: 7 });
  const replay = startCli(["replay", "datamap", "--from", "start", "--follow"], ctx.cli);
  ctx.procs.push(replay);
  await replay.waitForLog(/datamap: no worker is consuming this group \(none alive within CONSUMER_LIVENESS, 2s\)/, 30_000);
  const worker = startCli(["work", "--group", "datamap", "--no-jobs"], ctx.cli);
  ctx.procs.push(worker);
  await replay.waitForLog(/caught up/, 60_000);
  assert.is(await replay.exited, 0, replay.output());
  await worker.stop();
});

S.run();
