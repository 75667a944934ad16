/** The cell of one radio nearest a point: the serving cell of a device standing there. */
import { IndexGrid } from "./index-grid.ts";
import { type BenchRadio, CELL_RADIOS, type World } from "./stations.ts";

/** A finder over the world's cells of `radio`: (x, y) → a world cell index (undefined when there are none). */
export function nearestCellFinder(world: World, radio: BenchRadio): (x: number, y: number) => number | undefined {
  const { cells } = world;
  const code = CELL_RADIOS.indexOf(radio);
  const members: number[] = [];
  for (let i = 0; i < cells.count; i++) if (cells.radio[i] === code) members.push(i);
  const grid = new IndexGrid(Float32Array.from(members, (i) => cells.x[i]!), Float32Array.from(members, (i) => cells.y[i]!), 1000, cells.discRadius + 10);
  return (x, y) => members[grid.nearest(x, y)];
}
