// "Did you mean": the nearest known word by optimal-string-alignment distance
// (Damerau-Levenshtein where a swap of two neighbours counts as one edit), so
// `corr_industiral_1shift` finds `corr_industrial_1shift` and `nigth_share`
// finds `night_share`. Case is ignored: `Night_Share` finds `night_share`.

/** Edit distance with adjacent transpositions; stops early once it exceeds `bound`. */
export function distance(a: string, b: string, bound = Infinity): number {
  if (Math.abs(a.length - b.length) > bound) return bound + 1;
  let prevPrev: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prevPrev[j - 2]! + 1);
      row.push(d);
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > bound) return bound + 1;
    prevPrev = prev;
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * The closest candidate, if it is close enough to be a likely typo: at most
 * one edit for short words, about a third of the word for longer ones; a
 * word that begins a candidate counts as one edit.
 * Ties go to the earlier candidate (callers list the common names first).
 */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  const bound = Math.max(1, Math.floor(lower.length / 3));
  let best: string | undefined;
  let bestDistance = bound + 1;
  for (const candidate of candidates) {
    // A word cut short (`capacity`, `energy`) is one edit from its full name.
    const truncated = lower.length >= 4 && candidate.startsWith(lower);
    const d = truncated ? 1 : distance(lower, candidate, bestDistance - 1);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** ` Did you mean \`x\`?` or nothing. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const hit = nearest(word, candidates);
  return hit === undefined ? '' : `; did you mean \`${hit}\`?`;
}
