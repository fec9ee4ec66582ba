// The proto3 JSON text of a `float` field, shared by the response writer and
// RuleInfo (whose score must print the same in every serialization).

/**
 * A float field's proto3 JSON: the shortest decimal that reads back as the
 * same float32 (0.3, not 0.30000001192092896), or "NaN", "Infinity", "-Infinity".
 */
export function float32Json(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? '"NaN"' : value > 0 ? '"Infinity"' : '"-Infinity"';
  const f = Math.fround(value);
  if (Object.is(f, -0)) return '-0';
  const exact = String(f);
  if (exact.length <= 8) return exact; // already short: an integer or a value like 0.5
  // A normal float32 is within 2^-24 (relative) of its shortest decimal, so a
  // decimal of up to 6 digits that reads back as f is the shortest padded with
  // zeros; past that, try each length. Subnormals are coarser: try them all.
  for (let digits = Math.abs(f) < MIN_NORMAL_FLOAT32 ? 1 : 6; digits < 9; digits++) {
    const candidate = Number(f.toPrecision(digits));
    if (Math.fround(candidate) === f) return String(candidate);
  }
  return String(Number(f.toPrecision(9)));
}

const MIN_NORMAL_FLOAT32 = 2 ** -126;
