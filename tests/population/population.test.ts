// The labelled population generator (bench/population/): deterministic,
// streaming, the configured mix, valid ScoreBatchRequests. Parametric shapes
// only, so that nothing here depends on ../shared/data.
import { describe, expect, it } from 'vitest';
import { gridcode } from '#gen/scoring.js';
import { KINDS, SUSPECT_SHARE, populationBatches, type PopulationOptions } from '../../bench/population/index.js';

const base: PopulationOptions = { consumers: 3000, batchSize: 500, seed: 7, shapes: 'parametric' };

function collect(options: PopulationOptions): { bytes: Uint8Array[]; labels: number[] } {
  const bytes: Uint8Array[] = [];
  const labels: number[] = [];
  for (const b of populationBatches(options)) {
    bytes.push(b.bytes.slice());
    labels.push(...b.labels);
  }
  return { bytes, labels };
}

describe('population generator', () => {
  it('is deterministic: the same seed gives the same bytes, another seed other bytes', () => {
    const a = collect(base);
    const b = collect(base);
    expect(a.bytes.length).toBe(6);
    a.bytes.forEach((x, i) => expect(Buffer.compare(x, b.bytes[i]!)).toBe(0));
    expect(a.labels).toEqual(b.labels);
    const c = collect({ ...base, seed: 8 });
    expect(Buffer.compare(a.bytes[1]!, c.bytes[1]!)).not.toBe(0);
  });

  it('gives consumer i the same curve whatever the batch size or the first consumer', () => {
    const decode = (options: PopulationOptions) =>
      [...populationBatches({ ...options, reuse: false })].flatMap((b) => gridcode.v1.ScoreBatchRequest.decode(b.bytes).consumers);
    const whole = decode({ ...base, consumers: 600, batchSize: 600 });
    const split = decode({ ...base, consumers: 600, batchSize: 77 });
    const tail = decode({ ...base, first: 500, consumers: 100, batchSize: 33 });
    expect(split.map((c) => c.id)).toEqual(whole.map((c) => c.id));
    for (const i of [0, 5, 99, 317, 599]) expect(split[i]!.loadKw).toEqual(whole[i]!.loadKw);
    expect(tail[0]!.id).toBe('c500');
    expect(tail[17]!.loadKw).toEqual(whole[517]!.loadKw);
  });

  it('decodes with protobufjs to valid requests', () => {
    const P = 48;
    const days = 14;
    for (const b of populationBatches({ ...base, consumers: 1200, batchSize: 400, pointsPerDay: P, days, startDate: '2026-07-06', ruleSet: 'default' })) {
      const req = gridcode.v1.ScoreBatchRequest.decode(b.bytes);
      expect(req.pointsPerDay).toBe(P);
      expect(req.startDate).toBe('2026-07-06');
      expect(req.ruleSet).toBe('default');
      expect(req.consumers.length).toBe(b.count);
      req.consumers.forEach((c, k) => {
        expect(c.id).toBe(`c${b.first + k}`);
        const kind = KINDS[b.labels[k]!]!;
        expect(c.category).toBe(kind.category);
        expect([kind.zone, kind.zoneAlt?.[0]]).toContain(c.zone);
        // whole days, except the rare truncated curve (a meter fault the product must report)
        const n = c.loadKw?.length ?? 0;
        expect(n === days * P || (n < days * P && n > (days - 1) * P)).toBe(true);
        expect([0, days]).toContain(c.waterM3?.length ?? 0);
        expect(c.capacityKw ?? 0).toBeGreaterThanOrEqual(0);
        // spans point at the consumer message
        const [start, end] = [b.spans[2 * k]!, b.spans[2 * k + 1]!];
        expect(gridcode.v1.Consumer.decode(b.bytes.subarray(start, end)).id).toBe(c.id);
      });
    }
  });

  it('produces every kind, and the configured mix (4-5 % suspects)', () => {
    const counts = new Array<number>(KINDS.length).fill(0);
    let n = 0;
    for (const b of populationBatches({ ...base, consumers: 40_000, batchSize: 2000 })) {
      if (n === 0) expect([...b.labels.subarray(0, KINDS.length)]).toEqual(KINDS.map((_, i) => i));
      for (const l of b.labels) counts[l]!++;
      n += b.count;
    }
    const suspects = counts.reduce((a, c, i) => a + (KINDS[i]!.suspect ? c : 0), 0) / n;
    expect(SUSPECT_SHARE).toBeCloseTo(0.045, 6);
    expect(suspects).toBeGreaterThan(0.04);
    expect(suspects).toBeLessThan(0.05);
    KINDS.forEach((k, i) => {
      expect(counts[i]).toBeGreaterThan(0);
      // ±30 % of the weight (the rarest kind, 0.5 %, has ~200 draws here: σ ≈ 7 %)
      expect(Math.abs(counts[i]! / n - k.weight) / k.weight, k.name).toBeLessThan(0.3);
    });
  });

  it('streams: one reused buffer, and memory does not grow with the population', () => {
    const buffers = new Set<ArrayBufferLike>();
    let n = 0;
    let first = 0;
    let peak = 0;
    const sample = () => {
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    for (const b of populationBatches({ ...base, consumers: 200_000, batchSize: 1000, days: 7 })) {
      buffers.add(b.bytes.buffer);
      n += b.count;
      if (n === 20_000) first = sample();
      if (n > 20_000) peak = Math.max(peak, sample());
    }
    expect(n).toBe(200_000);
    expect(buffers.size).toBe(1); // every batch written into the same buffer
    // garbage comes and goes, but 180,000 more consumers (~100 MB of curves) must not stay
    expect(peak - first).toBeLessThan(48 * 2 ** 20);
  });

  it('rejects bad options', () => {
    expect(() => populationBatches({ consumers: 10, pointsPerDay: 60, shapes: 'parametric' }).next()).toThrow(/pointsPerDay/);
    expect(() => populationBatches({ consumers: 10, startDate: '2026-3-2', shapes: 'parametric' }).next()).toThrow(/startDate/);
    expect(() => populationBatches({ consumers: 10, batchSize: 0, shapes: 'parametric' }).next()).toThrow(/batchSize/);
  });
});
