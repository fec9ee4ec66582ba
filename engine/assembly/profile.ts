import { profile, profiles, slotCount, slotSum, templates } from './layout';
import { centredTemplates, templateNorms, templateVaries } from './templates';

// Features of the average daily profile p_s = (Σ valid readings in slot s) /
// (their count), over slots that have a value. O(P) work per consumer, done
// on the slot sums of pass 1.

export let peakValue: f64 = 0;
export let valleyValue: f64 = 0;
/** First slot where p_s = max p; −1 when no slot has a value. */
export let peakSlot: i32 = -1;
/** Slots that have a value. */
let valued: i32 = 0;
/** Σ (p_s − p̄)² over valued slots, kW². */
let profileSquares: f64 = 0;

@inline function hasValue(s: i32): bool {
  return load<i32>(slotCount + (<usize>s << 2)) > 0;
}

@inline function profileAt(s: i32): f64 {
  return load<f64>(slotSum + (<usize>s << 3)) / <f64>load<i32>(slotCount + (<usize>s << 2));
}

/** Computes p once, its peak and valley, and stores p − p̄ for the correlations. */
export function analyseProfile(pointsPerDay: i32): void {
  let high = -Infinity;
  let low = Infinity;
  let slot = -1;
  let k = 0;
  let sum: f64 = 0;
  for (let s = 0; s < pointsPerDay; s++) {
    if (!hasValue(s)) continue;
    const p = profileAt(s);
    store<f64>(profile + (<usize>s << 3), p);
    if (p > high) {
      high = p;
      slot = s;
    }
    if (p < low) low = p;
    sum += p;
    k++;
  }
  peakValue = high;
  valleyValue = low;
  peakSlot = slot;
  valued = k;
  const mean = sum / k;
  let squares: f64 = 0;
  for (let s = 0; s < pointsPerDay; s++) {
    if (!hasValue(s)) continue;
    const d = load<f64>(profile + (<usize>s << 3)) - mean;
    store<f64>(profile + (<usize>s << 3), d);
    squares += d * d;
  }
  profileSquares = squares;
}

/**
 * Keeps consumer c's profile p_s (kW, f32; NaN for a slot without a value) in
 * `profiles`, row c, for the host's peer pass (followup.md, peer_corr). Run
 * before analyseProfile, which overwrites nothing it reads (slot sums and counts).
 */
export function keepProfile(c: i32, pointsPerDay: i32): void {
  const row = profiles + ((<usize>c * pointsPerDay) << 2);
  for (let s = 0; s < pointsPerDay; s++) store<f32>(row + (<usize>s << 2), hasValue(s) ? <f32>profileAt(s) : NaN);
}

/** No profile for consumer c (unusable, or no valid reading). */
export function keepNoProfile(c: i32, pointsPerDay: i32): void {
  const row = profiles + ((<usize>c * pointsPerDay) << 2);
  for (let s = 0; s < pointsPerDay; s++) store<f32>(row + (<usize>s << 2), NaN);
}

/** Σ valid readings over slots whose start hour s·24/P lies in [fromHour, toHour), kW. */
export function slotRangeSum(pointsPerDay: i32, fromHour: i32, toHour: i32): f64 {
  let sum: f64 = 0;
  for (let s = 0; s < pointsPerDay; s++) {
    const startTimes24 = s * 24; // hour × P, kept integral to avoid rounding at slot edges
    if (startTimes24 >= fromHour * pointsPerDay && startTimes24 < toHour * pointsPerDay) sum += load<f64>(slotSum + (<usize>s << 3));
  }
  return sum;
}

/**
 * Pearson correlation of p with template `t` over the slots where p has a
 * value. NaN with fewer than two such slots, or when either side is constant
 * there: zero variance means all values equal, since a float threshold would
 * call some real, nearly flat curves flat.
 */
// Square roots are taken apart: the product of the two sums could overflow
// or underflow float64 where each alone does not.
export function templateCorrelation(t: i32, pointsPerDay: i32): f64 {
  if (valued < 2 || peakValue == valleyValue) return NaN;
  if (valued == pointsPerDay) {
    // Every slot valued (the usual case): the template's centring is shared by the batch.
    if (!templateVaries(t)) return NaN;
    const q = centredTemplates + (<usize>t * pointsPerDay << 3);
    let sxy: f64 = 0;
    for (let s = 0; s < pointsPerDay; s++) sxy += load<f64>(profile + (<usize>s << 3)) * load<f64>(q + (<usize>s << 3));
    return sxy / (Math.sqrt(profileSquares) * Math.sqrt(templateNorms(t)));
  }
  return partialCorrelation(templates + (<usize>t * pointsPerDay << 3), pointsPerDay);
}

/** The correlation over a subset of slots: the template is centred on that subset. */
function partialCorrelation(q: usize, pointsPerDay: i32): f64 {
  let sum: f64 = 0;
  let first: f64 = NaN;
  let varies = false;
  for (let s = 0; s < pointsPerDay; s++) {
    if (!hasValue(s)) continue;
    const v = load<f64>(q + (<usize>s << 3));
    if (first != first) first = v;
    else varies = varies || v != first;
    sum += v;
  }
  if (!varies) return NaN;
  const mean = sum / valued;
  let sxy: f64 = 0;
  let syy: f64 = 0;
  for (let s = 0; s < pointsPerDay; s++) {
    if (!hasValue(s)) continue;
    const dq = load<f64>(q + (<usize>s << 3)) - mean;
    sxy += load<f64>(profile + (<usize>s << 3)) * dq;
    syy += dq * dq;
  }
  return sxy / (Math.sqrt(profileSquares) * Math.sqrt(syy));
}
