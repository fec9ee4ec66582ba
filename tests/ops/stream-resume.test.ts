// A ScoreStream resumed after a cut (bench/replicas/stream-resume.ts): the
// consumers answered before are kept only if the resumed part carries the same
// rule-set digest; a part from another rule set sends the stream back to the
// first consumer, so that no answer mixes two versions.
import { describe, expect, it } from 'vitest';
import type { ScoredConsumer } from '../../bench/replicas/batch.js';
import { StreamProgress } from '../../bench/replicas/stream-resume.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const consumers = (from: number, count: number): ScoredConsumer[] => Array.from({ length: count }, (_, i) => ({ id: `c${from + i}`, code: 1, score: from + i }));

describe('a ScoreStream resumed after a cut', () => {
  it('keeps what it had and continues when the resumed part has the same digest', () => {
    const stream = new StreamProgress();
    expect(stream.take({ digest: A, results: consumers(0, 8) })).toBe('kept'); // cut after 8
    expect(stream.answered).toHaveLength(8); // the next attempt starts at consumer 8
    expect(stream.take({ digest: A, results: consumers(8, 16) })).toBe('kept');
    expect(stream.answered.map((c) => c.id)).toEqual(consumers(0, 24).map((c) => c.id));
    expect(stream.digest).toBe(A);
  });

  it('detects a resumed part from another rule set and starts again from the first consumer', () => {
    const stream = new StreamProgress();
    stream.take({ digest: A, results: consumers(0, 8) }); // cut after digest A
    expect(stream.take({ digest: B, results: consumers(8, 16) })).toBe('restart'); // the resumed stream got digest B
    expect(stream.answered).toEqual([]);
    expect(stream.digest).toBe('');
    // The restart, whole on B, is an answer of one version.
    expect(stream.take({ digest: B, results: consumers(0, 24) })).toBe('kept');
    expect(stream.answered).toHaveLength(24);
    expect(stream.digest).toBe(B);
  });

  it('takes a cut before any response as nothing answered, whatever the digest', () => {
    const stream = new StreamProgress();
    stream.take({ digest: A, results: consumers(0, 8) });
    expect(stream.take({ digest: '', results: [] })).toBe('kept');
    expect(stream.answered).toHaveLength(8);
    expect(stream.digest).toBe(A);
  });
});
