// Groups as runs in a stream or a file (group-runs.ts): a gateway checks a
// ScoreStream's runs a stretch at a time (span), the command line one consumer
// at a time (next); both must accept and refuse the same sequences with the
// same message, and a message must stay short whatever the group's name.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BatchError } from '../errors.js';
import { GroupRuns, groupStretches, MAX_GROUP_RUN } from './group-runs.js';

/** What a sequence of groups comes to: the error's message, or the run left open. */
function oneByOne(groups: readonly string[]): string {
  const runs = new GroupRuns();
  try {
    groups.forEach((group, position) => runs.next(group, position));
  } catch (error) {
    return (error as BatchError).message;
  }
  return JSON.stringify(runs.openRun ?? null);
}

function byStretches(groups: readonly string[], cut: number): string {
  const runs = new GroupRuns();
  // Stretches of consecutive blocks of `cut` consumers, as messages of a stream bring them.
  const blocks = [];
  for (let first = 0; first < groups.length; first += cut) blocks.push({ first, count: Math.min(cut, groups.length - first), groups: groups.slice(first, first + cut) });
  try {
    for (const block of blocks) for (const { group, start, end } of groupStretches([block])) runs.span(group, start, end);
  } catch (error) {
    return (error as BatchError).message;
  }
  return JSON.stringify(runs.openRun ?? null);
}

describe('GroupRuns', () => {
  it('span over stretches and next one consumer at a time agree: the same errors, the same run left open', () => {
    // Runs of a few groups, ungrouped consumers among them, some long enough to pass MAX_GROUP_RUN.
    const piece = fc.record({ group: fc.constantFrom('', '', 'A', 'B', 'C'), length: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.constantFrom(MAX_GROUP_RUN - 1, MAX_GROUP_RUN, MAX_GROUP_RUN + 1)) });
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 25_000 }), (pieces, cut) => {
        const groups = pieces.flatMap(({ group, length }) => Array<string>(length).fill(group));
        expect(byStretches(groups, cut)).toBe(oneByOne(groups));
      }),
      { numRuns: 150 },
    );
  });

  it('names a group of any length in at most 40 characters (a gRPC trailer must hold the message)', () => {
    const long = '台'.repeat(20_000);
    const runs = new GroupRuns();
    runs.next(long, 0);
    runs.next('other', 1);
    let message = '';
    try {
      runs.next(long, 2);
    } catch (error) {
      expect(error).toBeInstanceOf(BatchError);
      message = (error as BatchError).message;
    }
    expect(message).toBe(`group "${'台'.repeat(40)}…" is not contiguous: it ended at consumer 0 and comes back at consumer 2; in a stream or file a group's consumers must come together (consumers without a group may sit among them), within ${MAX_GROUP_RUN} consumers of its first`);
  });
});
