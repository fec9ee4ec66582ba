// The labels file of `npm run eval -- --labels`: ids of any text (quoted as
// RFC 4180 says when they hold a separator or a quote), labels in the
// documented vocabulary, read back as written; bad rows counted, not guessed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLabels } from '../bench/eval/labels-file.js';

const quoted = (id: string) => (/[",;\t]/.test(id) || id !== id.trim() ? `"${id.replaceAll('"', '""')}"` : id);
const WORDS: Record<string, boolean> = { workshop: true, WORKSHOP: true, '1': true, normal: false, Normal: false, '0': false };

describe('parseLabels', () => {
  it('reads back every id and label written, whatever the id holds', () => {
    const id = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s.trim() !== '' && !/[\r\n]/.test(s));
    const rows = fc.uniqueArray(fc.tuple(id, fc.constantFrom(...Object.keys(WORDS))), { minLength: 1, maxLength: 50, selector: ([i]) => i.trim() });
    fc.assert(
      fc.property(rows, fc.constantFrom(',', '\t', ';'), fc.boolean(), (pairs, separator, header) => {
        const lines = pairs.map(([i, label]) => `${quoted(i)}${separator}${label}`);
        const text = `${header ? `id${separator}label\n` : ''}${lines.join('\n')}\n`;
        const labels = parseLabels(text, 'labels.csv');
        expect(labels.badRows).toBe(0);
        expect(labels.header).toBe(header);
        expect(labels.byId).toEqual(new Map(pairs.map(([i, label]) => [i.trim(), WORDS[label]!])));
      }),
    );
  });

  it('counts rows it cannot use, and reports the first with their line numbers', () => {
    const labels = parseLabels('id,label\na,1\nb,yes\n,0\nc\na,0\nd,normal\n', 'labels.csv');
    expect([...labels.byId]).toEqual([['a', true], ['d', false]]);
    expect(labels.badRows).toBe(4);
    expect(labels.examples.map((row) => row.line)).toEqual([3, 4, 5, 6]);
    expect(() => parseLabels('id,label\nx,maybe\n', 'labels.csv')).toThrow(/no usable label row \(1 bad\)/);
  });

  it('reads line 1 as a header only when its label field is the column name "label": a bad label there is a bad row', () => {
    fc.assert(
      fc.property(fc.constantFrom('label', 'LABEL', ' Label '), fc.constantFrom('yes', 'workshp', 'class', 'is_workshop', ''), (column, word) => {
        const named = parseLabels(`id,${column}\na,1\n`, 'labels.csv');
        expect([named.header, named.badRows, [...named.byId]]).toEqual([true, 0, [['a', true]]]);
        const typo = parseLabels(`MT_001,${word}\na,1\n`, 'labels.csv');
        expect([typo.header, typo.badRows, typo.examples[0]?.line, [...typo.byId]]).toEqual([false, 1, 1, [['a', true]]]);
      }),
    );
  });
});
