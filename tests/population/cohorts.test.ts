// Cohorts of the labelled population (`cohorts: true`, issue 13;
// bench/population/cohorts.ts): Consumer.group is each account's transformer
// area, areas are contiguous runs of 20-150 consumers laid out from the seed
// alone, a batch is whole areas, factories and about 1 in 10 accounts carry
// no group, neighbours share their days, and without the option the bytes are
// exactly what they were. Decoded with the generated protobuf code, not the
// generator's encoder. Parametric shapes, except the one test that reads the
// real households' weeks (skipped without ../shared/data).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { gridcode } from '#gen/scoring.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Code, FeatureEngine, parseBatchHeader } from '../../engine/src/index.js';
import { packageRoot } from '../../engine/src/package-root.js';
import { compileRuleSet } from '../../engine/src/rules/compile-rule-set.js';
import {
  AREA_MAX,
  AREA_MIN,
  AreaLayout,
  CATEGORY,
  KINDS,
  UNGROUPED,
  areaGroup,
  populationBatches,
  shapeLibrary,
  type PopulationBatch,
  type PopulationOptions,
} from '../../bench/population/index.js';

const SEED = 7;
const base: PopulationOptions = { consumers: 4000, batchSize: 500, seed: SEED, shapes: 'parametric', reuse: false, cohorts: true };

interface Generated {
  readonly batches: PopulationBatch[];
  readonly consumers: Consumer[];
  /** The Consumer message bytes of each consumer. */
  readonly bytes: Uint8Array[];
  readonly labels: number[];
}

function generate(options: PopulationOptions): Generated {
  const out: Generated = { batches: [], consumers: [], bytes: [], labels: [] };
  for (const b of populationBatches({ ...options, reuse: false })) {
    out.batches.push(b);
    out.consumers.push(...gridcode.v1.ScoreBatchRequest.decode(b.bytes).consumers);
    for (let k = 0; k < b.count; k++) out.bytes.push(b.bytes.slice(b.spans[2 * k]!, b.spans[2 * k + 1]!));
    out.labels.push(...b.labels);
  }
  return out;
}

type Consumer = gridcode.v1.Consumer.$Properties;
const index = (c: Consumer) => Number(c.id!.slice(1));

/** The consumer's message without its field 7 (tag 0x3a, a length below 128), as the encoder writes it. */
function withoutGroup(x: Uint8Array, group: string): Uint8Array {
  const tag = Buffer.from([0x3a, group.length, ...Buffer.from(group)]);
  const at = Buffer.from(x).indexOf(tag);
  expect(at).toBeGreaterThan(0);
  return Buffer.concat([x.subarray(0, at), x.subarray(at + tag.length)]);
}

describe('population cohorts', () => {
  const all = generate(base);

  it('leaves the population as published without the option', () => {
    // the sha-256 of tests/population/baselines.test.ts: the population the published figures were measured on
    for (const extra of [{}, { cohorts: false }, { cohorts: false, sendGroups: true }, { sendGroups: false }]) {
      const h = createHash('sha256');
      for (const b of populationBatches({ consumers: 3000, batchSize: 700, seed: 7, shapes: 'parametric', ...extra })) {
        expect(b.areas).toBeUndefined();
        h.update(b.bytes).update(b.labels);
      }
      expect(h.digest('hex'), JSON.stringify(extra)).toBe('2464151e1abccf41965e047295100289a72e938eac73989eb412aad44b693f87');
    }
  });

  it('gives each account its area as group, none to factories and to about 1 in 10 others', () => {
    const layout = new AreaLayout(SEED);
    let candidates = 0;
    let grouped = 0;
    all.consumers.forEach((c, i) => {
      expect(index(c)).toBe(i);
      const kind = KINDS[all.labels[i]!]!;
      expect(c.category).toBe(kind.category); // the kind is the consumer's own, cohorts or not
      if (kind.category === CATEGORY.industrial) return expect(c.group, c.id!).toBe('');
      candidates++;
      if (!c.group) return;
      grouped++;
      expect(c.group).toBe(areaGroup(SEED, layout.locate(i).area));
      expect(c.group).toMatch(/^TA-7-\d+$/);
    });
    expect(1 - grouped / candidates).toBeGreaterThan(UNGROUPED - 0.02);
    expect(1 - grouped / candidates).toBeLessThan(UNGROUPED + 0.02);
  });

  it('has the mix, and the kinds, of the population without cohorts', () => {
    const plain = generate({ ...base, cohorts: false });
    expect(all.labels).toEqual(plain.labels);
    // accounts with no household part keep their curve; a household's days follow its area's weather
    let same = 0;
    let households = 0;
    let changed = 0;
    all.consumers.forEach((c, i) => {
      const kind = KINDS[all.labels[i]!]!;
      const x = c.group ? withoutGroup(all.bytes[i]!, c.group) : all.bytes[i]!;
      const equal = Buffer.compare(x, plain.bytes[i]!) === 0;
      if (kind.category !== CATEGORY.residential) expect(equal, c.id!).toBe(true), same++;
      else if (kind.household) households++, (changed += equal ? 0 : 1);
    });
    expect(same).toBeGreaterThan(800);
    expect(changed / households).toBeGreaterThan(0.9); // all but the holiday homes' empty days and the like
  });

  it('keeps the consumers of an area together, in one batch that ends on an area boundary', () => {
    const layout = new AreaLayout(SEED);
    const seen = new Map<string, { batch: number; last: number }>();
    all.batches.forEach((b, n) => {
      // every batch but the last ends where an area ends, near the size asked for
      const end = b.first + b.count;
      if (end < base.consumers) {
        expect(layout.locate(end).start).toBe(end);
        expect(Math.abs(b.count - base.batchSize!)).toBeLessThanOrEqual(AREA_MAX / 2);
      }
      expect(b.areas).toEqual({ first: layout.locate(b.first).area, count: layout.locate(end - 1).area - layout.locate(b.first).area + 1 });
      expect(layout.locate(b.first).start).toBe(b.first);
      for (const c of gridcode.v1.ScoreBatchRequest.decode(b.bytes).consumers) {
        if (!c.group) continue;
        const at = seen.get(c.group);
        if (at) {
          expect(at.batch, `${c.group} in two batches`).toBe(n);
          // contiguous: only ungrouped accounts and factories between two accounts of a group
          for (let i = at.last + 1; i < index(c); i++) expect(all.consumers[i]!.group, `${c.group} interrupted at c${i}`).toBe('');
        }
        seen.set(c.group, { batch: n, last: index(c) });
      }
    });
    expect(seen.size).toBeGreaterThan(40);
  });

  it('draws areas of 20-150 accounts around 60', () => {
    const layout = new AreaLayout(SEED);
    const sizes: number[] = [];
    for (let a = 0, i = 0; a < 3000; a++, i = layout.start + layout.size) sizes.push(layout.locate(i).size);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(AREA_MIN);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(AREA_MAX);
    const sorted = [...sizes].sort((x, y) => x - y);
    expect(sorted[sorted.length >> 1]).toBeGreaterThan(55);
    expect(sorted[sorted.length >> 1]).toBeLessThan(65);
    // not piled up at the bounds (redrawn, not clamped)
    expect(sizes.filter((s) => s === AREA_MIN || s === AREA_MAX).length / sizes.length).toBeLessThan(0.01);
    // and the groups of the stream spread over no more than an area
    const span = new Map<string, [number, number]>();
    all.consumers.forEach((c, i) => c.group && span.set(c.group, [span.get(c.group)?.[0] ?? i, i]));
    for (const [group, [from, to]] of span) expect(to - from + 1, group).toBeLessThanOrEqual(AREA_MAX);
    // walking back gives the same areas as walking forward
    const back = new AreaLayout(SEED);
    for (const i of [200_000, 5, 150_000, 0, 99_999]) {
      const forward = new AreaLayout(SEED).locate(i);
      back.locate(i);
      expect([back.area, back.start, back.size]).toEqual([forward.area, forward.start, forward.size]);
    }
  });

  it('gives consumer i the same bytes, group included, whatever the batch size or first consumer', () => {
    const other = generate({ ...base, consumers: 1500, batchSize: 333 });
    const one = generate({ ...base, consumers: 1500, batchSize: 10_000 });
    const small = generate({ ...base, consumers: 1500, batchSize: 7 }); // smaller than an area: one area a batch
    const tail = generate({ ...base, first: 777, consumers: 700, batchSize: 250 }); // starts inside an area
    for (const g of [other, one, small]) g.bytes.forEach((x, i) => expect(Buffer.compare(x, all.bytes[i]!), `c${i}`).toBe(0));
    tail.bytes.forEach((x, k) => expect(Buffer.compare(x, all.bytes[777 + k]!), `c${777 + k}`).toBe(0));
    expect(one.batches.length).toBe(1);
    const layout = new AreaLayout(SEED);
    for (const b of small.batches) expect(b.areas!.count).toBe(1), expect(b.count).toBe(Math.min(layout.locate(b.first).size, 1500 - b.first));
    // what moves with the batch size: where batches end (always on area boundaries)
    expect(other.batches.map((b) => b.count)).not.toEqual(all.batches.slice(0, other.batches.length).map((b) => b.count));
    expect(tail.batches[0]!.first).toBe(777);
  });

  it('sendGroups false: the same population, batches and labels, without field 7', () => {
    const off = generate({ ...base, sendGroups: false });
    expect(off.labels).toEqual(all.labels);
    expect(off.batches.map((b) => [b.first, b.count, b.areas])).toEqual(all.batches.map((b) => [b.first, b.count, b.areas]));
    let grouped = 0;
    all.consumers.forEach((c, i) => {
      expect(off.consumers[i]!.group).toBe('');
      const x = c.group ? (grouped++, withoutGroup(all.bytes[i]!, c.group)) : all.bytes[i]!;
      expect(Buffer.compare(x, off.bytes[i]!), c.id!).toBe(0);
    });
    expect(grouped).toBeGreaterThan(3000);
  });

  it('with baselines: field 7 before field 8, the baseline taken in the same area', () => {
    const both = generate({ ...base, consumers: 800, baselines: true });
    const plain = generate({ ...base, consumers: 800 });
    let known = 0;
    both.consumers.forEach((c, i) => {
      expect(c.group).toBe(plain.consumers[i]!.group);
      if (!c.baselineKw) return expect(Buffer.compare(both.bytes[i]!, plain.bytes[i]!)).toBe(0);
      known++;
      const x = both.bytes[i]!;
      expect(Buffer.compare(x.subarray(0, x.length - 5), plain.bytes[i]!)).toBe(0);
      expect(x[x.length - 5]).toBe(0x45);
    });
    expect(known).toBeGreaterThan(550);
  });

  it('streams batches of varying size in one reused buffer', () => {
    const buffers = new Set<ArrayBufferLike>();
    const sizes = new Set<number>();
    let n = 0;
    for (const b of populationBatches({ ...base, consumers: 20_000, batchSize: 1000, days: 7, reuse: true })) {
      buffers.add(b.bytes.buffer);
      sizes.add(b.count);
      n += b.count;
    }
    expect(n).toBe(20_000);
    expect(sizes.size).toBeGreaterThan(5);
    expect(buffers.size).toBe(1);
  });

  it("neighbours share their weather: a synthetic household's days move with its area", () => {
    // the same household with and without cohorts: its home days are scaled by its area's factor of the day,
    // the same for every household of the area and another in another area
    const plain = generate({ ...base, cohorts: false });
    const factors = new Map<string, number[][]>();
    all.consumers.forEach((c, i) => {
      if (KINDS[all.labels[i]!]!.name !== 'household_evening' || !c.group) return;
      const x = c.loadKw as number[];
      const y = plain.consumers[i]!.loadKw as number[];
      if (x.length !== y.length) return;
      const days: number[] = [];
      for (let d = 0; d < 30; d++) {
        let a = 0;
        let b = 0;
        for (let s = 0; s < 96; s++) (a += x[d * 96 + s]!), (b += y[d * 96 + s]!);
        days.push(a / b);
      }
      if (days.every(Number.isFinite)) (factors.get(c.group) ?? factors.set(c.group, []).get(c.group)!).push(days);
    });
    const areas = [...factors.values()].filter((h) => h.length >= 5);
    expect(areas.length).toBeGreaterThan(30);
    let spreadWithin = 0;
    let comparedWithin = 0;
    for (const households of areas) {
      // most households agree with the area's median on every day (those away for a holiday differ on its days)
      const median = households[0]!.map((_, d) => households.map((h) => h[d]!).sort((u, v) => u - v)[households.length >> 1]!);
      for (const h of households) comparedWithin++, (spreadWithin += h.every((v, d) => Math.abs(v - median[d]!) < 1e-5) ? 0 : 1);
    }
    expect(spreadWithin / comparedWithin).toBeLessThan(0.1);
    // areas differ: day 0's factor varies from area to area (σ ≈ 2 % × season 0.7 × 2.5 °C)
    const day0 = areas.map((h) => h[0]![0]!);
    const mean = day0.reduce((a, v) => a + v, 0) / day0.length;
    const sd = Math.sqrt(day0.reduce((a, v) => a + (v - mean) ** 2, 0) / day0.length);
    expect(sd).toBeGreaterThan(0.02);
    expect(sd).toBeLessThan(0.06);
    expect(Math.abs(mean - 1)).toBeLessThan(0.015);
  });

  const years = shapeLibrary(96, 'auto').householdYears;
  it.skipIf(years.length === 0)('neighbours share their weeks: the real households of an area read the same days of 2013', () => {
    const options: PopulationOptions = { ...base, consumers: 1500, shapes: 'auto' };
    /** The year day each real household's window starts on, by area (−1: not a real household). */
    const starts = (g: Generated) => {
      const layout = new AreaLayout(SEED);
      const byArea = new Map<number, Set<number>>();
      g.consumers.forEach((c, i) => {
        if (KINDS[g.labels[i]!]!.name !== 'household_evening') return;
        const x = c.loadKw as number[];
        const day = (): number => {
          for (const year of years)
            for (let j = 0; j < 364; j++) {
              const ratio = x[0]! / year[(j + 1) * 96]!;
              let s = 1;
              // three whole days proportional to the year's: the same household on the same days
              while (s < 3 * 96 && Math.abs(x[s]! - ratio * year[(j + 1) * 96 + s]!) <= 1e-5 * (1 + x[s]!)) s++;
              if (s === 3 * 96 && ratio > 0) return j;
            }
          return -1;
        };
        const j = x[0]! > 0 && x.slice(0, 3 * 96).every((v) => v >= 0) ? day() : -1;
        if (j < 0) return;
        const area = layout.locate(i).area;
        (byArea.get(area) ?? byArea.set(area, new Set()).get(area)!).add(j);
      });
      return [...byArea.values()].filter((s) => s.size > 0);
    };
    const shared = starts(generate(options));
    expect(shared.length).toBeGreaterThan(10);
    expect(shared.every((s) => s.size === 1)).toBe(true);
    // without cohorts, each household its own week
    const own = starts(generate({ ...options, cohorts: false }));
    expect(own.filter((s) => s.size > 1).length / own.length).toBeGreaterThan(0.8);
  });

  it('reaches the engine as one cohort space per batch: peer_count counts the same group and category, GRAY ones left out', async () => {
    const engine = await FeatureEngine.load();
    const header = parseBatchHeader(96, '2026-03-02');
    const file = join(packageRoot, 'rules', 'default.yaml');
    const ruleSet = compileRuleSet(readFileSync(file, 'utf8'), { file }).ruleSet!;
    const b = all.batches[1]!;
    const scored = engine.scoreWire(header, b, ruleSet, { allFeatures: true });
    const count = scored.matrix.column('peer_count');
    const mean = scored.matrix.column('mean_kw');
    const consumers = gridcode.v1.ScoreBatchRequest.decode(b.bytes).consumers;
    // A GRAY consumer (coded so by the rule set) or one without a mean is nobody's peer.
    const peer = (j: number) => scored.codes[j] !== Code.gray && Number.isFinite(mean[j]!);
    let grouped = 0;
    consumers.forEach((c, k) => {
      if (!c.group) return expect(count[k], c.id!).toBe(0);
      grouped++;
      const peers = consumers.filter((p, j) => j !== k && p.group === c.group && p.category === c.category && peer(j)).length;
      expect(count[k], c.id!).toBe(peers);
    });
    expect(grouped).toBeGreaterThan(300);
    const ratio = scored.matrix.column('peer_ratio');
    const residential = consumers.filter((c, k) => c.group && c.category === CATEGORY.residential && Number.isFinite(mean[k]!));
    expect(residential.filter((c) => Number.isFinite(ratio[consumers.indexOf(c)]!)).length / residential.length).toBeGreaterThan(0.9);
  });
});
