/**
 * The second measurement: wrk (C, epoll, one thread) with a Lua script that cycles through the
 * same gzipped bodies, written to a folder the bench's run removes at the end. wrk needs a
 * fraction of the CPU autocannon does, which matters on a 2-core box where the load generator
 * and the server share the cores.
 * wrk runs for a fixed time and does not count requests still in flight when it stops, so the
 * stream lengths can only be checked to within one request per connection.
 */
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import type { LoadPlan } from "../harness/autocannon.ts";
import { cpuShare, sampleCpu } from "../harness/cpu.ts";
import type { LoadRun, LoadTarget } from "./load.ts";

const run = promisify(execFile);

export interface WrkSetup {
  readonly dir: string;
  readonly script: string;
  readonly bodies: number;
}

const luaString = (s: string) => `"${s.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;

function luaScript(headers: Readonly<Record<string, string>>): string {
  const table = Object.entries(headers).map(([k, v]) => `[${luaString(k)}] = ${luaString(v)}`).join(", ");
  return `-- written by bench/submit-support/wrk.ts: cycle through pre-built POSTs of the body files
local reqs = {}
local n = 0
local i = 0
function init(args)
  local dir, count, path = args[1], tonumber(args[2]), args[3]
  for k = 1, count do
    local f = assert(io.open(string.format("%s/body-%04d.bin", dir, k - 1), "rb"))
    local body = f:read("*a")
    f:close()
    reqs[k] = wrk.format("POST", path, { ${table} }, body)
  end
  n = count
  -- each thread starts at a different body
  i = math.random(0, n - 1)
end
function request()
  i = i % n + 1
  return reqs[i]
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK-RESULT {"requests":%d,"durationUs":%d,"status":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,"p50":%d,"p99":%d,"mean":%.1f}\\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.mean))
end
`;
}

export async function hasWrk(): Promise<boolean> {
  try {
    await run("wrk", ["--version"]);
    return true;
  } catch (err) {
    // wrk --version prints its banner and exits with status 1
    return (err as { code?: unknown }).code === 1;
  }
}

export async function prepareWrk(dir: string, bodies: readonly Buffer[], headers: Readonly<Record<string, string>>): Promise<WrkSetup> {
  await Promise.all(bodies.map((body, k) => writeFile(join(dir, `body-${String(k).padStart(4, "0")}.bin`), body)));
  const script = join(dir, "submit.lua");
  await writeFile(script, luaScript(headers));
  return { dir, script, bodies: bodies.length };
}

export function wrkCommand(setup: WrkSetup, url: string, path: string, plan: LoadPlan): string[] {
  return ["-t", "1", "-c", String(plan.connections), "-d", `${plan.durationS ?? 10}s`, "--timeout", "30s",
    "-s", setup.script, url, "--", setup.dir, String(setup.bodies), path];
}

export async function runWrk(target: LoadTarget, setup: WrkSetup, plan: LoadPlan): Promise<LoadRun> {
  const before = await sampleCpu(target.redis, target.serverPid);
  const { stdout } = await run("wrk", wrkCommand(setup, target.url, target.path, plan), { maxBuffer: 16 * 2 ** 20 });
  const cpu = cpuShare(before, await sampleCpu(target.redis, target.serverPid));
  const line = /^WRK-RESULT (.*)$/m.exec(stdout)?.[1];
  if (!line) throw new Error(`wrk printed no result:\n${stdout}`);
  const r = JSON.parse(line) as Record<string, number>;
  const ok = r.requests! - r.status!;
  const ms = r.durationUs! / 1000;
  return {
    connections: plan.connections,
    ok,
    non2xx: r.status!,
    errors: r.connect! + r.read! + r.write!,
    timeouts: r.timeout!,
    ms,
    rate: (ok * 1000) / ms,
    p50: r.p50! / 1000,
    p99: r.p99! / 1000,
    meanLatency: r.mean! / 1000,
    statusCodes: {},
    cpu,
  };
}
