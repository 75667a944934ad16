/**
 * The linear-algebra kernels of MINPACK's `lmdif` (Moré, Garbow, Hillstrom 1980; the code behind
 * `scipy.optimize.leastsq`): `enorm`, `qrfac` with column pivoting and `qrsolv`. They are ported
 * statement for statement, 0-based, because SPEC §8.3 needs the solver's exact path: the Wi-Fi
 * reference position (SPEC §3.6, 39.51 m) is where MINPACK stops, not the true minimum.
 *
 * Matrices are arrays of columns: `a[j][i]` is row i, column j (Fortran's column-major layout).
 */
export type Columns = Float64Array[];

export const EPSMCH = 2.220446049250313e-16;

/**
 * Euclidean norm. MINPACK's enorm rescales to avoid overflow and underflow; that only changes
 * anything for components outside about 1e-19…1e19, which distances and weights never reach.
 */
export function enorm(values: ArrayLike<number>, from = 0, to = values.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += values[i]! * values[i]!;
  return Math.sqrt(sum);
}

export interface QrFactors {
  /** Diagonal of R. */
  readonly rdiag: Float64Array;
  /** Norms of the columns of the input matrix. */
  readonly acnorm: Float64Array;
  /** Column j of A·P is column ipvt[j] of A. */
  readonly ipvt: Int32Array;
}

function swapColumns(a: Columns, j: number, k: number): void {
  const tmp = a[j]!;
  a[j] = a[k]!;
  a[k] = tmp;
}

/** Householder step for column j: returns −‖a[j][j..]‖ (the new R diagonal entry). */
function householder(col: Float64Array, j: number): number {
  let ajnorm = enorm(col, j);
  if (ajnorm === 0) return 0;
  if (col[j]! < 0) ajnorm = -ajnorm;
  for (let i = j; i < col.length; i++) col[i]! /= ajnorm;
  col[j]! += 1;
  return -ajnorm;
}

/**
 * QR factorisation with column pivoting, in place: on return the upper triangle of `a` holds R
 * (apart from its diagonal, in `rdiag`) and the lower trapezoid the Householder vectors.
 */
export function qrfac(a: Columns): QrFactors {
  const n = a.length;
  const m = a[0]!.length;
  const acnorm = Float64Array.from(a, (col) => enorm(col));
  const rdiag = Float64Array.from(acnorm);
  const wa = Float64Array.from(acnorm);
  const ipvt = Int32Array.from({ length: n }, (_, j) => j);
  for (let j = 0; j < Math.min(m, n); j++) {
    let kmax = j;
    for (let k = j; k < n; k++) if (rdiag[k]! > rdiag[kmax]!) kmax = k;
    if (kmax !== j) {
      swapColumns(a, j, kmax);
      rdiag[kmax] = rdiag[j]!;
      wa[kmax] = wa[j]!;
      [ipvt[j], ipvt[kmax]] = [ipvt[kmax]!, ipvt[j]!];
    }
    const cj = a[j]!;
    const diag = householder(cj, j);
    if (diag !== 0) {
      for (let k = j + 1; k < n; k++) {
        const ck = a[k]!;
        let sum = 0;
        for (let i = j; i < m; i++) sum += cj[i]! * ck[i]!;
        const temp = sum / cj[j]!;
        for (let i = j; i < m; i++) ck[i]! -= temp * cj[i]!;
        if (rdiag[k] === 0) continue;
        const t = ck[j]! / rdiag[k]!;
        rdiag[k]! *= Math.sqrt(Math.max(0, 1 - t * t));
        if (0.05 * (rdiag[k]! / wa[k]!) ** 2 <= EPSMCH) {
          rdiag[k] = enorm(ck, j + 1);
          wa[k] = rdiag[k]!;
        }
      }
    }
    rdiag[j] = diag;
  }
  return { rdiag, acnorm, ipvt };
}

/** One Givens rotation eliminating sdiag[k] against r[k][k]; returns [cos, sin]. */
function givens(rkk: number, sk: number): [number, number] {
  if (Math.abs(rkk) < Math.abs(sk)) {
    const cotan = rkk / sk;
    const sin = 0.5 / Math.sqrt(0.25 + 0.25 * cotan * cotan);
    return [sin * cotan, sin];
  }
  const tan = sk / rkk;
  const cos = 0.5 / Math.sqrt(0.25 + 0.25 * tan * tan);
  return [cos, cos * tan];
}

/** Eliminates the diagonal row D·P for column j with Givens rotations (qrsolv's first half). */
function eliminateDiagonal(r: Columns, j: number, dj: number, sdiag: Float64Array, wa: Float64Array): void {
  const n = r.length;
  sdiag.fill(0, j);
  sdiag[j] = dj;
  let qtbpj = 0;
  for (let k = j; k < n; k++) {
    if (sdiag[k] === 0) continue;
    const ck = r[k]!;
    const [cos, sin] = givens(ck[k]!, sdiag[k]!);
    ck[k] = cos * ck[k]! + sin * sdiag[k]!;
    const temp = cos * wa[k]! + sin * qtbpj;
    qtbpj = -sin * wa[k]! + cos * qtbpj;
    wa[k] = temp;
    for (let i = k + 1; i < n; i++) {
      const t = cos * ck[i]! + sin * sdiag[i]!;
      sdiag[i] = -sin * ck[i]! + cos * sdiag[i]!;
      ck[i] = t;
    }
  }
}

/**
 * Solves min ‖(A; D)·x − (b; 0)‖ given the QR factors of A (n×n R in `r`, Qᵀb in `qtb`). On
 * return the strict lower triangle of `r` holds Sᵀ and `sdiag` the diagonal of S, where
 * Pᵀ(AᵀA + DD)P = SᵀS — lmpar's Newton correction reads both.
 */
export function qrsolv(r: Columns, ipvt: Int32Array, diag: Float64Array, qtb: Float64Array, x: Float64Array, sdiag: Float64Array): void {
  const n = r.length;
  const wa = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    for (let i = j; i < n; i++) r[j]![i] = r[i]![j]!;
    x[j] = r[j]![j]!;
    wa[j] = qtb[j]!;
  }
  for (let j = 0; j < n; j++) {
    const dj = diag[ipvt[j]!]!;
    if (dj !== 0) eliminateDiagonal(r, j, dj, sdiag, wa);
    sdiag[j] = r[j]![j]!;
    r[j]![j] = x[j]!;
  }
  let nsing = n;
  for (let j = 0; j < n; j++) {
    if (sdiag[j] === 0 && nsing === n) nsing = j;
    if (nsing < n) wa[j] = 0;
  }
  for (let j = nsing - 1; j >= 0; j--) {
    let sum = 0;
    for (let i = j + 1; i < nsing; i++) sum += r[j]![i]! * wa[i]!;
    wa[j] = (wa[j]! - sum) / sdiag[j]!;
  }
  for (let j = 0; j < n; j++) x[ipvt[j]!] = wa[j]!;
}
