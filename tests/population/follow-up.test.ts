// The watched sites of bench/population/follow-up.ts (issue 13): a
// deterministic stream apart from the main population, every case present
// with its label, Watch status and since as designed (decoded here with the
// generated protobuf code, not the generator's encoder), a baseline for every
// site, and each case's curve doing what the case says. Parametric shapes only.
import { describe, expect, it } from 'vitest';
import { gridcode } from '#gen/scoring.js';
import { FOLLOW_UP_CASES, KINDS, WATCH, followUpBatches, populationBatches, type FollowUpOptions } from '../../bench/population/index.js';

const base: FollowUpOptions = { consumers: 2100, batchSize: 500, seed: 7, shapes: 'parametric', reuse: false };
const START = Date.UTC(2026, 2, 2); // 2026-03-02, the default start

interface Site {
  readonly c: gridcode.v1.Consumer.$Properties;
  readonly label: number;
  readonly kind: number;
}

function sites(options: FollowUpOptions): { bytes: Uint8Array[]; sites: Site[] } {
  const bytes: Uint8Array[] = [];
  const out: Site[] = [];
  for (const b of followUpBatches(options)) {
    bytes.push(b.bytes);
    gridcode.v1.ScoreBatchRequest.decode(b.bytes).consumers.forEach((c, k) => out.push({ c, label: b.labels[k]!, kind: b.kinds[k]! }));
  }
  return { bytes, sites: out };
}

const sinceDay = (s: Site) => Math.round((Date.parse(`${s.c.watch!.since}T00:00:00Z`) - START) / 86_400_000);
const valid = (x: number[]) => x.filter((v) => v >= 0 && v < Infinity);
const mean = (x: number[]) => x.reduce((a, v) => a + v, 0) / x.length;
const median = (x: number[]) => [...x].sort((a, b) => a - b)[x.length >> 1]!;

describe('follow-up population (watched sites)', () => {
  const { sites: all } = sites(base);
  const of = (name: string) => all.filter((s) => FOLLOW_UP_CASES[s.label]!.name === name);

  it('is deterministic, and site i is the same whatever the batch size or first site', () => {
    const again = sites(base);
    sites(base).bytes.forEach((x, i) => expect(Buffer.compare(x, again.bytes[i]!)).toBe(0));
    const split = sites({ ...base, consumers: 300, batchSize: 77 }).sites;
    const tail = sites({ ...base, first: 250, consumers: 50, batchSize: 13 }).sites;
    for (const i of [0, 6, 99, 299]) expect(split[i]!.c).toEqual(all[i]!.c);
    expect(tail[0]!.c.id).toBe('w250');
    expect(tail[17]!.c).toEqual(all[267]!.c);
    expect(Buffer.compare(sites({ ...base, consumers: 100, seed: 8 }).bytes[0]!, sites({ ...base, consumers: 100 }).bytes[0]!)).not.toBe(0);
  });

  it('streams in one reused buffer, with the earlier windows generated into reused arrays', () => {
    const buffers = new Set<ArrayBufferLike>();
    let n = 0;
    for (const b of followUpBatches({ ...base, consumers: 6000, batchSize: 500, days: 7, reuse: true })) buffers.add(b.bytes.buffer), (n += b.count);
    expect(n).toBe(6000);
    expect(buffers.size).toBe(1);
  });

  it('does not change the main population', () => {
    const first = populationBatches({ consumers: 50, seed: 7, shapes: 'parametric' }).next().value!;
    const ids = gridcode.v1.ScoreBatchRequest.decode(first.bytes).consumers.map((c) => c.id);
    expect(ids[0]).toBe('c0');
    expect(all.slice(0, 50).map((s) => s.c.id)).toEqual(Array.from({ length: 50 }, (_, i) => `w${i}`));
  });

  it('has every case in about equal numbers, with its status, since and a baseline', () => {
    expect(all.slice(0, FOLLOW_UP_CASES.length).map((s) => s.label)).toEqual(FOLLOW_UP_CASES.map((_, i) => i));
    for (const [i, fc] of FOLLOW_UP_CASES.entries()) {
      const group = all.filter((s) => s.label === i);
      expect(group.length / all.length, fc.name).toBeGreaterThan(0.1);
      expect(group.length / all.length, fc.name).toBeLessThan(0.19);
      for (const s of group) {
        expect(s.c.watch?.status, fc.name).toBe(fc.status);
        expect(s.c.watch?.since).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(s.c.baselineKw, fc.name).toBeGreaterThan(0);
        const kind = KINDS[s.kind]!;
        expect(fc.underlying.map((u) => u.kind)).toContain(kind.name);
        expect(s.c.category).toBe(kind.category);
        expect([kind.zone, kind.zoneAlt?.[0]]).toContain(s.c.zone);
        const day = sinceDay(s);
        if (fc.status === WATCH.restricted) expect(day >= 5 && day <= 15, `${s.c.id} since ${s.c.watch?.since}`).toBe(true);
        else expect(day >= -183 && day <= -30, `${s.c.id} since ${s.c.watch?.since}`).toBe(true);
      }
    }
    expect(FOLLOW_UP_CASES.filter((c) => c.suspect).map((c) => c.name)).toEqual(['closed_relapse', 'rectified_relapse', 'restricted_producing']);
  });

  it('closed sites draw standby; a compliant one stays there, a relapse runs machines again', () => {
    const metered = (name: string) => of(name).filter((s) => valid(s.c.loadKw as number[]).length > 0); // not the offline meters
    for (const s of metered('closed_compliant')) expect(median(valid(s.c.loadKw as number[]))).toBeLessThanOrEqual(0.15);
    expect(of('closed_compliant').filter((s) => valid(s.c.loadKw as number[]).every((v) => v === 0)).length).toBeGreaterThan(0);
    // and a vacant site's water: a cistern, not a plating line
    for (const s of of('closed_compliant')) if (s.c.waterM3?.length) expect(mean(valid(s.c.waterM3 as number[]))).toBeLessThan(0.1);
    // a relapse: some day of the window draws many times the standby
    const peaks = metered('closed_relapse').map((s) => Math.max(...valid(s.c.loadKw as number[])));
    expect(peaks.filter((p) => p > 1).length / peaks.length).toBeGreaterThan(0.95);
  });

  it('compliance draws less than the baseline, production under a restriction does not', () => {
    const ratio = (s: Site, fromDay = 0) => mean(valid((s.c.loadKw as number[]).slice(fromDay * 96))) / s.c.baselineKw!;
    expect(median(of('rectified_compliant').map((s) => ratio(s)).filter(Number.isFinite))).toBeLessThan(0.5);
    expect(median(of('restricted_compliant').map((s) => ratio(s, sinceDay(s))).filter(Number.isFinite))).toBeLessThan(0.6);
    expect(median(of('restricted_producing').map((s) => ratio(s, sinceDay(s))).filter(Number.isFinite))).toBeGreaterThan(0.85);
    const cleared = median(of('cleared').map((s) => ratio(s)).filter(Number.isFinite));
    expect(cleared).toBeGreaterThan(0.7);
    expect(cleared).toBeLessThan(1.2);
  });
});
