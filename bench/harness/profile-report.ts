/** How bench:submit and bench:locate print a web child's CPU profile (cpu-profile.ts) under their own heading line. */
import type { HotFunction, ProfileSummary } from "./cpu-profile.ts";
import { percent } from "./format.ts";

/** Self time by area (the first `areas`), the hottest functions, and the project's own functions, shares with `digits` decimals. */
export function profileSections(p: ProfileSummary, options: { readonly areas: number; readonly digits: number }): string[] {
  const share = (x: number) => percent(x, options.digits).padStart(options.digits ? 6 : 4);
  const fn = (f: HotFunction) => `  ${share(f.share)}  ${f.name.slice(0, 44).padEnd(44)} ${f.where}`;
  return [
    "Self time by area, share of the busy samples:",
    ...p.byArea.slice(0, options.areas).map((f) => `  ${share(f.share)}  ${f.name}`),
    "Hottest functions (self time):",
    ...p.self.map(fn),
    "Project functions (src/), inclusive time:",
    ...p.inclusive.map(fn),
  ];
}
