import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ConsumerDeps } from "../../src/stream/consumer-deps.ts";
import { consumerRegistry } from "../../src/stream/consumer-registry.ts";

const defineModule = fileURLToPath(new URL("../../src/stream/define-consumer.ts", import.meta.url));
const header = `import { defineConsumer, defineConsumerFamily } from ${JSON.stringify(defineModule)};\n`;

/**
 * `fn` with a consumers folder of its own holding these files, removed afterwards. (Not `using`:
 * Node 22 runs these files with its type stripping, which leaves syntax as written, and its V8
 * has no `using` declarations.)
 */
async function withFolder(files: Record<string, string>, fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "ichnos-consumers-"));
  try {
    for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), header + body);
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// The factories here read nothing from their deps but a marker they hand back.
const deps = { stationBatch: 7 } as unknown as ConsumerDeps;
const consumer = (name: string, reads = "reports") => `export default defineConsumer({ name: "${name}", reads: "${reads}", start: "0", async project() {} });\n`;

test("every file of the folder that default-exports a consumer or a family is a group, with no list to edit", async () => {
  await withFolder({
    "hourly-volume.ts": consumer("hourly-volume"),
    "shards.ts": `export default defineConsumerFamily({ name: "shards", members: (deps) => ["a", "b"].map((m) => defineConsumer({ name: \`shards:\${m}:\${deps.stationBatch}\`, reads: "areas", start: "0", async project() {} })) });\n`,
    "rows.ts": `export default defineConsumerFamily({ name: "rows", reloadable: true, members: async () => [defineConsumer({ name: "rows:x", reads: "areas", start: "$", async project() {} })] });\n`,
    "helper.test.ts": "export const notAConsumer = 1;\n",
  }, async (dir) => {
    const registry = consumerRegistry(deps, dir);
    assert.equal((await registry.all()).map((c) => c.name).sort(), ["hourly-volume", "rows:x", "shards:a:7", "shards:b:7"]);
    assert.equal((await registry.fixed()).map((c) => c.name).sort(), ["hourly-volume", "shards:a:7", "shards:b:7"]);
    assert.equal((await registry.reloadable()).map((c) => c.name), ["rows:x"]);
  });
});

test("a group named differently from its file stops the start, saying what to rename", async () => {
  await withFolder({ "hourly-volume.ts": consumer("hourly_volume") }, async (dir) => {
    try {
      await consumerRegistry(deps, dir).all();
      assert.unreachable();
    } catch (err) {
      assert.match((err as Error).message, /hourly-volume\.ts defines group "hourly_volume": a group's name must be its file's name \(rename the file to hourly_volume\.ts, or the group to "hourly-volume"\)/);
    }
  });
});

test("a file without a consumer as its default export, or a family member outside its name, is refused", async () => {
  await withFolder({ "named.ts": "export const named = defineConsumer({ name: \"named\", reads: \"reports\", start: \"0\", async project() {} });\n" }, async (dir) => {
    try {
      await consumerRegistry(deps, dir).all();
      assert.unreachable();
    } catch (err) {
      assert.match((err as Error).message, /named\.ts does not default-export a consumer: end it with "export default defineConsumer\(\{ name: \\"named\\"/);
    }
  });
  await withFolder({ "fam.ts": `export default defineConsumerFamily({ name: "fam", members: () => [defineConsumer({ name: "other:1", reads: "reports", start: "0", async project() {} })] });\n` }, async (dir) => {
    try {
      await consumerRegistry(deps, dir).all();
      assert.unreachable();
    } catch (err) {
      assert.match((err as Error).message, /fam\.ts makes a group "other:1": the groups of family fam must be named fam or fam:<member>/);
    }
  });
});

test.run();
