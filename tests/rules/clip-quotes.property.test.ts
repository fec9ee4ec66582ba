// Messages quote the draft in backticks, and long quotes are clipped
// (compile-rule-set.ts clipQuotes). Issue 15 found a hint garbled to
// "(compar…`… > 0.5`)": the text between two short quotes was taken for one
// long quote. Built from segments, the expected message is known piece by
// piece: plain text is never touched, a quote of up to 60 characters neither,
// a longer one keeps its first 59 characters and an ellipsis.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { clipQuotes } from '../../engine/src/rules/report.js';

const plain = fc.string({ maxLength: 150 }).map((s) => s.replace(/`/g, "'"));
const quoted = fc.string({ maxLength: 120 }).map((s) => s.replace(/`/g, "'"));

test('only quotes longer than 60 characters are clipped, whatever lies between them', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(plain, quoted), { maxLength: 6 }), plain, (pieces, tail) => {
      const message = pieces.map(([text, quote]) => `${text}\`${quote}\``).join('') + tail;
      const expected = pieces.map(([text, quote]) => `${text}\`${quote.length > 60 ? `${quote.slice(0, 59)}…` : quote}\``).join('') + tail;
      expect(clipQuotes(message)).toBe(expected);
    }),
    { numRuns: 500 },
  );
});

test("the issue's message is kept whole", () => {
  const message = '`when` needs a condition (true or false); mean_kw is a number: compare it, e.g. `mean_kw > 0.5`';
  expect(clipQuotes(message)).toBe(message);
});
