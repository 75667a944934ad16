/**
 * MINPACK `lmpar`, ported statement for statement (see minpack-qr.ts for why): finds the
 * Levenberg–Marquardt parameter for which the step x solves (J; √par·D)·x ≈ (f; 0) with
 * ‖D·x‖ within 10 % of the trust-region radius `delta`.
 */
import { type Columns, enorm, qrsolv } from "./minpack-qr.ts";

/** dpmpar(2): the smallest positive normalised double. */
const DWARF = 2.2250738585072014e-308;

export interface LmparInput {
  /** n×n upper triangle R of J·P (strict lower triangle is overwritten). */
  readonly r: Columns;
  readonly ipvt: Int32Array;
  readonly diag: Float64Array;
  readonly qtb: Float64Array;
  readonly delta: number;
}

/** Gauss–Newton direction x = P·R⁻¹·Qᵀf (least-squares when R is singular); returns nsing. */
function gaussNewton({ r, ipvt, qtb }: LmparInput, x: Float64Array): number {
  const n = r.length;
  const wa1 = new Float64Array(n);
  let nsing = n;
  for (let j = 0; j < n; j++) {
    wa1[j] = qtb[j]!;
    if (r[j]![j] === 0 && nsing === n) nsing = j;
    if (nsing < n) wa1[j] = 0;
  }
  for (let j = nsing - 1; j >= 0; j--) {
    wa1[j]! /= r[j]![j]!;
    const temp = wa1[j]!;
    for (let i = 0; i < j; i++) wa1[i]! -= r[j]![i]! * temp;
  }
  for (let j = 0; j < n; j++) x[ipvt[j]!] = wa1[j]!;
  return nsing;
}

/** Lower bound for par (0 when the Jacobian is rank-deficient). */
function lowerBound({ r, ipvt, diag, delta }: LmparInput, wa2: Float64Array, dxnorm: number, fp: number): number {
  const n = r.length;
  const wa1 = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const l = ipvt[j]!;
    wa1[j] = diag[l]! * (wa2[l]! / dxnorm);
  }
  for (let j = 0; j < n; j++) {
    let sum = 0;
    for (let i = 0; i < j; i++) sum += r[j]![i]! * wa1[i]!;
    wa1[j] = (wa1[j]! - sum) / r[j]![j]!;
  }
  const temp = enorm(wa1);
  return fp / delta / temp / temp;
}

/** ‖D⁻¹·(R·P)ᵀ·Qᵀf‖, the scaled gradient norm that bounds par from above. */
function gradientNorm({ r, ipvt, diag, qtb }: LmparInput): number {
  const n = r.length;
  const wa1 = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let sum = 0;
    for (let i = 0; i <= j; i++) sum += r[j]![i]! * qtb[i]!;
    wa1[j] = sum / diag[ipvt[j]!]!;
  }
  return enorm(wa1);
}

/** Newton correction to par from the S factor qrsolv left in r and sdiag. */
function newtonCorrection({ r, ipvt, diag, delta }: LmparInput, wa2: Float64Array, sdiag: Float64Array, dxnorm: number, fp: number): number {
  const n = r.length;
  const wa1 = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const l = ipvt[j]!;
    wa1[j] = diag[l]! * (wa2[l]! / dxnorm);
  }
  for (let j = 0; j < n; j++) {
    wa1[j]! /= sdiag[j]!;
    const temp = wa1[j]!;
    for (let i = j + 1; i < n; i++) wa1[i]! -= r[j]![i]! * temp;
  }
  const temp = enorm(wa1);
  return fp / delta / temp / temp;
}

const scaledNorm = (diag: Float64Array, x: Float64Array, out: Float64Array): number => {
  for (let j = 0; j < x.length; j++) out[j] = diag[j]! * x[j]!;
  return enorm(out);
};

/** Returns the new par; writes the step into `x`. */
export function lmpar(input: LmparInput, parIn: number, x: Float64Array): number {
  const { r, diag, delta } = input;
  const n = r.length;
  const wa2 = new Float64Array(n);
  const sdiag = new Float64Array(n);
  const nsing = gaussNewton(input, x);
  let dxnorm = scaledNorm(diag, x, wa2);
  let fp = dxnorm - delta;
  if (fp <= 0.1 * delta) return 0;
  let parl = nsing >= n ? lowerBound(input, wa2, dxnorm, fp) : 0;
  const gnorm = gradientNorm(input);
  let paru = gnorm / delta;
  if (paru === 0) paru = DWARF / Math.min(delta, 0.1);
  let par = Math.min(Math.max(parIn, parl), paru);
  if (par === 0) par = gnorm / dxnorm;
  for (let iter = 1; ; iter++) {
    if (par === 0) par = Math.max(DWARF, 0.001 * paru);
    const sqrtPar = Math.sqrt(par);
    const wa1 = Float64Array.from(diag, (d) => sqrtPar * d);
    qrsolv(r, input.ipvt, wa1, input.qtb, x, sdiag);
    dxnorm = scaledNorm(diag, x, wa2);
    const previous = fp;
    fp = dxnorm - delta;
    if (Math.abs(fp) <= 0.1 * delta || (parl === 0 && fp <= previous && previous < 0) || iter === 10) return par;
    const parc = newtonCorrection(input, wa2, sdiag, dxnorm, fp);
    if (fp > 0) parl = Math.max(parl, par);
    if (fp < 0) paru = Math.min(paru, par);
    par = Math.max(parl, par + parc);
  }
}
