// Which loaded version `id` means: the newest in natural version order.
//
// Versions are free text (rules.md), so the order must be total over any
// strings, and the common forms must sort as people read them:
//   2026.11.0 < 2026.11.1 < 2026.12.0 < 2027.1 < 2027.10
// A version is cut into runs of digits and runs of other characters; runs are
// compared pairwise, digit runs as numbers (any length; leading zeros do not
// count), other runs by code unit, a digit run before an other run. When one
// version is a prefix of the other, the shorter is older (2026.11 < 2026.11.0).
// There are no pre-release semantics: 2026.11.0-rc1 sorts after 2026.11.0, so
// districts should bump a number rather than add a suffix. Versions that only
// differ in leading zeros (1.01 and 1.1) fall back to plain string order, so
// that no two distinct versions compare equal.

const RUN = /\d+|\D+/g;

/** Negative when a is older than b, positive when newer, 0 only when a === b. */
export function compareVersions(a: string, b: string): number {
  const left = a.match(RUN) ?? [];
  const right = b.match(RUN) ?? [];
  const n = Math.min(left.length, right.length);
  for (let i = 0; i < n; i++) {
    const order = compareRuns(left[i] ?? '', right[i] ?? '');
    if (order !== 0) return order;
  }
  if (left.length !== right.length) return left.length - right.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareRuns(x: string, y: string): number {
  const xDigits = isDigit(x);
  const yDigits = isDigit(y);
  if (xDigits && yDigits) {
    // As numbers without converting: versions like 20261101000000000001 exceed 2^53.
    const xs = x.replace(/^0+(?=.)/, '');
    const ys = y.replace(/^0+(?=.)/, '');
    if (xs.length !== ys.length) return xs.length - ys.length;
    return xs < ys ? -1 : xs > ys ? 1 : 0;
  }
  if (xDigits !== yDigits) return xDigits ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

function isDigit(run: string): boolean {
  const c = run.charCodeAt(0);
  return c >= 48 && c <= 57;
}
