// `npm run eval -- --labels` given an outcomes file of gridcode evaluate: read
// by the outcomes reader (cli/outcomes), confirmed a workshop, not_found and
// licensed normal, unreachable no label; its bad rows are the labels' bad
// rows; an id,label file is read as before.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isOutcomesFile, readLabels } from '../bench/eval/labels-file.js';

const dir = mkdtempSync(join(tmpdir(), 'gridcode-outcome-labels-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

describe('readLabels on an outcomes file', () => {
  it('labels confirmed sites workshops and not_found or licensed ones normal, leaves unreachable out and counts bad rows', async () => {
    const path = file('outcomes.csv', 'District;ID;Outcome\nN;a;confirmed\nN;b;not_found\nS;c;Licensed\nS;d;unreachable\nS;e;closed\nS;a;not_found\n');
    expect(isOutcomesFile(path)).toBe(true);
    const labels = await readLabels(path);
    expect([...labels.byId]).toEqual([
      ['a', true],
      ['b', false],
      ['c', false],
    ]);
    expect(labels.unreachable).toBe(1);
    expect(labels.badRows).toBe(2);
    expect(labels.examples.map((row) => row.line)).toEqual([6, 7]);
    expect(labels.examples[0]!.reason).toContain('"closed"');
  });

  it('reads an id,label file as before, even one whose first line is a bad label', async () => {
    const path = file('labels.csv', 'id,label\nx,workshop\ny,0\n');
    expect(isOutcomesFile(path)).toBe(false);
    const labels = await readLabels(path);
    expect([[...labels.byId], labels.header, labels.unreachable]).toEqual([[['x', true], ['y', false]], true, undefined]);
    expect(isOutcomesFile(file('typo.csv', 'MT_001,outcom\na,1\n'))).toBe(false);
  });
});
