// rules/default.yaml on the real data of ../shared/data, through the product:
// the file compiled by compileRuleSet, every case scored by
// FeatureEngine.scoreConsumers (features and rule VM in build/engine.wasm).
// The cases are those of the analysis (bench/real-data/cases.ts), and the
// counts are the table "Expected codes per group" of docs/default-rule-set.md:
// a change of the rules, the compiler, the VM or the features that moves a
// code fails here until the document says so.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildGroups, type Group } from '../../bench/real-data/cases.js';
import { dataRoot, repoRoot } from '../../bench/real-data/data.js';
import { loadRuleSet, scoreGroups, type CodeName, type ScoredCase, type ScoredGroup } from '../../bench/real-data/score.js';
import type { CompiledRuleSet } from '../../engine/src/index.js';

const present = existsSync(path.join(dataRoot, 'INDEX.md'));
if (!present) console.log(`../shared/data not found: the default rule set's real-data tests are skipped (looked in ${dataRoot})`);

/** docs/default-rule-set.md, "Expected codes per group": GREEN, YELLOW, RED, GRAY. */
const DOCUMENTED: Record<string, readonly [number, number, number, number]> = {
  'london-30d': [1146, 0, 0, 54],
  'london-year': [92, 0, 0, 8],
  'london-30d-8kw': [1146, 0, 0, 54],
  'london-ev-30d': [1146, 0, 0, 54],
  'cambridge-30d': [1204, 8, 0, 0],
  'cambridge-year': [101, 0, 0, 0],
  'cambridge-30d-other': [1212, 0, 0, 0],
  'steel-residential': [0, 0, 13, 0],
  'steel-residential-100mwh': [0, 0, 13, 0],
  'steel-park': [13, 0, 0, 0],
  'vdi-workshops-residential-50mwh': [0, 0, 39, 0],
  'vdi-workshops-residential-200mwh': [0, 0, 39, 0],
  'vdi-workshops-residential-50mwh-8kw': [0, 0, 39, 0],
  'vdi-workshops-residential-20mwh': [0, 38, 1, 0],
  'vdi-workshops-rural-industrial': [0, 39, 0, 0],
  'vdi-workshops-park': [39, 0, 0, 0],
  'vdi-metal-nightshift-residential': [0, 0, 13, 0],
  'london-metal-some-days': [21, 44, 1081, 54],
  'vdi-metal-restart-residential': [0, 0, 24, 0],
  'vdi-households': [65, 0, 0, 0],
  'vdi-heat-pump': [13, 0, 0, 0],
  'vdi-offices': [26, 0, 0, 0],
  'vdi-schools': [39, 0, 0, 0],
  'bdew-households': [26, 0, 0, 0],
  'bdew-commercial': [104, 0, 0, 0],
  'bdew-agricultural': [52, 0, 0, 0],
  'bdew-g1-residential': [0, 0, 13, 0],
  'doe-commercial': [195, 0, 0, 0],
  'doe-residential': [39, 0, 0, 0],
};

const counts = (g: ScoredGroup) => [g.counts.GREEN, g.counts.YELLOW, g.counts.RED, g.counts.GRAY];
const show = (c: ScoredCase) => `${c.label}: ${c.code} ${c.score} [${c.reasons.join(', ')}]${c.note ? ` (${c.note})` : ''}`;

(present ? describe : describe.skip)('rules/default.yaml on ../shared/data, compiled and scored by the product', () => {
  let ruleSet: CompiledRuleSet;
  let groups: Group[];
  let scored: Map<string, ScoredGroup>;
  const group = (name: string): ScoredGroup => {
    const g = scored.get(name);
    if (!g) throw new Error(`no group ${name} (is a data folder missing?)`);
    return g;
  };
  const withCode = (name: string, code: CodeName) => group(name).cases.filter((c) => c.code === code);

  beforeAll(async () => {
    ruleSet = loadRuleSet(path.join(repoRoot, 'rules', 'default.yaml'));
    groups = buildGroups();
    scored = await scoreGroups(groups, ruleSet);
  }, 120_000);

  it('compiles without diagnostics', () => {
    expect(`${ruleSet.id}@${ruleSet.version}`).toBe('default@2026.12.2');
    expect(ruleSet.rules).toHaveLength(24);
  });

  it('has a documented row for every group of the analysis, and every documented group exists', () => {
    expect(groups.map((g) => g.name).sort()).toEqual(Object.keys(DOCUMENTED).sort());
  });

  it.each(Object.entries(DOCUMENTED))('%s: GREEN, YELLOW, RED, GRAY as documented', (name, expected) => {
    const g = group(name);
    const differing = g.cases.filter((c) => c.code !== 'GREEN').map(show).slice(0, 20);
    expect(counts(g), `${name}; the cases not GREEN:\n${differing.join('\n')}`).toEqual(expected);
  });

  it('London households, 30-day windows: no RED, at most 1 % YELLOW, with or without an 8 kW contract or a nightly EV charge', () => {
    for (const name of ['london-30d', 'london-30d-8kw', 'london-ev-30d', 'london-year']) {
      const g = group(name);
      expect(withCode(name, 'RED').map(show), name).toEqual([]);
      expect(g.counts.YELLOW, `${name}:\n${withCode(name, 'YELLOW').map(show).join('\n')}`).toBeLessThanOrEqual(0.01 * g.cases.length);
    }
  });

  it('London households: GRAY exactly where data are missing (valid share below min_valid_share)', () => {
    for (const name of ['london-30d', 'london-year']) {
      for (const c of group(name).cases) {
        const validShare = 1 - c.row.missing_share!;
        if (c.code === 'GRAY') {
          expect(c.note, c.label).toMatch(/valid/);
          expect(validShare, c.label).toBeLessThan(ruleSet.minValidShare);
        } else {
          expect(validShare, c.label).toBeGreaterThanOrEqual(ruleSet.minValidShare);
        }
      }
    }
  });

  it('factory curves on a residential account are RED: steel plant and VDI workshops at 50 and 200 MWh/a, by the red rule', () => {
    for (const name of ['steel-residential', 'steel-residential-100mwh', 'vdi-workshops-residential-50mwh', 'vdi-workshops-residential-200mwh', 'vdi-workshops-residential-50mwh-8kw']) {
      for (const c of group(name).cases) {
        expect(c.code, `${name} ${show(c)}`).toBe('RED');
        expect(c.reasons[0], `${name} ${show(c)}`).toBe('factory-curve-in-housing');
      }
    }
  });

  it('flagged groups are never GREEN', () => {
    for (const g of groups.filter((g) => g.expect === 'flag')) expect(withCode(g.name, 'GREEN').map(show), g.name).toEqual([]);
  });

  it('groups expected green have at most 1 % RED', () => {
    for (const g of groups.filter((g) => g.expect === 'green')) expect(group(g.name).counts.RED, g.name).toBeLessThanOrEqual(0.01 * g.cases.length);
  });

  it('Cambridge buildings as commercial accounts: at most 8 YELLOW (a night rule), no RED', () => {
    const g = group('cambridge-30d');
    expect(g.counts.RED).toBe(0);
    expect(g.counts.YELLOW).toBeLessThanOrEqual(8);
    for (const c of withCode('cambridge-30d', 'YELLOW')) expect(c.reasons.some((r) => r === 'night-production' || r === 'night-production-continuous'), show(c)).toBe(true);
    expect(group('cambridge-year').counts.RED).toBe(0);
  });

  it('machines on some weekdays on top of real London households are flagged in 98 % of the windows, mostly by intermittent-production', () => {
    const g = group('london-metal-some-days');
    const usable = g.cases.filter((c) => c.code !== 'GRAY');
    const flagged = usable.filter((c) => c.code !== 'GREEN');
    expect(flagged.length / usable.length).toBeGreaterThan(0.97);
    expect(flagged.filter((c) => c.reasons.includes('intermittent-production')).length / flagged.length).toBeGreaterThan(0.9);
  });

  it('household profiles (VDI, BDEW, DOE simulated) are all GREEN', () => {
    for (const name of ['vdi-households', 'bdew-households', 'doe-residential']) {
      expect(group(name).cases.filter((c) => c.code !== 'GREEN').map(show), name).toEqual([]);
    }
  });

  it('licensed industrial accounts in a park are GREEN by the exemption', () => {
    for (const name of ['steel-park', 'vdi-workshops-park']) {
      for (const c of group(name).cases) {
        expect(c.code, `${name} ${show(c)}`).toBe('GREEN');
        expect(c.reasons[0], `${name} ${show(c)}`).toBe('licensed-park-enterprise');
      }
    }
  });

  it('rule hits agree with the reasons of the cases (ScoredBatch.hits)', () => {
    for (const g of groups) {
      const cases = group(g.name).cases;
      for (const rule of ruleSet.rules) {
        expect(group(g.name).hits[rule.id], `${g.name} ${rule.id}`).toBe(cases.filter((c) => c.reasons.includes(rule.id)).length);
      }
    }
  });
});
