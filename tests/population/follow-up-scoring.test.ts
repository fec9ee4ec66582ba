// The watched sites and the baselines through the product (issue 13): the
// engine reads Consumer.watch and baseline_kw from the generator's bytes as
// the generator meant them (FeatureEngine.computeWire, as `npm run eval`
// scores them): watch_days counts the days from `since`, baseline_ratio is
// mean_kw over the baseline sent. Parametric shapes only.
import { describe, expect, it } from 'vitest';
import { gridcode } from '#gen/scoring.js';
import { FeatureEngine, parseBatchHeader } from '../../engine/src/index.js';
import { followUpBatches, populationBatches } from '../../bench/population/index.js';

const START = Date.UTC(2026, 2, 2);

describe('watched sites and baselines, as the engine reads them', () => {
  it('gives watch_days, since_watch_kw and baseline_ratio from the generated fields', async () => {
    const engine = await FeatureEngine.load();
    const header = parseBatchHeader(96, '2026-03-02');
    let checked = 0;
    for (const b of followUpBatches({ consumers: 700, batchSize: 350, seed: 3, shapes: 'parametric' })) {
      const m = engine.computeWire(header, b);
      gridcode.v1.ScoreBatchRequest.decode(b.bytes).consumers.forEach((c, i) => {
        const mean = m.value(i, 'mean_kw');
        if (m.note(i) !== undefined || Number.isNaN(mean)) return; // GRAY: a meter fault
        const since = Math.round((Date.parse(`${c.watch!.since}T00:00:00Z`) - START) / 86_400_000);
        expect(m.value(i, 'watch_days'), c.id!).toBe(30 - Math.max(0, since));
        expect(m.value(i, 'baseline_ratio')).toBeCloseTo(mean / c.baselineKw!, 5);
        if (since <= 0) expect(m.value(i, 'since_watch_kw')).toBeCloseTo(mean, 6);
        checked++;
      });
    }
    expect(checked).toBeGreaterThan(650);
  });

  it('leaves baseline_ratio undefined for the consumers of the population without a baseline', async () => {
    const engine = await FeatureEngine.load();
    const b = populationBatches({ consumers: 300, seed: 3, shapes: 'parametric', baselines: true }).next().value!;
    const m = engine.computeWire(parseBatchHeader(96, '2026-03-02'), b);
    const decoded = gridcode.v1.ScoreBatchRequest.decode(b.bytes).consumers;
    let unknown = 0;
    decoded.forEach((c, i) => {
      if (c.baselineKw) return;
      unknown++;
      expect(m.value(i, 'baseline_ratio')).toBeNaN();
      expect(m.value(i, 'watch_days')).toBeNaN();
    });
    expect(unknown).toBeGreaterThan(30);
  });
});
