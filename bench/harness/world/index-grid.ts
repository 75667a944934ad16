/** A uniform grid over station indexes (counting sort by cell): the stations near a point. */
export class IndexGrid {
  private readonly offsets: Uint32Array;
  private readonly order: Uint32Array;
  private readonly width: number;
  private readonly xs: Float32Array;
  private readonly ys: Float32Array;
  private readonly size: number;
  private readonly extent: number;
  constructor(xs: Float32Array, ys: Float32Array, size: number, extent: number) {
    this.xs = xs;
    this.ys = ys;
    this.size = size;
    this.extent = extent;
    this.width = Math.ceil((2 * extent) / size) + 1;
    const cellOf = new Uint32Array(xs.length);
    const counts = new Uint32Array(this.width * this.width + 1);
    for (let i = 0; i < xs.length; i++) {
      const c = this.cell(xs[i]!, ys[i]!);
      cellOf[i] = c;
      counts[c + 1]! += 1;
    }
    for (let c = 1; c < counts.length; c++) counts[c]! += counts[c - 1]!;
    this.offsets = counts.slice();
    const fill = counts.slice();
    this.order = new Uint32Array(xs.length);
    for (let i = 0; i < xs.length; i++) this.order[fill[cellOf[i]!]!++] = i;
  }
  private clampIndex(v: number): number {
    return Math.min(this.width - 1, Math.max(0, Math.floor((v + this.extent) / this.size)));
  }
  private cell(x: number, y: number): number {
    return this.clampIndex(x) * this.width + this.clampIndex(y);
  }
  /** Indexes in grid cells [x0, x1] × [y0, y1] within `radius` of (x, y), nearest first, with distances. */
  private scan(x: number, y: number, x0: number, x1: number, y0: number, y1: number, radius: number): { i: number; d: number }[] {
    const found: { i: number; d: number }[] = [];
    for (let cx = x0; cx <= x1; cx++) {
      for (let cy = y0; cy <= y1; cy++) {
        const c = cx * this.width + cy;
        for (let k = this.offsets[c]!; k < this.offsets[c + 1]!; k++) {
          const i = this.order[k]!;
          const d = Math.hypot(this.xs[i]! - x, this.ys[i]! - y);
          if (d <= radius) found.push({ i, d });
        }
      }
    }
    return found.sort((a, b) => a.d - b.d);
  }
  /** Indexes within `radius` metres of (x, y), nearest first, with distances. */
  near(x: number, y: number, radius: number): { i: number; d: number }[] {
    return this.scan(x, y, this.clampIndex(x - radius), this.clampIndex(x + radius), this.clampIndex(y - radius), this.clampIndex(y + radius), radius);
  }
  /** Indexes in the grid cells at most `rings` cells from (x, y)'s, nearest first: what a receiver there could hear. */
  around(x: number, y: number, rings: number): { i: number; d: number }[] {
    const cx = this.clampIndex(x);
    const cy = this.clampIndex(y);
    const last = this.width - 1;
    return this.scan(x, y, Math.max(0, cx - rings), Math.min(last, cx + rings), Math.max(0, cy - rings), Math.min(last, cy + rings), Number.POSITIVE_INFINITY);
  }
  /** The indexes in the grid cell that holds (x, y), in no particular order (a view: no copy). */
  inCell(x: number, y: number): Uint32Array {
    const c = this.cell(x, y);
    return this.order.subarray(this.offsets[c]!, this.offsets[c + 1]!);
  }
  /** The index nearest (x, y) (searching ever wider rings of grid cells), or -1 when the grid is empty. */
  nearest(x: number, y: number): number {
    const cx = this.clampIndex(x);
    const cy = this.clampIndex(y);
    const last = this.width - 1;
    for (let rings = 1; ; rings *= 2) {
      let best = -1;
      let bestD = Number.POSITIVE_INFINITY;
      for (let gx = Math.max(0, cx - rings); gx <= Math.min(last, cx + rings); gx++) {
        for (let gy = Math.max(0, cy - rings); gy <= Math.min(last, cy + rings); gy++) {
          const c = gx * this.width + gy;
          for (let k = this.offsets[c]!; k < this.offsets[c + 1]!; k++) {
            const i = this.order[k]!;
            const dx = this.xs[i]! - x;
            const dy = this.ys[i]! - y;
            const d = dx * dx + dy * dy;
            if (d < bestD) {
              bestD = d;
              best = i;
            }
          }
        }
      }
      if (best !== -1 || rings >= this.width) return best;
    }
  }
}
