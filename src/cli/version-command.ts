/**
 * `ichnos --version`: the package version and the commit, found as `/__version__` finds them
 * (ICHNOS_COMMIT, else `git rev-parse HEAD` of a checkout), and the Node.js running it. It works
 * without a valid configuration: a broken environment is exactly when the version is asked for.
 */
import { PROJECT_ROOT } from "../api/content/project-root.ts";
import { type GivenVersion, readVersionInfo } from "../api/content/version-info.ts";
import { loadConfig } from "../config.ts";

function givenVersion(): GivenVersion {
  try {
    return loadConfig().build;
  } catch {
    return {};
  }
}

export function printVersion(): number {
  const info = readVersionInfo(PROJECT_ROOT, givenVersion());
  const build = info.build === "unknown" ? "" : `, build ${info.build}`;
  process.stdout.write(`ichnos ${info.version} (commit ${info.commit}${build}; Node.js ${process.version})\n`);
  return 0;
}
