/**
 * The consumer groups, discovered: every file in `consumers/` whose default export is a
 * consumer (`defineConsumer`) or a family of them (`defineConsumerFamily`) is a group, or a set
 * of groups named `<file>:<member>`. There is no list to edit; a group's name must be its file's
 * name, which start-up checks, so `ichnos groups` and the folder always agree.
 */
import { readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ConsumerDeps } from "./consumer-deps.ts";
import { isConsumerFamily, type AnyConsumer, type ConsumerFamily } from "./define-consumer.ts";

export const CONSUMERS_DIR = fileURLToPath(new URL("../../consumers/", import.meta.url));

/** One file of the folder: what it defines, under the name its file gives it. */
interface Definition {
  readonly file: string;
  readonly name: string;
  readonly definition: AnyConsumer | ConsumerFamily;
}

export class ConsumerFileError extends Error {}

const isConsumerFile = (name: string) => /^[A-Za-z0-9_.-]+\.ts$/.test(name) && !name.endsWith(".test.ts") && !name.endsWith(".d.ts");

const loaded = new Map<string, Promise<Definition[]>>();

async function importDefinitions(dir: string): Promise<Definition[]> {
  const files = readdirSync(dir).filter(isConsumerFile).sort();
  const out: Definition[] = [];
  for (const file of files) {
    const path = join(dir, file);
    const mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
    const definition = mod.default;
    const name = basename(file, ".ts");
    const isConsumer = typeof definition === "object" && definition !== null && typeof (definition as AnyConsumer).project === "function";
    if (!isConsumer && !isConsumerFamily(definition)) {
      throw new ConsumerFileError(
        `${path} does not default-export a consumer: end it with "export default defineConsumer({ name: \\"${name}\\", … })" ` +
          "(or defineConsumerFamily for a set of groups)",
      );
    }
    const defined = isConsumer ? (definition as AnyConsumer).name : (definition as ConsumerFamily).name;
    if (defined !== name) {
      throw new ConsumerFileError(`${path} defines ${isConsumer ? "group" : "family"} "${defined}": a group's name must be its file's name (rename the file to ${defined}.ts, or the group to "${name}")`);
    }
    out.push({ file: path, name, definition: definition as AnyConsumer | ConsumerFamily });
  }
  return out;
}

/** The folder's definitions, imported once per process. */
function definitions(dir: string): Promise<Definition[]> {
  let found = loaded.get(dir);
  if (!found) {
    found = importDefinitions(dir);
    found.catch(() => loaded.delete(dir));
    loaded.set(dir, found);
  }
  return found;
}

async function expand(d: Definition, deps: ConsumerDeps): Promise<AnyConsumer[]> {
  if (!isConsumerFamily(d.definition)) return [d.definition];
  const members = await d.definition.members(deps);
  for (const m of members) {
    if (!m.name.startsWith(`${d.name}:`) && m.name !== d.name) {
      throw new ConsumerFileError(`${d.file} makes a group "${m.name}": the groups of family ${d.name} must be named ${d.name} or ${d.name}:<member>`);
    }
  }
  return [...members];
}

export interface ConsumerRegistry {
  /** Every group: reloadable families read their configuration now. */
  all(): Promise<AnyConsumer[]>;
  /** The groups that do not depend on configuration rows (everything but reloadable families). */
  fixed(): Promise<AnyConsumer[]>;
  /** The groups of reloadable families (one per `export_config` row), read now. */
  reloadable(): Promise<AnyConsumer[]>;
}

export function consumerRegistry(deps: ConsumerDeps, dir: string = CONSUMERS_DIR): ConsumerRegistry {
  const pick = async (reloadable: boolean | null) => {
    const defs = (await definitions(dir)).filter((d) => reloadable === null || (isConsumerFamily(d.definition) && d.definition.reloadable === true) === reloadable);
    const groups = (await Promise.all(defs.map((d) => expand(d, deps)))).flat();
    const seen = new Set<string>();
    for (const g of groups) {
      if (seen.has(g.name)) throw new ConsumerFileError(`two definitions in ${dir} make group "${g.name}"`);
      seen.add(g.name);
    }
    return groups;
  };
  return { all: () => pick(null), fixed: () => pick(false), reloadable: () => pick(true) };
}

/** Every registered group (exports read from MySQL now). */
export function loadConsumers(deps: ConsumerDeps, dir?: string): Promise<AnyConsumer[]> {
  return consumerRegistry(deps, dir).all();
}
