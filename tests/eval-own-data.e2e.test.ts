// `npm run eval -- --input FILE --labels LABELS` on a small hand-built batch
// (tests/support/rule-change-batch.ts, rule set A: codes worked out there)
// and labels chosen here; precision, recall and F1 computed by hand below.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cliWorkspace } from './support/cli.js';
import { ruleChangeBatch, RULE_SET_A } from './support/rule-change-batch.js';

const EVAL = fileURLToPath(new URL('../dist/bench/eval/main.js', import.meta.url));
const cli = cliWorkspace('gridcode-eval-');

function evalRun(...args: string[]) {
  const run = spawnSync(process.execPath, [EVAL, ...args], { cwd: cli.dir(), encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

// Codes under A: night-house YELLOW, day-house GREEN, short GRAY, factory RED, empty GRAY, mid-night YELLOW, big-day GREEN.
const LABELS = [
  'id,label',
  'night-house,workshop',
  'factory,1',
  '"short",WORKSHOP',
  'day-house,normal',
  'mid-night,0',
  'big-day,Normal',
  'ghost,1', // not in the batch
  'x,maybe', // bad: not a label
  'factory,0', // bad: labelled again
  ',1', // bad: no id
].join('\n');

interface Threshold {
  threshold: string;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  precision: number;
  recall: number;
  f1: number;
}

describe('npm run eval -- --input --labels', () => {
  it('gives precision, recall and F1 per code threshold against the labels', () => {
    const batch = cli.file('batch.pb', ruleChangeBatch());
    const rules = cli.file('a.yaml', RULE_SET_A);
    const labels = cli.file('labels.csv', LABELS);
    const run = evalRun('--input', batch, '--labels', labels, '--rule-set', rules, '--json');
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout) as { consumers: number; labelled: number; labelsNotInBatch: number; badLabelRows: number; counts: Record<string, number[]>; thresholds: Threshold[]; ruleHits: Record<string, number[]> };
    expect([out.consumers, out.labelled, out.labelsNotInBatch, out.badLabelRows]).toEqual([7, 6, 1, 3]);
    // GREEN, YELLOW, RED, GRAY of the workshops (night-house, factory, short) and the normal sites (day-house, mid-night, big-day).
    expect(out.counts).toEqual({ workshop: [0, 1, 1, 1], normal: [2, 1, 0, 0] });
    // RED: factory alone is flagged; RED + YELLOW: factory and night-house, and mid-night wrongly. short (GRAY) is missed by both.
    const red = { tp: 1, fp: 0, fn: 2, tn: 3 };
    const flagged = { tp: 2, fp: 1, fn: 1, tn: 2 };
    const byHand = (c: typeof red) => ({ precision: c.tp / (c.tp + c.fp), recall: c.tp / (c.tp + c.fn), f1: (2 * c.tp) / (2 * c.tp + c.fp + c.fn) });
    expect(out.thresholds).toEqual([
      { threshold: 'RED', ...red, ...byHand(red) },
      { threshold: 'RED + YELLOW', ...flagged, ...byHand(flagged) },
    ]);
    expect(out.ruleHits).toEqual({ 'night-load': [2, 1], 'big-mean': [1, 1], park: [0, 0] });
    expect(run.stderr).toContain('label line 9: label "maybe" is not one of workshop, 1, normal, 0');
    expect(run.stderr).toContain('3 bad label rows');
    expect(run.stderr).toContain('label line 1 read as a header');
  });

  it('takes a bad label on line 1 for a bad row, not a header, and says which it did', () => {
    const batch = cli.file('batch.pb', ruleChangeBatch());
    const rules = cli.file('a.yaml', RULE_SET_A);
    const run = evalRun('--input', batch, '--labels', cli.file('typo.csv', 'factory,workshp\nnight-house,1\n'), '--rule-set', rules, '--json');
    expect(run.status, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { labelled: number; badLabelRows: number; labelHeader: boolean };
    expect([out.labelled, out.badLabelRows, out.labelHeader]).toEqual([1, 1, false]);
    expect(run.stderr).toContain('label line 1: label "workshp" is not one of');
    expect(run.stderr).not.toContain('read as a header');
  });

  it('refuses the options of the generated population with --input, rather than ignore them', () => {
    const batch = cli.file('batch.pb', ruleChangeBatch());
    const labels = cli.file('labels.csv', LABELS);
    for (const extra of [['--consumers', '5'], ['--seed', '7'], ['--no-real'], ['--cohorts', '--follow-up', '0']]) {
      const run = evalRun('--input', batch, '--labels', labels, ...extra);
      expect(run.status, extra.join(' ')).toBe(2);
      expect(run.stderr).toContain(`${extra.filter((a) => a.startsWith('--')).join(', ')}: for the generated population, not with --input`);
    }
  });

  it('fails on labels with no usable row, and on --input without --labels', () => {
    const batch = cli.file('batch.pb', ruleChangeBatch());
    const none = evalRun('--input', batch, '--labels', cli.file('bad.csv', 'id,label\na,yes\nb,no\n'));
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('no usable label row (2 bad)');
    const alone = evalRun('--input', batch);
    expect(alone.status).toBe(2);
    expect(alone.stderr).toContain('--input FILE and --labels LABELS go together');
  });
});
