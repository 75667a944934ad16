#!/usr/bin/env node
// The `ichnos` executable. Node strips the TypeScript sources' types itself (22.18+, 23.6+, 24),
// so there is no build step and no loader; tsconfig's erasableSyntaxOnly keeps the sources to
// syntax that stripping can handle.
if (!process.features.typescript) {
  process.stderr.write(
    `ichnos: Node.js ${process.version} cannot run TypeScript sources; use Node.js 24 (or 22.18 and later), ` +
      "or start it with node --experimental-strip-types\n",
  );
  process.exit(2);
}
const { main } = await import("../src/main.ts");
process.exitCode = await main(process.argv.slice(2));
