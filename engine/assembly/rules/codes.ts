import { consumers, statuses, validCounts, readingCounts } from '../layout';
import { codes, exempt, fired, hits, red, ruleCount, scores, sums } from './area';
import * as op from './opcodes';

// rules.md, Score and code: GRAY first (unusable input, or fewer valid
// readings than min_valid_share), then exempt, red, and the thresholds.
// A GRAY consumer fires no rule: its flags are cleared before rule hits are counted.

export function assignCodes(yellow: f64, redThreshold: f64, minValidShare: f64): void {
  const c = consumers;
  for (let i = 0; i < c; i++) {
    const readings = load<i32>(readingCounts + (<usize>i << 2));
    const valid = load<i32>(validCounts + (<usize>i << 2));
    const gray = load<u8>(statuses + <usize>i) != 0 || <f64>valid < minValidShare * <f64>readings;
    let code: u8;
    let score: f64 = 0;
    if (gray) {
      code = op.GRAY;
      for (let r = 0; r < ruleCount; r++) store<u8>(fired + <usize>r * <usize>c + <usize>i, 0);
    } else {
      score = min(100.0, load<f64>(sums + (<usize>i << 3)));
      if (load<u8>(exempt + (<usize>i << 3)) != 0) code = op.GREEN;
      else if (load<u8>(red + (<usize>i << 3)) != 0) code = op.RED;
      else if (score >= redThreshold) code = op.RED;
      else if (score >= yellow) code = op.YELLOW;
      else code = op.GREEN;
    }
    store<u8>(codes + <usize>i, code);
    store<f64>(scores + (<usize>i << 3), score);
  }
  for (let r = 0; r < ruleCount; r++) {
    const row = fired + <usize>r * <usize>c;
    let count = 0;
    for (let i = 0; i < c; i++) count += load<u8>(row + <usize>i);
    store<i32>(hits + (<usize>r << 2), count);
  }
}
