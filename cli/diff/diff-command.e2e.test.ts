// `gridcode diff` on two rule sets whose differences are known by
// construction (tests/support/rule-change-batch.ts): which consumers cross,
// and with which rules, is worked out by hand there.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gridcode } from '#gen/scoring.js';
import { runCli } from '../../tests/support/cli.js';
import { cliWorkspace } from '../../tests/support/cli.js';
import { ruleChangeBatch, RULE_SET_A, RULE_SET_A_RED_85, RULE_SET_B } from '../../tests/support/rule-change-batch.js';

const cli = cliWorkspace('gridcode-diff-');

function files() {
  return {
    a: cli.file('a.yaml', RULE_SET_A),
    b: cli.file('b.yaml', RULE_SET_B),
    batch: cli.file('batch.pb', ruleChangeBatch()),
  };
}

interface DiffJson {
  consumers: number;
  matrix: Record<string, Record<string, number>>;
  unchanged: number;
  changed: number;
  sameColourOtherRules: number;
  ruleHits: Array<{ rule: string; before: number | null; after: number | null; status: string }>;
  settings: Array<{ setting: string; before: number; after: number }>;
  changes: Array<{ id: string; before: string; after: string; scoreBefore: number; scoreAfter: number; firedBeforeOnly: string[]; firedAfterOnly: string[]; cause: string }>;
}

function diffJson(...args: string[]): DiffJson {
  const run = cli.run('diff', ...args, '--json');
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout) as DiffJson;
}

const EXPECTED_CHANGES = [
  { id: 'night-house', before: 'YELLOW', after: 'RED', scoreBefore: 50, scoreAfter: 80, firedBeforeOnly: [], firedAfterOnly: ['high-night'], cause: 'fired rules' },
  { id: 'factory', before: 'RED', after: 'GREEN', scoreBefore: 80, scoreAfter: 0, firedBeforeOnly: ['night-load', 'big-mean'], firedAfterOnly: [], cause: 'fired rules' },
  { id: 'mid-night', before: 'YELLOW', after: 'GREEN', scoreBefore: 50, scoreAfter: 0, firedBeforeOnly: ['night-load'], firedAfterOnly: [], cause: 'fired rules' },
];

describe('gridcode diff', () => {
  it('gives the matrix, rule hits and changed consumers known by construction', () => {
    const { a, b, batch } = files();
    const out = diffJson('--input', batch, '--rule-set', a, '--rule-set', b);
    expect(out.consumers).toBe(7);
    expect(out.matrix).toEqual({
      GREEN: { GREEN: 2, YELLOW: 0, RED: 0, GRAY: 0 },
      YELLOW: { GREEN: 1, YELLOW: 0, RED: 1, GRAY: 0 },
      RED: { GREEN: 1, YELLOW: 0, RED: 0, GRAY: 0 },
      GRAY: { GREEN: 0, YELLOW: 0, RED: 0, GRAY: 2 },
    });
    expect([out.unchanged, out.changed, out.sameColourOtherRules]).toEqual([4, 3, 1]);
    expect(out.ruleHits).toEqual([
      { rule: 'night-load', before: 3, after: 1, status: 'both' },
      { rule: 'big-mean', before: 2, after: null, status: 'removed' },
      { rule: 'park', before: 0, after: 0, status: 'both' },
      { rule: 'high-night', before: null, after: 1, status: 'added' },
    ]);
    expect(out.changes).toEqual(EXPECTED_CHANGES);
  });

  it('shows the first --show changes and writes all of them with --output, CSV or JSON', () => {
    const { a, b, batch } = files();
    const text = cli.run('diff', '--input', batch, '--rule-set', a, '--rule-set', b, '--show', '1', '--output', 'changes.csv');
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('the first 1 of 3; all written to changes.csv');
    expect(text.stdout).toMatch(/night-house\s+YELLOW → RED/);
    expect(text.stdout).not.toContain('mid-night');
    expect(text.stdout).toMatch(/big-mean \(removed\)\s+2\s+-\s+-2/);
    expect(text.stdout).toMatch(/high-night \(added\)\s+-\s+1\s+\+1/);
    // The CSV of gridcode list: a byte-order mark, CRLF line ends.
    const csv = readFileSync(`${cli.dir()}/changes.csv`, 'utf8');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.slice(1).split('\r\n')).toEqual([
      'id,before,after,score_before,score_after,fired_before_only,fired_after_only,cause',
      'night-house,YELLOW,RED,50,80,,high-night,fired rules',
      'factory,RED,GREEN,80,0,night-load big-mean,,fired rules',
      'mid-night,YELLOW,GREEN,50,0,night-load,,fired rules',
      '',
    ]);
    expect(diffJson('--input', batch, '--rule-set', a, '--rule-set', b, '--show', '0', '--output', 'changes.json').changes).toEqual([]);
    expect(JSON.parse(readFileSync(`${cli.dir()}/changes.json`, 'utf8'))).toEqual(EXPECTED_CHANGES);
  });

  it('names the thresholds as the cause when only they changed, and shows them before → after', () => {
    const { a, batch } = files();
    const a85 = cli.file('a85.yaml', RULE_SET_A_RED_85);
    const out = diffJson('--input', batch, '--rule-set', a, '--rule-set', a85);
    expect(out.settings).toEqual([{ setting: 'red threshold', before: 70, after: 85 }]);
    expect(out.changes).toEqual([{ id: 'factory', before: 'RED', after: 'YELLOW', scoreBefore: 80, scoreAfter: 80, firedBeforeOnly: [], firedAfterOnly: [], cause: 'thresholds' }]);
    const text = cli.run('diff', '--input', batch, '--rule-set', a, '--rule-set', a85);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toContain('  changed: red threshold 70 → 85\n');
    expect(text.stdout).toMatch(/factory\s+RED → YELLOW\s+80 → 80\s+- \| -  \(red threshold 70 → 85\)\n/);
    expect(diffJson('--input', batch, '--rule-set', a, '--rule-set', a).settings).toEqual([]);
  });

  it('finds nothing between a rule set and itself: all on the diagonal', () => {
    const { a, batch } = files();
    const out = diffJson('--input', batch, '--rule-set', a, '--rule-set', a);
    const diagonal = Object.entries(out.matrix).reduce((n, [code, row]) => n + row[code]!, 0);
    expect([diagonal, out.unchanged, out.changed, out.sameColourOtherRules, out.changes.length]).toEqual([7, 7, 0, 0, 0]);
    for (const hit of out.ruleHits) expect([hit.status, hit.after]).toEqual(['both', hit.before]);
  });

  it('reads any input gridcode score reads: the same report from JSON, gzip and standard input', () => {
    const { a, b, batch } = files();
    const json = JSON.stringify(gridcode.v1.ScoreBatchRequest.decode(ruleChangeBatch()).toJSON());
    const expected = { ...diffJson('--input', batch, '--rule-set', a, '--rule-set', b), input: '' };
    const gz = cli.file('batch.json.gz', gzipSync(json));
    expect({ ...diffJson('--input', gz, '--rule-set', a, '--rule-set', b), input: '' }).toEqual(expected);
    const stdin = runCli(cli.dir(), ['diff', '--input', '-', '--rule-set', a, '--rule-set', b, '--json'], { input: json });
    expect(stdin.status).toBe(0);
    expect({ ...(JSON.parse(stdin.stdout) as DiffJson), input: '' }).toEqual(expected);
  });

  it('refuses a command line without two rule sets, or an --output it cannot write', () => {
    const { a, batch } = files();
    const one = cli.run('diff', '--input', batch, '--rule-set', a);
    expect(one.status).toBe(2);
    expect(one.stderr).toContain('diff needs --rule-set twice');
    const bad = cli.run('diff', '--input', batch, '--rule-set', a, '--rule-set', a, '--output', 'x.txt');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('name the file .csv or .json');
    const show = cli.run('diff', '--input', batch, '--rule-set', a, '--rule-set', a, '--show', '-1');
    expect(show.status).toBe(2);
    const missing = cli.run('diff', '--input', batch, '--rule-set', a, '--rule-set', 'nope.yaml');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('nope.yaml');
  });
});
