// `gridcode tune` (the built command line) on a small hourly meter export
// whose truth is known by construction: each kind of site has a curve that
// makes known rules fire (night_share = 8·night ÷ (8·night + 16·day), mean =
// (16·day + 8·night) ÷ 24) and a known share of confirmed inspections. Night
// load on a small account is mostly confirmed, night load on a big account
// and a big account alone mostly not, so the night rule's number should move
// between the two night shares, night should outscore big, and the rule with
// four sites keeps its score. The held-out precision printed is recomputed
// here from the kinds, the written scores and the split's definition.
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isHeldOut } from '../../engine/src/tuning/index.js';
import { cliWorkspace } from '../../tests/support/cli.js';

const cli = cliWorkspace('gridcode-tune-');

const RULE_SET = `# e2e rule set for gridcode tune: these comments must survive.
id: tune-t
version: "1"
thresholds: { yellow: 40, red: 70 }
rules:
  # Night-time load on an account that draws something: the informative one.
  - id: night
    when: mean_kw > 1 and night_share > 0.3
    score: 30 # too low, by construction
    reason: Night-time load
  # A large load: as likely on a false alarm as on a workshop here.
  - id: big
    when: mean_kw > 3
    score: 50
    reason: A large mean load
  # Fires for four sites only: too little support.
  - id: rare
    when: mean_kw > 100
    score: 25
    reason: A huge load
  - id: never-exempt
    when: mean_kw > 100000
    effect: exempt
    reason: Fires for nobody
`;

type Kind = 'nightShop' | 'nightBig' | 'big' | 'quiet' | 'huge';
/** day and night kW; the rules that fire (with the old numbers); sites; which are confirmed; which have an outcome. */
const KINDS: Record<Kind, { day: number; night: number; rules: string[]; nightShare: number; n: number; confirmed: (i: number) => boolean; inspected: (i: number) => boolean }> = {
  nightShop: { day: 1, night: 4, rules: ['night'], nightShare: 2 / 3, n: 40, confirmed: (i) => i % 6 !== 0, inspected: () => true },
  nightBig: { day: 5, night: 5, rules: ['night', 'big'], nightShare: 1 / 3, n: 40, confirmed: (i) => i % 4 === 0, inspected: () => true },
  big: { day: 5, night: 1, rules: ['big'], nightShare: 1 / 11, n: 40, confirmed: (i) => i % 3 === 0, inspected: () => true },
  quiet: { day: 1, night: 0.1, rules: [], nightShare: 0.8 / 16.8, n: 40, confirmed: (i) => i % 8 === 0, inspected: (i) => i % 2 === 0 },
  huge: { day: 200, night: 10, rules: ['big', 'rare'], nightShare: 80 / 3280, n: 4, confirmed: () => true, inspected: () => true },
};
const SITES = (Object.keys(KINDS) as Kind[]).flatMap((kind) => Array.from({ length: KINDS[kind].n }, (_, i) => ({ id: `${kind}-${i}`, kind, i })));
const DAYS = 14;

function exportCsv(): string {
  const lines = [`time,${SITES.map((s) => s.id).join(',')}`];
  for (let d = 0; d < DAYS; d++) {
    for (let h = 0; h < 24; h++) {
      const night = h >= 22 || h < 6;
      lines.push(`2026-03-${String(2 + d).padStart(2, '0')} ${String(h).padStart(2, '0')}:00,${SITES.map((s) => (night ? KINDS[s.kind].night : KINDS[s.kind].day)).join(',')}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Sites the old rule set leaves GREEN (night alone scores 30 < 40, nothing fires for quiet ones): their visits are the random audit (audit column). */
const AUDITED: readonly Kind[] = ['nightShop', 'quiet'];
const OUTCOMES = `id,outcome,audit\n${SITES.filter((s) => KINDS[s.kind].inspected(s.i))
  .map((s) => `${s.id},${KINDS[s.kind].confirmed(s.i) ? 'confirmed' : 'not_found'},${AUDITED.includes(s.kind)}`)
  .join('\n')}\n`;

/** Precision of RED over the held-out inspected sites, for rule scores and the night rule's number: [confirmed, decided]. */
function heldOutRed(scores: Record<string, number>, nightCut: number): [number, number] {
  let confirmed = 0;
  let decided = 0;
  for (const s of SITES) {
    const kind = KINDS[s.kind];
    if (!kind.inspected(s.i) || !isHeldOut(s.id, 1, 0.3)) continue;
    const fired = kind.rules.filter((rule) => rule !== 'night' || kind.nightShare > nightCut);
    if (Math.min(100, fired.reduce((t, rule) => t + scores[rule]!, 0)) < 70) continue;
    decided++;
    if (kind.confirmed(s.i)) confirmed++;
  }
  return [confirmed, decided];
}

describe('gridcode tune', () => {
  it('writes a checked new version with comments kept, learned scores and a stricter night number, and prints the diff and held-out precision', () => {
    const rules = cli.file('rules.yaml', RULE_SET);
    const output = join(cli.dir(), 'tuned.yaml');
    const run = cli.run('tune', '-i', cli.file('export.csv', exportCsv()), '--unit', 'kw', '--outcomes', cli.file('outcomes.csv', OUTCOMES), '-r', rules, '--min-support', '10', '-o', output, '--no-progress');
    const rows = OUTCOMES.trim().split('\n').length - 1;
    expect(run.stderr).toContain(`outcomes.csv: CSV (separator ",", columns id, outcome, audit): ${rows} rows, ${rows} used\n  skipped: none\n`);
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.status).toBe(0);
    const text = readFileSync(output, 'utf8');
    for (const line of RULE_SET.split('\n').filter((l) => l.includes('#'))) expect(text).toContain(line.trim().startsWith('#') ? line : line.slice(line.indexOf('#')));
    expect(text.split('\n')[0]).toMatch(/^# Proposed by gridcode tune on \d{4}-\d\d-\d\d from tune-t@1/);
    expect(text).toContain('outcomes outcomes.csv');
    const doc = parse(text) as { version: string; rules: { id: string; when: string; score?: number }[] };
    expect(doc.version).toBe('1-tuned');
    const scores = Object.fromEntries(doc.rules.map((r) => [r.id, r.score ?? 0]));
    expect(scores.night!).toBeGreaterThan(scores.big!);
    expect(scores.rare).toBe(25);
    const exempt = doc.rules.find((r) => r.id === 'never-exempt')!;
    expect([exempt.when, exempt.score]).toEqual(['mean_kw > 100000', undefined]);
    const cut = Number(/night_share > ([\d.e-]+)/.exec(doc.rules[0]!.when)?.[1]);
    expect(cut).toBeGreaterThan(1 / 3);
    expect(cut).toBeLessThan(2 / 3);
    expect(doc.rules[0]!.when.startsWith('mean_kw > 1 and')).toBe(true);
    const check = cli.run('check', output);
    expect(check.status).toBe(0);
    // The digest the diff prints for the new version is the written file's, as gridcode check gives it.
    const printed = /after: +tune-t@1-tuned \(.*, sha256 ([0-9a-f]{12})\)/.exec(run.stdout)?.[1];
    expect(printed).toMatch(/^[0-9a-f]{12}$/);
    expect(check.stdout + check.stderr).toContain(printed);
    expect(run.stdout).toMatch(/Unverified: (none|\d+ newly flagged)/);

    expect(run.stdout).toMatch(/before: tune-t@1 \(.*rules\.yaml[^]*after: +tune-t@1-tuned \(.*tuned\.yaml/);
    expect(run.stdout).toMatch(/night +80 +40 +-40/); // rule hits before and after: the stricter number drops the night-and-big sites
    const [c0, d0] = heldOutRed({ night: 30, big: 50, rare: 25 }, 0.3);
    const [c1, d1] = heldOutRed(scores, cut);
    expect(run.stdout).toContain(`before ${(c0 / d0).toFixed(3)} (${c0} of ${d0};`);
    expect(run.stdout).toContain(`after  ${(c1 / d1).toFixed(3)} (${c1} of ${d1};`);
    expect(c1 / d1).toBeGreaterThan(c0 / d0);
    expect(run.stdout).toMatch(/rare\s+25\s+25\s+[0-4]\s+[0-4]\s+too little support/);
  });

  it('refuses to write into the rules directory, and bad options', () => {
    const rules = cli.file('rules.yaml', RULE_SET);
    const args = ['-i', cli.file('export.csv', exportCsv()), '--unit', 'kw', '--outcomes', cli.file('outcomes.csv', OUTCOMES), '-r', rules];
    const inRules = cli.run('tune', ...args, '--rules-dir', cli.dir(), '-o', join(cli.dir(), 'x.yaml'));
    expect([inRules.status, inRules.stderr]).toEqual([2, expect.stringContaining('rules directory')]);
    expect(cli.run('tune', ...args, '--red-probability', '0.2').stderr).toContain('--red-probability "0.2"');
    expect(cli.run('tune', ...args, '--holdout', '1').status).toBe(2);
    expect(cli.run('tune', ...args, '--version', '1').stderr).toContain('other than the old one');
    const none = cli.run('tune', ...args.slice(0, 4), '--outcomes', cli.file('none.csv', 'id,outcome\nquiet-0,unreachable\n'), '-r', rules, '-o', join(cli.dir(), 'n.yaml'), '--no-progress');
    expect([none.status, none.stderr]).toEqual([1, expect.stringContaining('no decided inspection')]);
    const elsewhere = cli.run('tune', ...args.slice(0, 4), '--outcomes', cli.file('elsewhere.csv', 'id,outcome\nx1,confirmed\nx2,not_found\n'), '-r', rules, '-o', join(cli.dir(), 'e.yaml'), '--no-progress');
    expect([elsewhere.status, elsewhere.stderr]).toEqual([1, expect.stringContaining('none of its 2 rows names a consumer of the batch (164 consumers, 2 rows with an id not in it)')]);
    expect(elsewhere.stderr).toContain('2 for an id not in the batch (line 2: "x1"; line 3: "x2")');
  });

  it('refuses a symlink to the rules directory, a version that sorts before the old one or exists already, and an existing output without --force', () => {
    const rules = cli.file('rules.yaml', RULE_SET);
    const args = ['-i', cli.file('export.csv', exportCsv()), '--unit', 'kw', '--outcomes', cli.file('outcomes.csv', OUTCOMES), '-r', rules, '--no-progress'];
    const rulesDir = join(cli.dir(), 'served');
    mkdirSync(rulesDir, { recursive: true });
    cli.file('served/tune-t.yaml', RULE_SET.replace('version: "1"', 'version: "2"'));
    symlinkSync(rulesDir, join(cli.dir(), 'link'));
    const viaLink = cli.run('tune', ...args, '--rules-dir', rulesDir, '--version', '3', '-o', join(cli.dir(), 'link', 'x.yaml'));
    expect([viaLink.status, viaLink.stderr]).toEqual([2, expect.stringContaining('rules directory')]);
    expect(cli.run('tune', ...args, '--version', '0.9', '-o', join(cli.dir(), 'v.yaml')).stderr).toContain('sorts before the old version 1');
    const taken = cli.run('tune', ...args, '--rules-dir', rulesDir, '--version', '2', '-o', join(cli.dir(), 'v.yaml'));
    expect([taken.status, taken.stderr]).toEqual([2, expect.stringContaining('tune-t@2 already exists in')]);
    const existing = cli.file('existing.yaml', '# mine\n');
    const refused = cli.run('tune', ...args, '-o', existing);
    expect([refused.status, refused.stderr, readFileSync(existing, 'utf8')]).toEqual([2, expect.stringContaining('exists: give --force'), '# mine\n']);
    expect(cli.run('tune', ...args, '-o', existing, '--force', '--min-support', '10').status).toBe(0);
  });

  it('writes nothing when nothing changed, and says there is no held-out part with --holdout 0', () => {
    const rules = cli.file('rules.yaml', RULE_SET);
    const output = join(cli.dir(), 'same.yaml');
    const args = ['-i', cli.file('export.csv', exportCsv()), '--unit', 'kw', '-r', rules, '--no-progress', '--holdout', '0'];
    const one = cli.run('tune', ...args, '--outcomes', cli.file('one.csv', 'id,outcome\nnightShop-1,confirmed\n'), '-o', output);
    expect([one.status, one.stderr]).toEqual([0, expect.stringContaining('nothing changed')]);
    expect(() => readFileSync(output)).toThrow();
    expect(one.stdout).toContain('no held-out part (--holdout 0)');
  });
});
