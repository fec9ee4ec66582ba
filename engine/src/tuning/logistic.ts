// L2-regularised logistic regression on 0/1 indicators (which rules fired),
// with a fixed offset per row and box bounds on every weight, for `gridcode
// tune` (learn-scores.ts). The dimension is the number of rules (tens), the
// rows the decided inspections (hundreds to thousands): Newton's method on the
// full Hessian is exact and deterministic, no dependency needed.
//
// Loss (to minimise), for rows i with indicators x_i, outcome y_i ∈ {0, 1}
// and offset o_i:
//   L(w) = Σ_i [ log(1 + e^{η_i}) − y_i·η_i ] + (λ/2)·Σ_j (w_j − m_j)²,
//   η_i = o_i + Σ_j w_j·x_ij,
// i.e. the negative log-likelihood plus a Gaussian prior of precision λ
// centred on m (the current scores, scaled: a rule the data say little about
// stays near where it was). Bounds lo_j ≤ w_j ≤ hi_j (scores are 0…100) are
// kept by an active set: a weight that would leave its box is fixed at the
// bound and the rest refitted, until no free weight leaves and no fixed one's
// gradient pulls it back inside.

export interface LogisticProblem {
  /** Per row, the columns whose indicator is 1. */
  readonly rows: readonly (readonly number[])[];
  readonly y: readonly boolean[];
  /** Per row, the part of η that is not fitted. */
  readonly offset: readonly number[];
  readonly columns: number;
  /** Prior precision λ (> 0 keeps the Hessian invertible). */
  readonly l2: number;
  /** Prior means m_j. */
  readonly prior: readonly number[];
  readonly lower: readonly number[];
  readonly upper: readonly number[];
}

export interface LogisticFit {
  readonly weights: number[];
  /** Weights held at a bound. */
  readonly atBound: boolean[];
  readonly iterations: number;
}

const MAX_ITERATIONS = 100;
const TOLERANCE = 1e-10;
const MAX_STEP = 2;

export const sigmoid = (t: number): number => (t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t)));
export const logit = (p: number): number => Math.log(p / (1 - p));

/** ∂L/∂w_j at w (exported for tests: zero on the free weights at the optimum). */
export function lossGradient(problem: LogisticProblem, w: readonly number[]): number[] {
  const g = w.map((wj, j) => problem.l2 * (wj - problem.prior[j]!));
  problem.rows.forEach((cols, i) => {
    const r = sigmoid(eta(problem, i, w)) - (problem.y[i] ? 1 : 0);
    for (const j of cols) g[j]! += r;
  });
  return g;
}

export function fitLogistic(problem: LogisticProblem): LogisticFit {
  const n = problem.columns;
  const w = problem.prior.map((m, j) => Math.min(problem.upper[j]!, Math.max(problem.lower[j]!, m)));
  const fixed = new Array<boolean>(n).fill(false);
  let iterations = 0;
  // Each pass: Newton on the free weights, then move the active set; a set is never revisited in practice (n small).
  for (let pass = 0; pass <= 2 * n + 1; pass++) {
    iterations += newton(problem, w, fixed);
    let changed = false;
    for (let j = 0; j < n; j++) {
      if (!fixed[j] && (w[j]! < problem.lower[j]! || w[j]! > problem.upper[j]!)) {
        w[j] = Math.min(problem.upper[j]!, Math.max(problem.lower[j]!, w[j]!));
        fixed[j] = changed = true;
      }
    }
    if (changed) continue;
    const g = lossGradient(problem, w);
    for (let j = 0; j < n; j++) {
      // Released when the loss would fall by moving inside the box.
      if (fixed[j] && ((w[j] === problem.lower[j] && g[j]! < -1e-9) || (w[j] === problem.upper[j] && g[j]! > 1e-9))) {
        fixed[j] = false;
        changed = true;
      }
    }
    if (!changed) break;
  }
  return { weights: w, atBound: fixed, iterations };
}

function eta(problem: LogisticProblem, i: number, w: readonly number[]): number {
  let t = problem.offset[i]!;
  for (const j of problem.rows[i]!) t += w[j]!;
  return t;
}

/** Newton steps on the free weights, in place; returns the steps taken. */
function newton(problem: LogisticProblem, w: number[], fixed: readonly boolean[]): number {
  const free = w.map((_, j) => j).filter((j) => !fixed[j]);
  if (free.length === 0) return 0;
  const at = new Map(free.map((j, k) => [j, k]));
  for (let step = 1; step <= MAX_ITERATIONS; step++) {
    const g = free.map((j) => problem.l2 * (w[j]! - problem.prior[j]!));
    const h = free.map((_, k) => free.map((__, l) => (k === l ? problem.l2 : 0)));
    problem.rows.forEach((cols, i) => {
      const p = sigmoid(eta(problem, i, w));
      const ks = cols.map((j) => at.get(j)).filter((k): k is number => k !== undefined);
      for (const k of ks) {
        g[k]! += p - (problem.y[i] ? 1 : 0);
        for (const l of ks) h[k]![l]! += p * (1 - p);
      }
    });
    const delta = solve(h, g);
    // A full Newton step can overshoot far from the optimum (near-separable data): at most MAX_STEP in logit units.
    const longest = Math.max(...delta.map(Math.abs));
    if (longest > MAX_STEP) for (let k = 0; k < delta.length; k++) delta[k]! *= MAX_STEP / longest;
    let size = 0;
    free.forEach((j, k) => {
      w[j]! -= delta[k]!;
      size = Math.max(size, Math.abs(delta[k]!));
    });
    if (size < TOLERANCE) return step;
  }
  return MAX_ITERATIONS;
}

/** Solves H·x = g for a symmetric positive definite H (Cholesky; λ > 0 guarantees it). */
function solve(h: number[][], g: number[]): number[] {
  const n = g.length;
  const l = h.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = h[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
      l[i]![j] = i === j ? Math.sqrt(s) : s / l[j]![j]!;
    }
  }
  const z = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let s = g[i]!;
    for (let k = 0; k < i; k++) s -= l[i]![k]! * z[k]!;
    z[i] = s / l[i]![i]!;
  }
  const x = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k]![i]! * x[k]!;
    x[i] = s / l[i]![i]!;
  }
  return x;
}
