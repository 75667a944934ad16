import { mkdirSync } from "node:fs";

/** Where a test's artifact (a screenshot, a failed run's logs) goes: test-artifacts/<name>, kept by CI, ignored by git. */
export function artifactPath(name: string): string {
  mkdirSync("test-artifacts", { recursive: true });
  return `test-artifacts/${name}`;
}
