/**
 * MINPACK `lmdif` with `scipy.optimize.leastsq`'s defaults (ftol = xtol = 1.49012e-8, gtol = 0,
 * maxfev = 200·(n+1), epsfcn = machine epsilon, factor = 100, mode 1 = automatic scaling).
 *
 * Why a port and not ml-levenberg-marquardt: SPEC §3.6's reference position is where MINPACK
 * *stops* — its xtol test is relative to ‖diag·x‖ with x ≈ 51.5°, so it ends ~1e-6° (≈ 8 cm)
 * short of the true minimum — and that library has no scaled trust region, step rejection or
 * relative xtol; none of 2,268 tried settings of it gave the reference values.
 */
import { lmpar } from "./minpack-lmpar.ts";
import { type Columns, EPSMCH, enorm, qrfac } from "./minpack-qr.ts";

export type Residuals = (x: Float64Array) => Float64Array;

export interface LeastSquaresResult {
  readonly x: Float64Array;
  /** MINPACK's info: 1–4 converged, 5 too many evaluations, 6–8 tolerances too small. */
  readonly info: number;
  readonly nfev: number;
}

const FTOL = 1.49012e-8;
const XTOL = 1.49012e-8;
const GTOL = 0;
const FACTOR = 100;

interface State {
  readonly fcn: Residuals;
  x: Float64Array;
  fvec: Float64Array;
  fnorm: number;
  nfev: number;
  iter: number;
  par: number;
  delta: number;
  xnorm: number;
  diag: Float64Array;
}

/** fdjac2: forward differences with step √epsfcn·|xⱼ|. */
function jacobian(s: State): Columns {
  const eps = Math.sqrt(EPSMCH);
  const n = s.x.length;
  const m = s.fvec.length;
  const columns: Columns = [];
  // Plain loops: TypedArray.from with a map function is several times slower in V8, and this
  // runs on every iteration of every locate fit.
  for (let j = 0; j < n; j++) {
    const xj = s.x[j]!;
    const h = eps * Math.abs(xj) || eps;
    const probe = s.x.slice();
    probe[j] = xj + h;
    const f = s.fcn(probe);
    const column = new Float64Array(m);
    for (let i = 0; i < m; i++) column[i] = (f[i]! - s.fvec[i]!) / h;
    columns.push(column);
  }
  return columns;
}

/** ‖D·x‖ */
function scaledNorm(diag: Float64Array, x: Float64Array): number {
  let sum = 0;
  for (let j = 0; j < x.length; j++) {
    const v = diag[j]! * x[j]!;
    sum += v * v;
  }
  return Math.sqrt(sum);
}

interface Linearised {
  readonly fjac: Columns;
  readonly ipvt: Int32Array;
  readonly qtf: Float64Array;
  readonly gnorm: number;
}

/** Jacobian, its QR factors, Qᵀf and the scaled gradient norm; on iteration 1 also D and Δ. */
function linearise(s: State): Linearised {
  const n = s.x.length;
  const fjac = jacobian(s);
  s.nfev += n;
  const { rdiag, acnorm, ipvt } = qrfac(fjac);
  if (s.iter === 1) {
    s.diag = acnorm.slice();
    for (let j = 0; j < n; j++) if (s.diag[j] === 0) s.diag[j] = 1;
    s.xnorm = scaledNorm(s.diag, s.x);
    s.delta = FACTOR * s.xnorm || FACTOR;
  }
  const wa4 = s.fvec.slice();
  const qtf = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const cj = fjac[j]!;
    if (cj[j] !== 0) {
      let sum = 0;
      for (let i = j; i < wa4.length; i++) sum += cj[i]! * wa4[i]!;
      const temp = -sum / cj[j]!;
      for (let i = j; i < wa4.length; i++) wa4[i]! += cj[i]! * temp;
    }
    cj[j] = rdiag[j]!;
    qtf[j] = wa4[j]!;
  }
  let gnorm = 0;
  if (s.fnorm !== 0) {
    for (let j = 0; j < n; j++) {
      const l = ipvt[j]!;
      if (acnorm[l] === 0) continue;
      let sum = 0;
      for (let i = 0; i <= j; i++) sum += fjac[j]![i]! * (qtf[i]! / s.fnorm);
      gnorm = Math.max(gnorm, Math.abs(sum / acnorm[l]!));
    }
  }
  for (let j = 0; j < n; j++) s.diag[j] = Math.max(s.diag[j]!, acnorm[j]!);
  return { fjac, ipvt, qtf, gnorm };
}

interface Trial {
  readonly x: Float64Array;
  readonly fvec: Float64Array;
  readonly fnorm: number;
  readonly pnorm: number;
  readonly actred: number;
  readonly prered: number;
  readonly dirder: number;
}

/** Computes the LM step inside the trust region and evaluates the residuals there. */
function trial(s: State, lin: Linearised): Trial {
  const n = s.x.length;
  const step = new Float64Array(n);
  s.par = lmpar({ r: lin.fjac, ipvt: lin.ipvt, diag: s.diag, qtb: lin.qtf, delta: s.delta }, s.par, step);
  for (let j = 0; j < n; j++) step[j] = -step[j]!;
  const x = new Float64Array(n);
  for (let j = 0; j < n; j++) x[j] = s.x[j]! + step[j]!;
  const pnorm = scaledNorm(s.diag, step);
  if (s.iter === 1) s.delta = Math.min(s.delta, pnorm);
  const fvec = s.fcn(x);
  s.nfev += 1;
  const fnorm = enorm(fvec);
  const actred = 0.1 * fnorm < s.fnorm ? 1 - (fnorm / s.fnorm) ** 2 : -1;
  const jp = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const temp = step[lin.ipvt[j]!]!;
    for (let i = 0; i <= j; i++) jp[i]! += lin.fjac[j]![i]! * temp;
  }
  const temp1 = enorm(jp) / s.fnorm;
  const temp2 = (Math.sqrt(s.par) * pnorm) / s.fnorm;
  return { x, fvec, fnorm, pnorm, actred, prered: temp1 ** 2 + temp2 ** 2 / 0.5, dirder: -(temp1 ** 2 + temp2 ** 2) };
}

/** Updates Δ and par from the ratio of actual to predicted reduction. */
function updateTrustRegion(s: State, t: Trial, ratio: number): void {
  if (ratio <= 0.25) {
    let temp = t.actred >= 0 ? 0.5 : (0.5 * t.dirder) / (t.dirder + 0.5 * t.actred);
    if (0.1 * t.fnorm >= s.fnorm || temp < 0.1) temp = 0.1;
    s.delta = temp * Math.min(s.delta, t.pnorm / 0.1);
    s.par /= temp;
  } else if (s.par === 0 || ratio >= 0.75) {
    s.delta = t.pnorm / 0.5;
    s.par *= 0.5;
  }
}

function convergence(s: State, t: Trial, ratio: number, gnorm: number, maxfev: number): number {
  const small = Math.abs(t.actred) <= FTOL && t.prered <= FTOL && 0.5 * ratio <= 1;
  const xSmall = s.delta <= XTOL * s.xnorm;
  if (small && xSmall) return 3;
  if (xSmall) return 2;
  if (small) return 1;
  // MINPACK assigns these in order 5…8, so the last one that holds wins.
  if (gnorm <= EPSMCH) return 8;
  if (s.delta <= EPSMCH * s.xnorm) return 7;
  if (Math.abs(t.actred) <= EPSMCH && t.prered <= EPSMCH && 0.5 * ratio <= 1) return 6;
  if (s.nfev >= maxfev) return 5;
  return 0;
}

/** Minimises ‖residuals(x)‖² from x0 (needs at least as many residuals as unknowns). */
export function leastSquares(fcn: Residuals, x0: ArrayLike<number>): LeastSquaresResult {
  const x = Float64Array.from(x0);
  const fvec = fcn(x);
  const s: State = { fcn, x, fvec, fnorm: enorm(fvec), nfev: 1, iter: 1, par: 0, delta: 0, xnorm: 0, diag: new Float64Array(x.length) };
  const maxfev = 200 * (x.length + 1);
  for (;;) {
    const lin = linearise(s);
    if (lin.gnorm <= GTOL) return { x: s.x, info: 4, nfev: s.nfev };
    for (;;) {
      const t = trial(s, lin);
      const ratio = t.prered !== 0 ? t.actred / t.prered : 0;
      updateTrustRegion(s, t, ratio);
      if (ratio >= 0.0001) {
        s.x = t.x;
        s.fvec = t.fvec;
        s.xnorm = scaledNorm(s.diag, t.x);
        s.fnorm = t.fnorm;
        s.iter += 1;
      }
      const info = convergence(s, t, ratio, lin.gnorm, maxfev);
      if (info !== 0) return { x: s.x, info, nfev: s.nfev };
      if (ratio >= 0.0001) break;
    }
  }
}
