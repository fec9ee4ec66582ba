// Baselines of the labelled population (`baselines: true`, issue 13): field 8
// only, the main population's bytes otherwise untouched, and each baseline the
// mean of the same consumer 8 weeks earlier, recomputed here from that
// window's own bytes. Parametric shapes only (no ../shared/data needed).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { gridcode } from '#gen/scoring.js';
import { populationBatches, type PopulationOptions } from '../../bench/population/index.js';

const base: PopulationOptions = { consumers: 1500, batchSize: 400, seed: 7, shapes: 'parametric', reuse: false };

function consumers(options: PopulationOptions): { bytes: Uint8Array[]; decoded: gridcode.v1.Consumer.$Properties[] } {
  const bytes: Uint8Array[] = [];
  const decoded: gridcode.v1.Consumer.$Properties[] = [];
  for (const b of populationBatches(options)) {
    for (let k = 0; k < b.count; k++) bytes.push(b.bytes.slice(b.spans[2 * k]!, b.spans[2 * k + 1]!));
    decoded.push(...gridcode.v1.ScoreBatchRequest.decode(b.bytes).consumers);
  }
  return { bytes, decoded };
}

describe('population baselines', () => {
  it('leaves the main population as published when off (the default)', () => {
    // sha-256 of the bytes and labels of this population as the 2026.12.0 figures
    // of docs/default-rule-set.md were measured with it. A deliberate change of the
    // generator changes it: update it and the published figures together.
    const h = createHash('sha256');
    for (const b of populationBatches({ consumers: 3000, batchSize: 700, seed: 7, shapes: 'parametric' })) h.update(b.bytes).update(b.labels);
    expect(h.digest('hex')).toBe('2464151e1abccf41965e047295100289a72e938eac73989eb412aad44b693f87');
    const off = consumers({ ...base, baselines: false });
    const unset = consumers(base);
    off.bytes.forEach((x, i) => expect(Buffer.compare(x, unset.bytes[i]!)).toBe(0));
    expect(off.decoded.every((c) => !c.baselineKw)).toBe(true);
  });

  it('adds field 8 and nothing else, to about 4 consumers in 5', () => {
    const off = consumers(base);
    const on = consumers({ ...base, baselines: true });
    let known = 0;
    on.bytes.forEach((x, i) => {
      const plain = off.bytes[i]!;
      if (x.length === plain.length) return expect(Buffer.compare(x, plain)).toBe(0);
      known++;
      // the same message followed by one fixed32 float with tag 0x45 (field 8)
      expect(x.length).toBe(plain.length + 5);
      expect(Buffer.compare(x.subarray(0, plain.length), plain)).toBe(0);
      expect(x[plain.length]).toBe(0x45);
      const kw = new DataView(x.buffer, x.byteOffset + plain.length + 1, 4).getFloat32(0, true);
      expect(kw).toBeGreaterThan(0);
      expect(on.decoded[i]!.baselineKw).toBe(kw);
    });
    expect(known / on.bytes.length).toBeGreaterThan(0.75);
    expect(known / on.bytes.length).toBeLessThan(0.85);
  });

  it('is deterministic', () => {
    const a = consumers({ ...base, consumers: 300, baselines: true });
    const b = consumers({ ...base, consumers: 300, batchSize: 77, baselines: true });
    a.bytes.forEach((x, i) => expect(Buffer.compare(x, b.bytes[i]!)).toBe(0));
  });

  it('is the mean of the same consumer 8 weeks earlier', () => {
    const now = consumers({ ...base, consumers: 400, startDate: '2026-03-02', baselines: true }).decoded;
    const then = consumers({ ...base, consumers: 400, startDate: '2026-01-05' }).decoded;
    const N = 30 * 96;
    let compared = 0;
    let equal = 0;
    now.forEach((c, i) => {
      const earlier = then[i]!;
      expect(earlier.id).toBe(c.id);
      expect(earlier.category).toBe(c.category);
      const x = earlier.loadKw as number[];
      // the baseline is taken without meter faults: compare where the earlier window has none visible
      if (!c.baselineKw || x.length !== N || x.some((v) => !(v >= 0 && v < Infinity))) return;
      let sum = 0;
      for (const v of x) sum += v;
      compared++;
      if (Math.fround(sum / N) === c.baselineKw) equal++; // else a meter stuck at zero or a register spike then (0.4 %)
    });
    expect(compared).toBeGreaterThan(200);
    expect(equal / compared).toBeGreaterThan(0.97);
  });

  it('changes with the season: households use less in March than in January', () => {
    const now = consumers({ ...base, consumers: 1000, baselines: true }).decoded;
    const ratios = now
      .filter((c) => c.baselineKw && c.category === gridcode.v1.Category.CATEGORY_RESIDENTIAL)
      .map((c) => {
        const x = (c.loadKw as number[]).filter((v) => v >= 0 && v < Infinity);
        return x.reduce((a, v) => a + v, 0) / x.length / c.baselineKw!;
      })
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    const median = ratios[ratios.length >> 1]!;
    expect(median).toBeGreaterThan(0.85);
    expect(median).toBeLessThan(1);
  });
});
