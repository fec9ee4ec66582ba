// Real curves from ../shared/data: the engine equals the reference within the
// bound on London households (half-hourly) and Cambridge buildings (hourly).
import { describe, expect, it } from 'vitest';
import type { ConsumerInput } from '../engine/src/index.js';
import { referenceFeatures } from './reference/index.js';
import { INDUSTRIAL_1SHIFT, RESIDENTIAL } from './support/curves.js';
import { computeBatch } from './support/engine.js';
import { addDays, dataFile, dataRoot, readWideCsvGz } from './support/real-data.js';
import { reportLargestErrors, rowMismatches } from './support/tolerance.js';

reportLargestErrors('features.real-data');

const TEMPLATES = { residential: RESIDENTIAL, industrial_1shift: INDUSTRIAL_1SHIFT };
/** The features of docs/features.md: compared like every other (rowMismatches takes the union of names), checked to be there. */
const DAY_FEATURES = ['held_max_kw', 'busy_days', 'busy_weekend_ratio', 'work_kw_p90', 'night_busy_hours'];
const london = dataFile('lcl_london_households_2013', 'lcl_100hh_2013_halfhourly_kwh_wide.csv.gz');
const cambridge = dataFile('cambridge_estates_buildings', 'electricity_hourly_2019_wide.csv.gz');
if (!london || !cambridge) console.log(`../shared/data not found: real-data tests skipped (looked in ${dataRoot})`);

/**
 * One batch of real curves, each compared with the reference. `dayFeaturesDefined`: every usable curve
 * has held_max_kw, busy_days, work_kw_p90 and night_busy_hours (a year of readings has pairs, nights and
 * working hours), so the comparison of the day features is not NaN against NaN.
 */
async function expectMatchesReference(P: number, startDate: string, named: [string, ConsumerInput][], dayFeaturesDefined = false): Promise<number> {
  const batch = await computeBatch(P, startDate, named.map(([, c]) => c), { templates: TEMPLATES });
  expect(batch.names).toEqual(expect.arrayContaining(DAY_FEATURES));
  let usable = 0;
  named.forEach(([name, consumer], i) => {
    expect(batch.notes[i], `${name} is usable`).toBeUndefined();
    const row = batch.rows[i]!;
    if (!Number.isNaN(row.mean_kw!)) usable++;
    if (dayFeaturesDefined && !Number.isNaN(row.mean_kw!)) {
      const undefinedOnes = DAY_FEATURES.filter((f) => f !== 'busy_weekend_ratio' && Number.isNaN(row[f]!));
      expect(undefinedOnes, `${name}: day features NaN`).toEqual([]);
    }
    const problems = rowMismatches(row, referenceFeatures(consumer, { pointsPerDay: P, startDate, templates: TEMPLATES }));
    expect(problems, `${name} from ${startDate} (P=${P}, ${consumer.loadKw.length} readings):\n${problems.join('\n')}`).toEqual([]);
  });
  return usable;
}

/** A window of `days` days from day `first` of a column, as float32 kW (`scale` converts the unit). */
function window(values: Float64Array, P: number, first: number, days: number, scale: number): Float32Array {
  return Float32Array.from(values.subarray(first * P, (first + days) * P), (v) => v * scale);
}

// Full-year households, the one with most gaps (MAC000079), and ones whose data end early in 2013.
const HOUSEHOLDS = ['MAC000002', 'MAC000003', 'MAC000004', 'MAC000006', 'MAC000013', 'MAC000079', 'MAC000124', 'MAC000051', 'MAC000016', 'MAC000050', 'MAC000008'];

describe.skipIf(!london)('London households 2013 (P = 48, kW = 2 × kWh per half hour)', () => {
  const table = london ? readWideCsvGz(london, HOUSEHOLDS) : undefined;

  it('the file is what PROVENANCE.md describes', () => {
    expect(table!.timestamps.length).toBe(17520);
    expect(table!.timestamps[0]).toBe('2013-01-01 00:00:00');
    expect([...table!.columns.keys()].sort()).toEqual([...HOUSEHOLDS].sort());
  });

  it.each([0, 58, 87, 150, 297, 335])('30-day windows from day %i', async (first) => {
    const named = HOUSEHOLDS.map((id): [string, ConsumerInput] => [id, { loadKw: window(table!.columns.get(id)!, 48, first, 30, 2), capacityKw: 6 }]);
    const usable = await expectMatchesReference(48, addDays('2013-01-01', first), named);
    expect(usable).toBeGreaterThanOrEqual(8); // all but the households whose data have ended
  });

  it('the full year, 365 days, every household in one batch', async () => {
    const named = HOUSEHOLDS.map((id): [string, ConsumerInput] => [id, { loadKw: window(table!.columns.get(id)!, 48, 0, 365, 2) }]);
    expect(await expectMatchesReference(48, '2013-01-01', named, true)).toBe(HOUSEHOLDS.length);
  });
});

describe.skipIf(!cambridge)('Cambridge buildings 2019 (P = 24, kWh per hour = kW)', () => {
  const table = cambridge ? readWideCsvGz(cambridge) : undefined;

  it('the file is what PROVENANCE.md describes', () => {
    expect(table!.timestamps.length).toBe(8760);
    expect(table!.columns.size).toBe(101);
  });

  it('the full year of all 101 buildings in one batch', async () => {
    const named = [...table!.columns].map(([id, values]): [string, ConsumerInput] => [id, { loadKw: window(values, 24, 0, 365, 1), capacityKw: 500 }]);
    expect(await expectMatchesReference(24, '2019-01-01', named, true)).toBe(101);
  });

  it.each([0, 86, 182, 300])('14- and 30-day windows from day %i, with daily water', async (first) => {
    const named = [...table!.columns].slice(0, 40).flatMap(([id, values]): [string, ConsumerInput][] => [
      [`${id}/14`, { loadKw: window(values, 24, first, 14, 1), waterM3: Float32Array.from({ length: 14 }, (_, d) => (d % 5 === 4 ? NaN : 1 + d)) }],
      [`${id}/30`, { loadKw: window(values, 24, first, 30, 1) }],
    ]);
    await expectMatchesReference(24, addDays('2019-01-01', first), named);
  });
});
