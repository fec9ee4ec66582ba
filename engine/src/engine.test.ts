// The engine host: computeWire (protobuf bytes copied into WASM memory) against
// computeConsumers (JS values), bit for bit; unusable consumers; the chunked
// copy; the memory cap; feature groups; no residue between batches; and a
// fuzz of malformed bytes through the whole wire path.
import fc from 'fast-check';
import protobuf from 'protobufjs/minimal.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { gridcode } from '#gen/scoring.js';
import { BASE_FEATURES, FeatureGroup, featureNames } from './catalogue.js';
import { FeatureEngine, type ComputeOptions, type ConsumerInput } from './engine.js';
import { BatchError } from './errors.js';
import { parseBatchHeader, type BatchHeader } from './header.js';
import type { FeatureMatrix } from './matrix.js';
import { TemplateSet, TEMPLATE_POINTS } from './templates.js';
import type { EngineExports } from './wasm.js';
import { consumerIds } from './wire/consumers.js';
import { scanRequest } from './wire/request.js';
import { random } from '../../tests/support/curves.js';
import { batchError } from '../../tests/support/wire.js';

const { ScoreBatchRequest } = gridcode.v1;

// ---------------------------------------------------------------- data


interface Consumer extends ConsumerInput {
  readonly id: string;
  readonly loadKw: Float32Array;
  readonly waterM3?: Float32Array;
}

/** A workshop-or-household-like curve: a daily shape, a weekly rhythm, noise, some missing and zero readings. */
function makeConsumer(seed: number, P: number, D: number, extra: Partial<Consumer> = {}): Consumer {
  const r = random(seed);
  const base = 0.2 + r() * 5;
  const startHour = 6 + Math.floor(r() * 6);
  const hours = 4 + Math.floor(r() * 12);
  const missing = r() < 0.5 ? r() * 0.05 : 0;
  const loadKw = new Float32Array(P * D);
  for (let t = 0; t < loadKw.length; t++) {
    const hour = ((t % P) * 24) / P;
    const day = Math.floor(t / P);
    const working = hour >= startHour && hour < startHour + hours && day % 7 < 5 + (seed % 3);
    let v = base * (0.3 + (working ? 2 + r() : r() * 0.4)) * (1 + 0.002 * day);
    if (r() < missing) v = NaN;
    else if (r() < 0.01) v = 0;
    loadKw[t] = v;
  }
  const consumer: Consumer = {
    id: `c-${seed}`,
    loadKw,
    capacityKw: r() < 0.7 ? Math.round(base * 6 * 10) / 10 : 0,
    category: Math.floor(r() * 6),
    zone: Math.floor(r() * 6),
    ...(r() < 0.5 ? { waterM3: Float32Array.from({ length: D }, () => r() * 3) } : {}),
    ...extra,
  };
  return consumer;
}

const ramp = Array.from({ length: TEMPLATE_POINTS }, (_, i) => i);
const officeHours = Array.from({ length: TEMPLATE_POINTS }, (_, i) => (i >= 32 && i < 72 ? 3 : 1));
const nightShift = Array.from({ length: TEMPLATE_POINTS }, (_, i) => (i < 24 || i >= 88 ? 4 : 0.5 + Math.sin(i / 7)));
const templates = TemplateSet.from({ office: officeHours, night: nightShift });
const threeTemplates = TemplateSet.from({ office: officeHours, night: nightShift, ramp });

// ---------------------------------------------------------------- encoding

type Style = 'packed' | 'unpacked' | 'split' | 'mixed';
const STYLES: readonly Style[] = ['packed', 'unpacked', 'split', 'mixed'];
const BYTES = 2;
const FIXED32 = 5;
const key = (field: number, type: number) => field * 8 + type;
const bytesOf = (floats: Float32Array): Uint8Array => new Uint8Array(floats.buffer, floats.byteOffset, floats.byteLength);

/** Writes repeated float `field` in one of the encodings a proto3 parser must accept; the floats go as raw bytes. */
function writeFloats(w: protobuf.Writer, field: number, floats: Float32Array, style: Style, cut: () => number): void {
  const raw = bytesOf(floats);
  const packed = (from: number, to: number) => w.uint32(key(field, BYTES)).bytes(raw.subarray(from * 4, to * 4));
  const unpacked = (from: number, to: number) => {
    for (let i = from; i < to; i++) w.uint32(key(field, FIXED32)).raw(raw.subarray(i * 4, i * 4 + 4));
  };
  const n = floats.length;
  if (n === 0) return;
  switch (style) {
    case 'packed':
      packed(0, n);
      return;
    case 'unpacked':
      unpacked(0, n);
      return;
    case 'split': {
      // several packed runs, an empty one among them
      let at = 0;
      while (at < n) {
        const to = Math.min(n, at + 1 + Math.floor(cut() * n));
        packed(at, to);
        if (cut() < 0.3) packed(to, to);
        at = to;
      }
      return;
    }
    case 'mixed': {
      let at = 0;
      let turn = 0;
      while (at < n) {
        const to = Math.min(n, at + 1 + Math.floor(cut() * Math.min(n, 40)));
        if (turn++ % 2 === 0) packed(at, to);
        else unpacked(at, to);
        at = to;
      }
      return;
    }
  }
}

interface WireOptions {
  readonly load?: Style;
  readonly water?: Style;
  /** Per consumer styles, overriding load/water. */
  readonly styleOf?: (i: number) => { load: Style; water: Style };
  /** Unknown fields between the consumer's fields. */
  readonly noise?: boolean;
  readonly seed?: number;
}

/** Writes an int32 enum as protobuf does: negative values as 10-byte varints. */
function writeEnum(w: protobuf.Writer, field: number, value: number | undefined): void {
  if (value === undefined || value === 0) return;
  w.uint32(key(field, 0));
  if (value < 0) w.int64(value);
  else w.uint64(value);
}

/** A whole ScoreBatchRequest, consumers written field by field in the chosen encodings. */
function encodeRequest(header: { startDate: string; pointsPerDay: number }, consumers: readonly Consumer[], options: WireOptions = {}): Uint8Array {
  const cut = random(options.seed ?? 7);
  const w = protobuf.Writer.create();
  w.uint32(key(2, BYTES)).string(header.startDate);
  w.uint32(key(3, 0)).uint32(header.pointsPerDay);
  consumers.forEach((c, i) => {
    const style = options.styleOf?.(i) ?? { load: options.load ?? 'packed', water: options.water ?? 'packed' };
    const noise = () => {
      if (!options.noise) return;
      w.uint32(key(13, 0)).uint64(i);
      w.uint32(key(14, 1)).fixed64(i);
      w.uint32(key(15, BYTES)).bytes(Uint8Array.of(key(5, FIXED32), 0, 0, 0x80, 0x3f));
      w.uint32(key(16, FIXED32)).fixed32(i);
    };
    w.uint32(key(4, BYTES)).fork();
    noise();
    if (c.id) w.uint32(key(1, BYTES)).string(c.id);
    writeEnum(w, 2, c.category);
    noise();
    writeEnum(w, 3, c.zone);
    if (c.capacityKw !== undefined && !Object.is(c.capacityKw, 0)) w.uint32(key(4, FIXED32)).float(c.capacityKw);
    noise();
    writeFloats(w, 5, c.loadKw, style.load, cut);
    noise();
    if (c.waterM3) writeFloats(w, 6, c.waterM3, style.water, cut);
    noise();
    w.ldelim();
  });
  return w.finish();
}

// ---------------------------------------------------------------- results

interface Snapshot {
  readonly names: string[];
  readonly count: number;
  readonly values: Float64Array;
  readonly notes: [number, string][];
}

/** A copy of a matrix (its values view engine memory until the next batch). */
function snap(m: FeatureMatrix): Snapshot {
  return { names: [...m.names], count: m.consumerCount, values: m.values.slice(), notes: [...m.notes.entries()].sort((a, b) => a[0] - b[0]) };
}

function row(s: Snapshot, c: number): number[] {
  return s.names.map((_, f) => s.values[f * s.count + c]!);
}

/** Values equal as Object.is does (NaN = NaN, 0 ≠ −0); lists the first differences. */
function expectSameMatrix(actual: Snapshot, wanted: Snapshot, label = ''): void {
  expect(actual.names, label).toEqual(wanted.names);
  expect(actual.count, label).toBe(wanted.count);
  expect(actual.notes, label).toEqual(wanted.notes);
  const diffs: string[] = [];
  for (let f = 0; f < wanted.names.length; f++) {
    for (let c = 0; c < wanted.count; c++) {
      const a = actual.values[f * wanted.count + c]!;
      const b = wanted.values[f * wanted.count + c]!;
      if (!Object.is(a, b) && diffs.length < 12) diffs.push(`consumer ${c} ${wanted.names[f]}: ${a} vs ${b}`);
    }
  }
  expect(diffs, `${label}\n${diffs.join('\n')}`).toEqual([]);
}

function expectSameRow(actual: number[], wanted: number[], label: string): void {
  const diffs = wanted.flatMap((v, f) => (Object.is(actual[f], v) ? [] : [`${featureNames(['office', 'night'])[f] ?? f}: ${actual[f]} vs ${v}`]));
  expect(diffs, `${label}\n${diffs.join('\n')}`).toEqual([]);
}

/** Share of finite values: a comparison of two all-NaN matrices would prove nothing. */
function finiteShare(s: Snapshot): number {
  return s.values.filter(Number.isFinite).length / Math.max(1, s.values.length);
}


/** The engine's WASM exports, to look at what the host wrote into engine memory. */
const exportsOf = (engine: FeatureEngine): EngineExports => (engine as unknown as { wasm: EngineExports }).wasm;

let engine: FeatureEngine;
beforeAll(async () => {
  engine = await FeatureEngine.load();
});

const header24 = parseBatchHeader(24, '2024-03-04'); // a Monday

function viaWire(e: FeatureEngine, bytes: Uint8Array, options: ComputeOptions = { templates }): Snapshot {
  const scanned = scanRequest(bytes);
  const header = parseBatchHeader(scanned.pointsPerDay, scanned.startDate);
  return snap(e.computeWire(header, scanned.consumers, options));
}
function viaJs(e: FeatureEngine, header: BatchHeader, consumers: readonly ConsumerInput[], options: ComputeOptions = { templates }): Snapshot {
  return snap(e.computeConsumers(header, consumers, options));
}

// ---------------------------------------------------------------- tests

describe('computeWire equals computeConsumers bit for bit', () => {
  const days = [1, 2, 3, 7, 14, 15, 30, 2];
  const batch = days.map((D, i) => makeConsumer(100 + i, 24, D));

  it.each(STYLES.flatMap((load) => STYLES.map((water) => [load, water] as const)))('load_kw %s, water_m3 %s', (load, water) => {
    const bytes = encodeRequest({ startDate: header24.startDate, pointsPerDay: 24 }, batch, { load, water, seed: load.length * 31 + water.length });
    // protobufjs reads the very same floats from these bytes
    const decoded = ScoreBatchRequest.decode(bytes);
    expect(decoded.consumers.map((c) => c.loadKw?.length)).toEqual(batch.map((c) => c.loadKw.length));
    const wire = viaWire(engine, bytes);
    const js = viaJs(engine, header24, batch);
    expectSameMatrix(wire, js);
    expect(finiteShare(js)).toBeGreaterThan(0.6);
    expect(js.notes).toEqual([]);
  });

  it('with unknown fields of every wire type between every consumer field', () => {
    const bytes = encodeRequest({ startDate: header24.startDate, pointsPerDay: 24 }, batch, { styleOf: (i) => ({ load: STYLES[i % 4]!, water: STYLES[(i + 1) % 4]! }), noise: true });
    expectSameMatrix(viaWire(engine, bytes), viaJs(engine, header24, batch));
  });

  it('for random batches at every points-per-day, each consumer in its own encoding', () => {
    const P = fc.constantFrom(24, 48, 96, 288);
    fc.assert(
      fc.property(P, fc.array(fc.record({ seed: fc.nat(), days: fc.integer({ min: 1, max: 16 }), load: fc.constantFrom(...STYLES), water: fc.constantFrom(...STYLES) }), { minLength: 1, maxLength: 5 }), fc.boolean(), (points, specs, noise) => {
        const consumers = specs.map((s) => makeConsumer(s.seed, points, s.days));
        const header = parseBatchHeader(points, '2023-10-29');
        const bytes = encodeRequest({ startDate: header.startDate, pointsPerDay: points }, consumers, { styleOf: (i) => specs[i]!, noise, seed: specs.length });
        expectSameMatrix(viaWire(engine, bytes), viaJs(engine, header, consumers));
      }),
      { numRuns: 40 },
    );
  });

  it('capacity_kw as float32, unknown ones (0, negative, NaN, ∞) included', () => {
    const capacities = [8, 0.1, 0, -5, NaN, Infinity, 1e-40, 3.4e38];
    const consumers = capacities.map((capacityKw, i) => makeConsumer(200 + i, 24, 3, { capacityKw }));
    const wire = viaWire(engine, encodeRequest({ startDate: header24.startDate, pointsPerDay: 24 }, consumers));
    expectSameMatrix(wire, viaJs(engine, header24, consumers));
    const util = wire.names.indexOf('capacity_util');
    const values = capacities.map((_, c) => wire.values[util * wire.count + c]!);
    // known capacities give a ratio; 0, negative, NaN and ∞ give NaN
    expect(values.map(Number.isFinite)).toEqual([true, true, false, false, false, false, true, true]);
    expect(values[0]).toBe(consumers[0]!.loadKw.reduce((m, v) => (v > m ? v : m), 0) / 8);
  });

  it('category and zone, unknown values (99, 6, −1, −7 as 10-byte varints) written as unspecified into engine memory', () => {
    const raw = [1, 2, 3, 4, 5, 0, 99, 6, -1, -7, 2 ** 31 - 1];
    const consumers = raw.map((v, i) => makeConsumer(300 + i, 24, 2, { category: v, zone: raw[(i + 3) % raw.length]! }));
    const bytes = encodeRequest({ startDate: header24.startDate, pointsPerDay: 24 }, consumers);
    const known = (v: number) => (v >= 0 && v <= 5 ? v : 0);
    const wasm = exportsOf(engine);
    const views = () => ({
      category: Array.from(new Uint8Array(wasm.memory.buffer, wasm.categories(), consumers.length)),
      zone: Array.from(new Uint8Array(wasm.memory.buffer, wasm.zones(), consumers.length)),
    });
    const wire = viaWire(engine, bytes);
    const wireViews = views();
    expect(wireViews).toEqual({ category: raw.map(known), zone: consumers.map((c) => known(c.zone!)) });
    const js = viaJs(engine, header24, consumers);
    expect(views()).toEqual(wireViews);
    expectSameMatrix(wire, js);
  });

  it('NaN payloads, ±∞, −0 and subnormal readings reach engine memory bit for bit', () => {
    const loadKw = makeConsumer(400, 24, 2).loadKw;
    const bits = new Uint32Array(loadKw.buffer);
    const specials = [0x7fc00001, 0x7f800001, 0xffffffff, 0xffc00000, 0x7f800000, 0xff800000, 0x80000000, 0x00000001, 0x807fffff, 0x7f7fffff];
    specials.forEach((b, k) => (bits[3 * k + 1] = b));
    const consumers = [makeConsumer(401, 24, 1), { id: 'specials', loadKw, waterM3: Float32Array.of(NaN, -0) }];
    for (const style of STYLES) {
      const bytes = encodeRequest({ startDate: header24.startDate, pointsPerDay: 24 }, consumers, { load: style, water: style });
      const wire = viaWire(engine, bytes);
      const wasm = exportsOf(engine);
      const inMemory = (base: number, offset: number, n: number) => Array.from(new Uint32Array(wasm.memory.buffer, base + offset * 4, n));
      const offset = new Int32Array(wasm.memory.buffer, wasm.readingOffsets(), 2)[1]!;
      const waterOffset = new Int32Array(wasm.memory.buffer, wasm.waterOffsets(), 2)[1]!;
      expect(inMemory(wasm.readingsBase(), offset, loadKw.length), style).toEqual(Array.from(bits));
      expect(inMemory(wasm.waterBase(), waterOffset, 2), style).toEqual([0x7fc00000, 0x80000000]);
      expectSameMatrix(wire, viaJs(engine, header24, consumers), style);
      expect(inMemory(wasm.readingsBase(), offset, loadKw.length), 'computeConsumers too').toEqual(Array.from(bits));
    }
  });

  it('ids are echoed as sent (non-ASCII too) and do not change the features', () => {
    const ids = ['电表-0001', 'Zürich 7', '🔌', '', 'a\u0000b', 'e\u0301'];
    const consumers = ids.map((id, i) => makeConsumer(500 + i, 24, 2, { id }));
    const bytes = encodeRequest({ startDate: header24.startDate, pointsPerDay: 24 }, consumers, { noise: true });
    expect(consumerIds(scanRequest(bytes).consumers)).toEqual(ids);
    const renamed = encodeRequest({ startDate: header24.startDate, pointsPerDay: 24 }, consumers.map((c, i) => ({ ...c, id: `x${i}` })), { noise: true });
    expectSameMatrix(viaWire(engine, bytes), viaWire(engine, renamed));
  });

  it('reads a request that sits at an odd offset inside a larger buffer (a pooled Buffer)', () => {
    const bytes = encodeRequest({ startDate: header24.startDate, pointsPerDay: 24 }, batch, { load: 'mixed', water: 'unpacked', noise: true });
    const pool = new Uint8Array(bytes.length + 21).fill(0xee);
    pool.set(bytes, 13);
    const inside = pool.subarray(13, 13 + bytes.length);
    expect(inside.byteOffset % 4).not.toBe(0);
    const scanned = scanRequest(inside);
    expect(scanned.startDate).toBe(header24.startDate);
    expect(consumerIds(scanned.consumers)).toEqual(batch.map((c) => c.id));
    expectSameMatrix(snap(engine.computeWire(header24, scanned.consumers, { templates })), viaJs(engine, header24, batch));
    expectSameMatrix(viaWire(engine, Buffer.from(bytes)), viaJs(engine, header24, batch), 'a Node Buffer');
  });

  it('an empty request gives an empty matrix with the full catalogue', () => {
    const empty = scanRequest(new Uint8Array(0));
    const m = snap(engine.computeWire(header24, empty.consumers, { templates }));
    expect(m.count).toBe(0);
    expect(m.names).toEqual(featureNames(['office', 'night']));
    // and the engine still computes afterwards
    const one = [makeConsumer(600, 24, 3)];
    expectSameMatrix(viaWire(engine, encodeRequest({ startDate: header24.startDate, pointsPerDay: 24 }, one)), viaJs(engine, header24, one));
  });

  it('throws BatchError invalid_argument for a malformed consumer and is unharmed afterwards', () => {
    const good = [makeConsumer(700, 24, 2), makeConsumer(701, 24, 3)];
    const before = viaJs(engine, header24, good);
    for (const body of [[key(5, 0), 1], [key(5, BYTES), 3, 0, 0, 0], [key(1, FIXED32), 0, 0, 0, 0], [key(9, 3)], [0x00]]) {
      const bytes = Uint8Array.from([...encodeRequest({ startDate: header24.startDate, pointsPerDay: 24 }, good), key(4, BYTES), body.length, ...body]);
      const error = batchError(() => viaWire(engine, bytes));
      expect(error.code).toBe('invalid_argument');
      expect(error.consumer).toBe(2);
      expect(error.message).toMatch(/^malformed protobuf in consumers\[2\] at byte \d+: /);
    }
    expectSameMatrix(viaWire(engine, encodeRequest({ startDate: header24.startDate, pointsPerDay: 24 }, good)), before);
  });
});

describe('unusable consumers in a wire batch', () => {
  const P = 24;
  const ones = (n: number) => new Float32Array(n).fill(1.5);
  const cases: { label: string; consumer: Consumer; note: RegExp; style?: Style }[] = [
    { label: 'no readings', consumer: { id: 'none', loadKw: new Float32Array(0), waterM3: Float32Array.of(1) }, note: /^no readings$/ },
    { label: 'not a whole number of days (packed runs)', consumer: { id: 'partial', loadKw: ones(2 * P + 5) }, note: /^53 readings is not a whole number of days at 24 points per day$/, style: 'split' },
    { label: 'not a whole number of days (unpacked)', consumer: { id: 'short', loadKw: ones(P - 1) }, note: /^23 readings is not a whole number of days/, style: 'unpacked' },
    { label: 'more than 400 days', consumer: { id: 'long', loadKw: ones(401 * P) }, note: /^401 days of readings; the limit is 400$/ },
    { label: 'water for the wrong number of days', consumer: { id: 'water', loadKw: ones(2 * P), waterM3: Float32Array.of(1, 2, 3) }, note: /^water_m3 has 3 values for 2 days/, style: 'mixed' },
  ];

  it.each(cases)('$label: a note, every feature NaN, neighbours as computed alone', ({ consumer, note, style }) => {
    const left = makeConsumer(800, P, 14);
    const right = makeConsumer(801, P, 3, { waterM3: Float32Array.of(1, 2, 3) });
    const consumers = [left, consumer, right];
    const bytes = encodeRequest({ startDate: header24.startDate, pointsPerDay: P }, consumers, { load: style ?? 'packed', water: style ?? 'packed' });
    const wire = viaWire(engine, bytes);
    expect(wire.notes.map(([i]) => i)).toEqual([1]);
    expect(wire.notes[0]![1]).toMatch(note);
    expect(row(wire, 1).every(Number.isNaN)).toBe(true);
    expectSameMatrix(wire, viaJs(engine, header24, consumers));
    expectSameRow(row(wire, 0), row(viaJs(engine, header24, [left]), 0), 'left neighbour');
    expectSameRow(row(wire, 2), row(viaJs(engine, header24, [right]), 0), 'right neighbour');
    expect(row(wire, 0).filter(Number.isFinite).length).toBeGreaterThan(15);
  });

  it('an empty packed run is no readings; 400 days is still usable', () => {
    const w = protobuf.Writer.create();
    w.uint32(key(2, BYTES)).string(header24.startDate).uint32(key(3, 0)).uint32(P);
    w.uint32(key(4, BYTES)).fork().uint32(key(1, BYTES)).string('empty-run').uint32(key(5, BYTES)).bytes(new Uint8Array(0)).ldelim();
    const longest = makeConsumer(900, P, 400);
    // Two requests one after the other are one request (repeated fields append), as protobuf merges them.
    const bytes = Uint8Array.from([...w.finish(), ...encodeRequest({ startDate: header24.startDate, pointsPerDay: P }, [longest])]);
    const wire = viaWire(engine, bytes);
    expect(wire.count).toBe(2);
    expect(wire.notes).toEqual([[0, 'no readings']]);
    expect(wire.values[wire.names.indexOf('days') * 2 + 1]).toBe(400);
    expectSameRow(row(wire, 1), row(viaJs(engine, header24, [longest]), 0), '400 days');
  });

  it('many unusable consumers among usable ones, across copy chunks', () => {
    const consumers = Array.from({ length: 150 }, (_, i) => (i % 7 === 3 ? cases[i % cases.length]!.consumer : makeConsumer(1000 + i, P, 1 + (i % 9))));
    const bytes = encodeRequest({ startDate: header24.startDate, pointsPerDay: P }, consumers, { styleOf: (i) => ({ load: STYLES[i % 4]!, water: STYLES[(i >> 2) % 4]! }) });
    const wire = viaWire(engine, bytes);
    expect(wire.notes.map(([i]) => i)).toEqual(consumers.flatMap((_, i) => (i % 7 === 3 ? [i] : [])));
    expectSameMatrix(wire, viaJs(engine, header24, consumers));
  });
});

describe('batches larger than the copy chunk (64 consumers) and of odd sizes', () => {
  const P = 24;
  const pool: Consumer[] = [];
  const alone: number[][] = [];
  const aloneNotes: (string | undefined)[] = [];

  beforeAll(() => {
    for (let i = 0; i < 1100; i++) {
      const c =
        i % 53 === 17
          ? { id: `bad-${i}`, loadKw: new Float32Array(P + (i % 5) + 1) } // not whole days
          : makeConsumer(5000 + i, P, 1 + (i % 15));
      pool.push(c);
      const one = viaJs(engine, header24, [c]);
      alone.push(row(one, 0));
      aloneNotes.push(one.notes[0]?.[1]);
    }
  });

  it.each([1, 63, 64, 65, 127, 128, 130, 1000])('%i consumers give each the values it gets alone (JS and wire paths)', (size) => {
    const from = (size * 13) % 100;
    const consumers = pool.slice(from, from + size);
    const js = viaJs(engine, header24, consumers);
    const wire = viaWire(engine, encodeRequest({ startDate: header24.startDate, pointsPerDay: P }, consumers, { styleOf: (i) => ({ load: STYLES[i % 4]!, water: STYLES[i % 3]! }) }));
    expectSameMatrix(wire, js, `size ${size}`);
    expect(js.count).toBe(size);
    const diffs: string[] = [];
    for (let c = 0; c < size; c++) {
      const wanted = alone[from + c]!;
      const got = row(js, c);
      const f = wanted.findIndex((v, k) => !Object.is(v, got[k]));
      if (f >= 0 && diffs.length < 10) diffs.push(`consumer ${c} (pool ${from + c}) ${js.names[f]}: ${got[f]} vs alone ${wanted[f]}`);
      const note = js.notes.find(([i]) => i === c)?.[1];
      if (note !== aloneNotes[from + c]) diffs.push(`consumer ${c} note ${note} vs alone ${aloneNotes[from + c]}`);
    }
    expect(diffs, diffs.join('\n')).toEqual([]);
    expect(finiteShare(js)).toBeGreaterThan(0.5);
  });
});

describe('the memory cap', () => {
  const MiB = 2 ** 20;

  it('a batch over maxMemoryBytes is invalid_argument (a size limit, not a busy server), naming needed and cap; a small batch then computes right', async () => {
    const capped = await FeatureEngine.load({ maxMemoryBytes: 2 * MiB });
    const P = 96;
    const big = Array.from({ length: 200 }, (_, i) => makeConsumer(7000 + i, P, 30));
    const header = parseBatchHeader(P, '2024-01-01');
    const readings = 200 * 30 * P;
    for (const run of [
      () => capped.computeConsumers(header, big, { templates }),
      () => capped.computeWire(header, scanRequest(encodeRequest({ startDate: '2024-01-01', pointsPerDay: P }, big)).consumers, { templates }),
    ]) {
      const error = batchError(run);
      expect(error.code).toBe('invalid_argument');
      const m = /batch of 200 consumers and (\d+) readings needs (\d+) MiB of engine memory; the cap is (\d+) MiB/.exec(error.message);
      expect(m, error.message).not.toBeNull();
      expect(Number(m![1])).toBe(readings);
      expect(Number(m![2])).toBeGreaterThanOrEqual(Math.floor((readings * 4) / MiB));
      expect(Number(m![2])).toBeLessThanOrEqual(Math.ceil((readings * 4) / MiB) + 2);
      expect(Number(m![3])).toBe(2);
    }
    const small = Array.from({ length: 5 }, (_, i) => makeConsumer(7500 + i, 24, 7));
    const fresh = await FeatureEngine.load();
    const wanted = viaJs(fresh, header24, small);
    expectSameMatrix(viaJs(capped, header24, small), wanted);
    expectSameMatrix(viaWire(capped, encodeRequest({ startDate: header24.startDate, pointsPerDay: 24 }, small)), wanted);
    // a batch just under the cap still fits
    const medium = Array.from({ length: 30 }, (_, i) => makeConsumer(7600 + i, P, 30));
    expectSameMatrix(viaJs(capped, header, medium), viaJs(fresh, header, medium));
  });

  // Regression: the message rounds both sizes with toFixed(0), so a batch that needs a
  // little more than the cap reads "needs 2 MiB of engine memory; the cap is 2 MiB".
  // Remove `.fails` when the needed size is rounded up (or shown with decimals).
  it('a batch just over the cap says it needs more than the cap', async () => {
    const capped = await FeatureEngine.load({ maxMemoryBytes: 2 * MiB });
    const wasm = exportsOf(capped);
    const P = 96;
    let n = 1;
    while (wasm.batchBytes(n, n * P * 10, 0, 0, P) <= 2 * MiB) n++;
    const needed = wasm.batchBytes(n, n * P * 10, 0, 0, P);
    expect(needed).toBeLessThan(2.5 * MiB); // just over: a rounding to whole MiB shows 2
    const batch = Array.from({ length: n }, () => ({ loadKw: new Float32Array(P * 10).fill(1) }));
    const error = batchError(() => capped.computeConsumers(parseBatchHeader(P, '2024-01-01'), batch));
    expect(error.code).toBe('invalid_argument');
    const m = /needs (\d+(?:\.\d+)?) MiB of engine memory; the cap is (\d+(?:\.\d+)?) MiB/.exec(error.message);
    expect(m, error.message).not.toBeNull();
    expect(Number(m![1]), error.message).toBeGreaterThan(Number(m![2]));
  });

  it('counts only usable consumers\' readings, and the cap applies whatever memory earlier batches grew', async () => {
    const capped = await FeatureEngine.load({ maxMemoryBytes: 2 * MiB });
    // 400 days × 288 of ones, unusable (water for the wrong days): not copied, so it does not count
    const unusable: Consumer = { id: 'u', loadKw: new Float32Array(400 * 288).fill(1), waterM3: Float32Array.of(1) };
    const header = parseBatchHeader(288, '2024-01-01');
    const ok = viaJs(capped, header, [unusable, unusable, makeConsumer(1, 288, 2)]);
    expect(ok.notes.map(([i]) => i)).toEqual([0, 1]);
    const usable = [makeConsumer(2, 288, 400), makeConsumer(3, 288, 400)]; // 450 KiB of readings each
    const many = Array.from({ length: 6 }, (_, i) => usable[i % 2]!); // 2.6 MiB
    expect(batchError(() => capped.computeConsumers(header, many)).code).toBe('invalid_argument');
  });
});

describe('feature groups', () => {
  const P = 24;
  const consumers = Array.from({ length: 6 }, (_, i) => makeConsumer(8000 + i, P, 21 + i));
  const bytes = encodeRequest({ startDate: header24.startDate, pointsPerDay: P }, consumers, { load: 'split' });
  const GROUP_FEATURES: Record<string, (name: string) => boolean> = {
    deviation: (n) => n === 'cv',
    acfDay: (n) => n === 'acf_day',
    acfWeek: (n) => n === 'acf_week',
    operating: (n) => n === 'operating_hours',
    ramp: (n) => n === 'ramp_rate',
    correlation: (n) => n.startsWith('corr_'),
    busy: (n) => n === 'busy_days' || n === 'busy_weekend_ratio' || n === 'night_busy_hours',
    peer: (n) => n.startsWith('peer_'),
  };
  /** Filled in by the peer pass over a cohort, not by computeWire: undefined here either way. */
  const COHORT_PASS = new Set(['peer_ratio', 'peer_corr']);
  const groupOf = (name: string) => Object.keys(GROUP_FEATURES).find((g) => GROUP_FEATURES[g]!(name));

  /** Every group feature must be defined in the full run, or a NaN check would prove nothing. */
  function full(): Snapshot {
    const all = viaWire(engine, bytes);
    for (const [f, name] of all.names.entries()) {
      if (groupOf(name) && !COHORT_PASS.has(name)) expect(all.values.subarray(f * all.count, (f + 1) * all.count).every(Number.isFinite), name).toBe(true);
    }
    return all;
  }

  function expectGroups(groups: number, label: string): void {
    const all = full();
    const some = viaWire(engine, bytes, { templates, groups });
    expectSameMatrix(viaJs(engine, header24, consumers, { templates, groups }), some, `${label}: JS path`);
    for (const [f, name] of all.names.entries()) {
      const g = groupOf(name);
      const on = g === undefined || (groups & FeatureGroup[g as keyof typeof FeatureGroup]) !== 0;
      for (let c = 0; c < all.count; c++) {
        const got = some.values[f * all.count + c]!;
        if (on) expect(Object.is(got, all.values[f * all.count + c]!), `${label}: ${name} of consumer ${c} = ${got}, all groups: ${all.values[f * all.count + c]}`).toBe(true);
        else expect(got, `${label}: ${name} of consumer ${c} left out`).toBeNaN();
      }
    }
  }

  it.each(Object.keys(GROUP_FEATURES))('leaving out %s makes only its features NaN', (g) => {
    expectGroups(FeatureGroup.all & ~FeatureGroup[g as keyof typeof FeatureGroup], `all but ${g}`);
  });

  it.each(Object.keys(GROUP_FEATURES))('asking for %s alone computes it and the groupless features, as with all groups', (g) => {
    expectGroups(FeatureGroup[g as keyof typeof FeatureGroup], `only ${g}`);
  });

  it('groups 0 leaves every group feature NaN and the rest identical', () => {
    expectGroups(0, 'none');
    // the groupless catalogue really is most of it
    expect(BASE_FEATURES.filter((n) => !groupOf(n)).length).toBe(22);
  });
});

describe('no residue from the previous batch', () => {
  const fresh = () => FeatureEngine.load();

  it('B after a messier A (missing readings, unusable, water, more templates, other P, more consumers) equals B on a fresh engine', async () => {
    const e = await fresh();
    const P96 = parseBatchHeader(96, '2024-06-01');
    const a = Array.from({ length: 90 }, (_, i) => {
      const c = makeConsumer(9000 + i, 96, 1 + (i % 20));
      const loadKw = c.loadKw.map((v, t) => (t % 3 === 0 ? NaN : v * 50));
      return i % 11 === 0 ? { ...c, loadKw: new Float32Array(0) } : { ...c, loadKw, waterM3: new Float32Array(1 + (i % 20)).fill(9), capacityKw: 1 };
    });
    const b = Array.from({ length: 20 }, (_, i) => makeConsumer(9500 + i, 24, 1 + (i % 5), { waterM3: undefined, capacityKw: 0, category: 0, zone: 0 }));
    const bWire = encodeRequest({ startDate: header24.startDate, pointsPerDay: 24 }, b, { load: 'mixed' });
    const wantedJs = viaJs(await fresh(), header24, b, { templates: TemplateSet.from({ office: officeHours }) });
    const wantedWire = viaWire(await fresh(), bWire, { templates: TemplateSet.from({ office: officeHours }) });
    expectSameMatrix(wantedWire, wantedJs);

    viaJs(e, P96, a, { templates: threeTemplates });
    expectSameMatrix(viaJs(e, header24, b, { templates: TemplateSet.from({ office: officeHours }) }), wantedJs, 'JS after JS');
    viaWire(e, encodeRequest({ startDate: P96.startDate, pointsPerDay: 96 }, a, { load: 'unpacked' }), { templates: threeTemplates });
    expectSameMatrix(viaWire(e, bWire, { templates: TemplateSet.from({ office: officeHours }) }), wantedWire, 'wire after wire');
    // and water_per_kwh really comes out NaN where B has no water though A had some at the same place
    expect(wantedWire.values[wantedWire.names.indexOf('water_per_kwh') * 20 + 1]).toBeNaN();
  });

  it('B after A in the same layout (same sizes) but with data missing where A had it', async () => {
    const e = await fresh();
    const a = Array.from({ length: 70 }, (_, i) => makeConsumer(9700 + i, 24, 14, { waterM3: new Float32Array(14).fill(2), capacityKw: 10, category: 3 }));
    const b = a.map((c, i) => ({ ...c, id: `b${i}`, loadKw: c.loadKw.map((v, t) => (t % (2 + (i % 5)) === 0 ? NaN : v)), waterM3: undefined, capacityKw: i % 2 ? 0 : NaN, category: 0 }));
    const wanted = viaJs(await fresh(), header24, b);
    viaJs(e, header24, a);
    expectSameMatrix(viaWire(e, encodeRequest({ startDate: header24.startDate, pointsPerDay: 24 }, b)), wanted);
    viaJs(e, header24, a, { templates, groups: 0 });
    expectSameMatrix(viaJs(e, header24, b), wanted, 'after a groups-0 batch');
    // a consumer all NaN after a full one
    const allMissing = [{ id: 'gone', loadKw: new Float32Array(24 * 3).fill(NaN) }];
    viaJs(e, header24, [makeConsumer(1, 24, 3)]);
    expectSameMatrix(viaJs(e, header24, allMissing), viaJs(await fresh(), header24, allMissing), 'all missing');
  });

  it('B after a failed (over the memory cap) batch equals B on a fresh engine', async () => {
    const e = await FeatureEngine.load({ maxMemoryBytes: 2 * 2 ** 20 });
    const b = Array.from({ length: 4 }, (_, i) => makeConsumer(9900 + i, 24, 3));
    viaJs(e, header24, b.slice(0, 2).map((c) => ({ ...c, waterM3: new Float32Array(3).fill(5) })));
    expect(batchError(() => e.computeConsumers(header24, Array.from({ length: 80 }, () => makeConsumer(1, 24, 400)))).code).toBe('invalid_argument');
    expectSameMatrix(viaJs(e, header24, b), viaJs(await fresh(), header24, b));
  });
});

describe('malformed bytes never escape as anything but a BatchError', () => {
  const HEADER = parseBatchHeader(24, '2024-01-01');
  const seedConsumers = Array.from({ length: 4 }, (_, i) => makeConsumer(12000 + i, 24, 1 + (i % 3)));

  /** A valid request of 0–4 consumers in random encodings. */
  const validRequest = fc
    .record({
      count: fc.integer({ min: 0, max: 4 }),
      styles: fc.array(fc.constantFrom(...STYLES), { minLength: 8, maxLength: 8 }),
      noise: fc.boolean(),
      seed: fc.nat(1000),
    })
    .map(({ count, styles, noise, seed }) =>
      encodeRequest({ startDate: HEADER.startDate, pointsPerDay: 24 }, seedConsumers.slice(0, count), { styleOf: (i) => ({ load: styles[2 * i]!, water: styles[2 * i + 1]! }), noise, seed }),
    );

  type Mutation = { kind: 'flip'; at: number; bit: number } | { kind: 'cut'; at: number } | { kind: 'insert'; at: number; bytes: number[] } | { kind: 'delete'; at: number; n: number } | { kind: 'set'; at: number; value: number };
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 12 }) }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 6 }) }),
    fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.constantFrom(0x00, 0x80, 0xff, 0x7f, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x22, 0x2d, 0x2e) }),
  );

  function mutate(bytes: Uint8Array, mutations: Mutation[]): Uint8Array {
    let out = Array.from(bytes);
    for (const m of mutations) {
      const at = out.length === 0 ? 0 : m.at % (out.length + 1);
      if (m.kind === 'flip' && at < out.length) out[at] = out[at]! ^ (1 << m.bit);
      else if (m.kind === 'cut') out = out.slice(0, at);
      else if (m.kind === 'insert') out.splice(at, 0, ...m.bytes);
      else if (m.kind === 'delete') out.splice(at, m.n);
      else if (m.kind === 'set' && at < out.length) out[at] = m.value;
    }
    return Uint8Array.from(out);
  }

  const anyBytes = fc.oneof(
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }) },
    { weight: 4, arbitrary: fc.tuple(validRequest, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([bytes, ms]) => mutate(bytes, ms)) },
  );

  let outcomes = { results: 0, invalid: 0, exhausted: 0 };

  /** Scans and computes; any throw other than an expected BatchError fails the property. */
  function attempt(bytes: Uint8Array): void {
    try {
      const scanned = scanRequest(bytes);
      try {
        parseBatchHeader(scanned.pointsPerDay, scanned.startDate);
      } catch (error) {
        if (!(error instanceof BatchError) || error.code !== 'invalid_argument') throw error;
      }
      const m = engine.computeWire(HEADER, scanned.consumers, { templates });
      const count = scanned.consumers.spans.length / 2;
      expect(m.consumerCount).toBe(count);
      expect(m.values.length).toBe(m.names.length * count);
      const ids = consumerIds(scanned.consumers);
      expect(ids).toHaveLength(count);
      // What the scanner accepts, protobufjs reads the same way: consumers, ids and reading counts.
      const decoded = ScoreBatchRequest.decode(bytes);
      expect(decoded.consumers.map((c) => c.id)).toEqual(ids);
      const days = m.column('days');
      decoded.consumers.forEach((c, i) => {
        const usable = !m.notes.has(i);
        expect(usable ? days[i]! * 24 : (c.loadKw ?? []).length, `consumer ${i}`).toBe((c.loadKw ?? []).length);
      });
      outcomes.results++;
    } catch (error) {
      if (!(error instanceof BatchError)) throw error;
      expect(error.code, error.message).toBe('invalid_argument');
      if (error.code === 'invalid_argument') expect(error.message).toMatch(/(malformed protobuf in (request|consumers\[\d+\]) at byte \d+: .+)|start_date|points_per_day/);
      if (error.code === 'invalid_argument') outcomes.invalid++;
      else outcomes.exhausted++;
    }
  }

  it('random bytes and bit-flipped, cut, spliced valid requests: a result or a BatchError, never a hang', () => {
    outcomes = { results: 0, invalid: 0, exhausted: 0 };
    fc.assert(fc.property(anyBytes, (bytes) => attempt(bytes)), { numRuns: 2000, seed: 20240607 });
    // both outcomes happen, so the property exercised both paths
    expect(outcomes.results).toBeGreaterThan(200);
    expect(outcomes.invalid).toBeGreaterThan(200);
  });

  it('the same with a fresh random seed each run', () => {
    fc.assert(fc.property(anyBytes, (bytes) => attempt(bytes)), { numRuns: 300 });
  });

  it('the engine computes correctly after the fuzz', () => {
    const consumers = Array.from({ length: 3 }, (_, i) => makeConsumer(13000 + i, 24, 5));
    const bytes = encodeRequest({ startDate: HEADER.startDate, pointsPerDay: 24 }, consumers, { load: 'mixed' });
    expectSameMatrix(viaWire(engine, bytes), viaJs(engine, HEADER, consumers));
  });
});
