#!/usr/bin/env node
// Runs the uvu suites and prints the "N passed, N failed" line CI reads. uvu prints no such line
// and never exits while a socket or timer is open, so the child is killed shortly after its
// summary, and that counts as one failure: a suite that leaves connections, servers or timers
// behind hides leaks the service would have too. A suite that throws while loading has no
// summary and counts as one failure.
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

// The suites run as Node runs the service (bin/ichnos.js): with Node's own type stripping.
if (!process.features.typescript) {
  console.error(`[run-tests] Node.js ${process.version} cannot strip TypeScript types; use Node.js 24 (or 22.18 and later)`);
  console.log("0 passed, 1 failed, 0 skipped");
  process.exit(1);
}

const roots = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ["test/unit", "test/integration"];
const GRACE_MS = 3000;

function listTests(path) {
  if (statSync(path).isFile()) return [path];
  return readdirSync(path, { withFileTypes: true }).flatMap((d) => {
    const p = join(path, d.name);
    if (d.isDirectory()) return listTests(p);
    return /\.test\.ts$/.test(d.name) ? [p] : [];
  }).sort();
}

function runFile(file) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file], {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, NO_COLOR: "1" },
    });
    let out = "";
    let killer;
    let leftHandles = false;
    child.stdout.on("data", (chunk) => {
      process.stdout.write(chunk);
      out += chunk;
      if (!killer && /^\s*Duration:/m.test(out)) {
        killer = setTimeout(() => {
          leftHandles = true;
          process.stderr.write(`\n[run-tests] ${file}: open handles ${GRACE_MS / 1000} s after its summary (a connection, server or timer not closed in after()); killed, counted as a failure\n`);
          child.kill("SIGKILL");
        }, GRACE_MS);
      }
    });
    child.on("close", (code, signal) => {
      clearTimeout(killer);
      const num = (label) => Number(new RegExp(`^\\s*${label}:\\s+(\\d+)`, "m").exec(out)?.[1] ?? Number.NaN);
      const total = num("Total");
      if (Number.isNaN(total)) return resolve({ passed: 0, failed: 1, skipped: 0, file });
      const passed = num("Passed");
      const skipped = num("Skipped") || 0;
      let failed = total - passed;
      // A non-zero exit that was not our kill means something failed outside a test.
      if (failed === 0 && code !== 0 && signal !== "SIGKILL") failed = 1;
      if (leftHandles) failed += 1;
      resolve({ passed, failed, skipped, file });
    });
  });
}

const files = roots.flatMap(listTests);
let passed = 0, failed = 0, skipped = 0;
const failedFiles = [];
const started = Date.now();
for (const file of files) {
  console.log(`\n# ${relative(process.cwd(), file)}`);
  const r = await runFile(file);
  passed += r.passed; failed += r.failed; skipped += r.skipped;
  if (r.failed > 0) failedFiles.push(r.file);
}
console.log(`\n${files.length} files in ${((Date.now() - started) / 1000).toFixed(1)} s`);
if (failedFiles.length) console.log(`failing: ${failedFiles.join(", ")}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || files.length === 0 ? 1 : 0);
