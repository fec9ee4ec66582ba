// No silent GREEN (data-notes.ts) on the real engine: the notes of judged
// consumers whose category or zone is unspecified or whose meter read 0 kW
// throughout, their wording, their rule lists against an independent
// computation (rule texts read with `yaml`, rules evaluated by the reference
// interpreter of tests/rules), and GRAY notes left as they were.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { gridcode } from '#gen/scoring.js';
import { parse as parseYaml } from 'yaml';
import { evaluate, parseExpr } from '../../../tests/rules/reference.js';
import { FeatureEngine, type ConsumerInput } from '../engine.js';
import { parseBatchHeader } from '../header.js';
import { compileRuleSet } from '../rules/compile-rule-set.js';
import { formatDiagnostics } from '../rules/format.js';
import type { CompiledRuleSet } from '../rules/program.js';
import { MAX_LISTED_RULES } from './data-notes.js';
import { Code, type ScoredBatch } from './scored-batch.js';

const P = 24;
const DAYS = 7;
const header = parseBatchHeader(P, '2026-11-02');

// Rules that read category: residential-night, account-in-zone, not-industrial, no-account-type;
// zone: housing-load, account-in-zone, park-exempt. With category 0, not-industrial
// (0 != 3) and no-account-type fire; the others that read it cannot.
const NOTES_SET = `id: notes
version: "1"
thresholds: { yellow: 40, red: 70 }
min_valid_share: 0.5
rules:
  - id: residential-night
    when: category == residential and night_share > 0.3
    score: 10
  - id: housing-load
    when: zone == residential_area and mean_kw > 1
    score: 10
  - id: account-in-zone
    when: category in [residential, commercial] and zone != industrial_park
    score: 5
  - id: not-industrial
    when: category != industrial
    score: 5
  - id: no-account-type
    when: category == unspecified
    score: 1
  - id: big
    when: mean_kw > 100
    score: 50
  - id: over-capacity
    when: mean_kw > capacity_kw
    score: 20
  - id: park-exempt
    when: zone == industrial_park
    effect: exempt
`;

const CATEGORY_MISSING = 'category unspecified (no account type from upstream)';
const ZONE_MISSING = 'zone unspecified (no zone from upstream)';
const ZERO_METER = (valid: string) => `the meter read 0 kW for the whole window (${valid} valid readings): vacant premises, a disconnected supply or a stuck meter`;

let engine: FeatureEngine;
let notesSet: CompiledRuleSet;

function compiled(source: string): CompiledRuleSet {
  const result = compileRuleSet(source);
  if (!result.ruleSet) throw new Error(formatDiagnostics(result.diagnostics, source));
  return result.ruleSet;
}

beforeAll(async () => {
  engine = await FeatureEngine.load();
  notesSet = compiled(NOTES_SET);
});

/** A week at `day` kW from 06:00 to 22:00 and `night` kW otherwise. */
const week = (day: number, night: number, days = DAYS): Float32Array => Float32Array.from({ length: P * days }, (_, t) => (t % P >= 6 && t % P < 22 ? day : night));
const consumer = (category: number, zone: number, loadKw = week(2, 0.5)): ConsumerInput => ({ loadKw, category, zone, capacityKw: 50 });

const notesOf = (scored: ScoredBatch) => Array.from({ length: scored.count }, (_, c) => scored.note(c));

describe('unspecified category and zone', () => {
  it('names what was missing and the rules that read it and did not fire, for category, zone, both and neither', () => {
    const scored = engine.scoreConsumers(header, [consumer(1, 1), consumer(0, 1), consumer(1, 0), consumer(0, 0)], notesSet);
    expect(Array.from(scored.codes)).toEqual([Code.green, Code.green, Code.green, Code.green]);
    expect(notesOf(scored)).toEqual([
      undefined,
      `${CATEGORY_MISSING}: 2 rules that read category did not fire: residential-night, account-in-zone`,
      // account-in-zone fired: a residential account, and zone 0 is not industrial_park.
      `${ZONE_MISSING}: 2 rules that read zone did not fire: housing-load, park-exempt`,
      `${CATEGORY_MISSING}: 2 rules that read category did not fire: residential-night, account-in-zone; ${ZONE_MISSING}: 3 rules that read zone did not fire: housing-load, account-in-zone, park-exempt`,
    ]);
    // The rule set's own test for missing data fires, and still the note is given: it is about the data.
    expect(scored.reasons(1)).toEqual(['housing-load', 'not-industrial', 'no-account-type']);
  });

  it('says nothing about an attribute no rule reads', () => {
    const set = compiled(NOTES_SET.replace(/rules:[\s\S]*/, 'rules:\n  - id: big\n    when: mean_kw > 100\n    score: 50\n  - id: in-housing\n    when: zone == residential_area\n    score: 1\n'));
    const scored = engine.scoreConsumers(header, [consumer(0, 0), consumer(0, 1)], set);
    expect(notesOf(scored)).toEqual([`${ZONE_MISSING}: 1 rule that reads zone did not fire: in-housing`, undefined]);
  });

  it('lists at most MAX_LISTED_RULES ids and counts the rest; says so when every rule that reads it fired', () => {
    const many = Array.from({ length: MAX_LISTED_RULES + 4 }, (_, i) => `  - id: r${i}\n    when: category == residential and mean_kw > ${i}\n    score: 1\n`).join('');
    const set = compiled(`${NOTES_SET.replace(/rules:[\s\S]*/, 'rules:\n')}${many}  - id: other-account\n    when: category != residential\n    score: 1\n`);
    const listed = Array.from({ length: MAX_LISTED_RULES }, (_, i) => `r${i}`).join(', ');
    expect(engine.scoreConsumers(header, [consumer(0, 1)], set).note(0)).toBe(`${CATEGORY_MISSING}: ${MAX_LISTED_RULES + 4} rules that read category did not fire: ${listed} and 4 more`);
    const fires = compiled(`${NOTES_SET.replace(/rules:[\s\S]*/, 'rules:\n')}  - id: other-account\n    when: category != residential\n    score: 1\n`);
    expect(engine.scoreConsumers(header, [consumer(0, 1)], fires).note(0)).toBe(`${CATEGORY_MISSING}: the rule that reads category fired`);
  });

  it('lists exactly the rules whose `when` reads the attribute and that did not fire, as an independent evaluation finds them', () => {
    // Independent of the compiler: which rules read an attribute, from the rule texts; which fire, by the reference interpreter.
    const rules = (parseYaml(NOTES_SET) as { rules: { id: string; when: string }[] }).rules.map((rule) => ({ ...rule, expr: parseExpr(rule.when) }));
    const readers = (attribute: string) => rules.filter((rule) => new RegExp(`\\b${attribute}\\b`).test(rule.when));
    const shape = fc.record({
      category: fc.integer({ min: 0, max: 5 }),
      zone: fc.integer({ min: 0, max: 5 }),
      capacity: fc.integer({ min: 1, max: 200 }),
      day: fc.constantFrom(0, 0.5, 2, 150),
      night: fc.constantFrom(0, 0.2, 3, 150),
    });
    fc.assert(
      fc.property(fc.array(shape, { minLength: 1, maxLength: 40 }), (shapes) => {
        const scored = engine.scoreConsumers(header, shapes.map((s) => ({ loadKw: week(s.day, s.night), category: s.category, zone: s.zone, capacityKw: s.capacity })), notesSet);
        shapes.forEach((s, c) => {
          const row = scored.matrix.row(c);
          const attributes: Record<string, number> = { category: s.category, zone: s.zone, capacity_kw: s.capacity, points_per_day: P };
          const lookup = (name: string) => attributes[name] ?? row[name] ?? wordCode(name);
          const fires = (rule: (typeof rules)[number]) => evaluate(rule.expr, lookup) === true;
          // `unspecified` and the other words in the VM as in the reference.
          expect(rules.filter(fires).map((rule) => rule.id), `consumer ${c}`).toEqual(scored.reasons(c).slice().sort(byFileOrder(rules)));
          const expected: string[] = [];
          for (const [attribute, missing, value] of [['category', CATEGORY_MISSING, s.category], ['zone', ZONE_MISSING, s.zone]] as const) {
            if (value !== 0) continue;
            const missed = readers(attribute).filter((rule) => !fires(rule)).map((rule) => rule.id);
            expect(missed.length).toBeLessThanOrEqual(MAX_LISTED_RULES);
            expected.push(missed.length === 0 ? `${missing}: all ${readers(attribute).length} rules that read ${attribute} fired` : `${missing}: ${missed.length} rule${missed.length === 1 ? ' that reads' : 's that read'} ${attribute} did not fire: ${missed.join(', ')}`);
          }
          if (s.day === 0 && s.night === 0) expected.push(ZERO_METER(String(P * DAYS)));
          expect(scored.note(c), `consumer ${c}: ${JSON.stringify(s)}`).toBe(expected.length > 0 ? expected.join('; ') : undefined);
        });
        // Only the consumers that need a note have one.
        expect(scored.notes.size).toBe(shapes.filter((s) => s.category === 0 || s.zone === 0 || (s.day === 0 && s.night === 0)).length);
      }),
      { numRuns: 40 },
    );
  });
});

describe('a meter that read 0 kW all window', () => {
  it('is judged, with a note saying how many valid readings were all 0 kW, alone or after the missing account data', () => {
    const gaps = week(0, 0);
    gaps.fill(Number.NaN, 0, 8); // 160 of 168 valid: still judged
    const year = week(0, 0, 120); // 2,880 readings
    const almost = week(0, 0);
    almost[100] = 0.001;
    const scored = engine.scoreConsumers(header, [consumer(1, 1, week(0, 0)), consumer(1, 1, gaps), consumer(1, 1, year), consumer(0, 0, week(0, 0)), consumer(1, 1, almost)], notesSet);
    expect(Array.from(scored.codes)).not.toContain(Code.gray);
    expect(notesOf(scored)).toEqual([
      ZERO_METER('168'),
      ZERO_METER('160'),
      ZERO_METER('2,880'),
      `${CATEGORY_MISSING}: 2 rules that read category did not fire: residential-night, account-in-zone; ${ZONE_MISSING}: 3 rules that read zone did not fire: housing-load, account-in-zone, park-exempt; ${ZERO_METER('168')}`,
      undefined,
    ]);
  });
});

describe('GRAY notes', () => {
  it('are unchanged and take precedence: no data note is added to a GRAY result', () => {
    const sparse = week(0, 0);
    sparse.fill(Number.NaN, 0, 100); // 68 of 168 valid: below min_valid_share 0.5
    const scored = engine.scoreConsumers(header, [consumer(0, 0, new Float32Array(0)), consumer(0, 0, sparse), consumer(0, 0, week(1, 1).subarray(0, 30))], notesSet);
    expect(Array.from(scored.codes)).toEqual([Code.gray, Code.gray, Code.gray]);
    expect(notesOf(scored)).toEqual(['no readings', '40.5% of readings are valid; rule set notes needs 50.0%', '30 readings is not a whole number of days at 24 points per day']);
  });
});

/** The proto number of an enum word, from the generated proto enums (CATEGORY_<WORD>, ZONE_<WORD>), not the compiler's table. */
function wordCode(word: string): number {
  const name = word.toUpperCase();
  const code = (gridcode.v1.Category as unknown as Record<string, number>)[`CATEGORY_${name}`] ?? (gridcode.v1.Zone as unknown as Record<string, number>)[`ZONE_${name}`];
  if (code === undefined) throw new Error(`no enum word ${word}`);
  return code;
}

/** Sorts rule ids into file order. */
function byFileOrder(rules: readonly { id: string }[]): (a: string, b: string) => number {
  const at = new Map(rules.map((rule, i) => [rule.id, i]));
  return (a, b) => at.get(a)! - at.get(b)!;
}
