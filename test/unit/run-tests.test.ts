import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";

const runner = fileURLToPath(new URL("../run-tests.mjs", import.meta.url));
const leaking = fileURLToPath(new URL("../fixtures/suite-leaving-a-timer.ts", import.meta.url));

test("the test runner counts a suite that leaves open handles as a failure", () => {
  const run = spawnSync(process.execPath, [runner, leaking], { encoding: "utf8", timeout: 30_000 });
  assert.is(run.status, 1, run.stdout + run.stderr);
  assert.match(run.stdout, /^1 passed, 1 failed, 0 skipped$/m);
  assert.match(run.stderr, /open handles 3 s after its summary .* counted as a failure/);
});

test.run();
