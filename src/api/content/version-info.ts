/**
 * What `/__version__` and `/contribute.json` say about the running code (SPEC §1.1.1): Ichnaea
 * reads a version.json written at build time; Ichnos works it out once at start instead, so a
 * checkout, a Docker image and an npm install all answer without a build step.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface VersionInfo {
  /** Where the source code is: package.json's `repository`, else ICHNOS_SOURCE, else "unknown". */
  readonly source: string;
  readonly version: string;
  /** ICHNOS_COMMIT, else `git rev-parse HEAD` of a checkout, else "unknown". */
  readonly commit: string;
  /** ICHNOS_BUILD (e.g. a CI build id or image tag), else "unknown". */
  readonly build: string;
}

interface PackageJson {
  readonly version?: string;
  readonly repository?: string | { readonly url?: string };
}

const UNKNOWN = "unknown";

/** `git+https://…/x.git` and `github:owner/name` as a browsable https URL. */
function repositoryUrl(repository: PackageJson["repository"]): string | undefined {
  const raw = typeof repository === "string" ? repository : repository?.url;
  if (!raw) return undefined;
  const github = /^(?:github:)?([\w.-]+\/[\w.-]+)$/.exec(raw);
  if (github) return `https://github.com/${github[1]}`;
  return raw.replace(/^git\+/, "").replace(/\.git$/, "");
}

function gitCommit(root: string): string | undefined {
  if (!existsSync(join(root, ".git"))) return undefined;
  try {
    const out = execFileSync("git", ["rev-parse", "HEAD"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 5000 }).trim();
    return /^[0-9a-f]{40,64}$/.test(out) ? out : undefined;
  } catch {
    // No git binary, or a repository without commits: the commit is simply not known.
    return undefined;
  }
}

/** What the configuration says (config.ts `build`: ICHNOS_COMMIT, ICHNOS_BUILD, ICHNOS_SOURCE). */
export interface GivenVersion {
  readonly commit?: string;
  readonly build?: string;
  readonly source?: string;
}

/** Reads package.json and, when needed, git; call once at start (it runs a child process). */
export function readVersionInfo(root: string, given: GivenVersion = {}): VersionInfo {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as PackageJson;
  const value = (v: string | undefined) => v?.trim() || undefined;
  return Object.freeze({
    source: repositoryUrl(pkg.repository) ?? value(given.source) ?? UNKNOWN,
    version: pkg.version ?? UNKNOWN,
    commit: value(given.commit) ?? gitCommit(root) ?? UNKNOWN,
    build: value(given.build) ?? UNKNOWN,
  });
}
