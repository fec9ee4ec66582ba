// Valid requests of the three methods, built with the generated protobufjs
// code, and the hostile *values* a well-formed request can carry: NaN and
// infinity floods, absurd points_per_day, dates that are not dates, enums
// out of range, empty batches and a million tiny consumers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gridcode } from '#gen/scoring.js';
import { packageRoot } from '../../../engine/src/package-root.js';
import { concat, lengthDelimited } from './protobuf.js';
import type { Random } from './random.js';

export const GOOD_POINTS_PER_DAY = [0, 24, 48, 96, 288] as const;
export const ABSURD_POINTS_PER_DAY = [1, 7, 97, 2 ** 32 - 1, 2 ** 31, 23, 25] as const;
export const GOOD_DATES = ['2026-03-02', '2024-02-29', '1999-12-31'] as const;
export const ABSURD_DATES = ['2026-02-30', '0000-01-01', '99999-01-01', '', '2026-1-1', '２０２６-０３-０２', '2026-03-02\u0000', '2026-13-01', '2025-02-29', ' 2026-03-02', '2026-03-02T00:00:00Z', '\u{1F50C}'.repeat(50), 'x'.repeat(10_000)] as const;
/** Readings that are no measurement: every float32 edge. 1e-45 is the smallest subnormal. */
export const HOSTILE_FLOATS = [NaN, Infinity, -Infinity, -0, 1e-45, -1e-45, 3.4028234663852886e38, -3.4028234663852886e38, -1, 1e30] as const;
export const RULE_SET_REFS = ['', 'default', 'default@0', 'nope', 'default@', '@', '@@', 'x'.repeat(1000), '\u0000', '../../etc/passwd', 'default@../x'] as const;

export interface ConsumerShape {
  id: string;
  category: number;
  zone: number;
  capacityKw: number;
  loadKw: number[];
  waterM3: number[];
  group?: string;
  baselineKw?: number;
  watch?: { status: number; since: string };
}

export interface BatchShape {
  ruleSet: string;
  startDate: string;
  pointsPerDay: number;
  includeFeatures: boolean;
  flaggedOnly: boolean;
  includeEvidence: boolean;
  consumers: ConsumerShape[];
}

/** A batch, plausible unless `hostile`: then some values are absurd (each mostly valid, so that the scoring code runs too). */
export function randomBatch(random: Random, hostile: boolean, withConsumers = true): BatchShape {
  const pointsPerDay = hostile && random.chance(0.2) ? random.pick(ABSURD_POINTS_PER_DAY) : random.pick([0, 24, 24, 24, 48, 96]);
  const startDate = hostile && random.chance(0.2) ? random.pick(ABSURD_DATES) : random.pick(GOOD_DATES);
  const ruleSet = hostile && random.chance(0.15) ? random.pick(RULE_SET_REFS) : random.pick(['', '', 'default']);
  const count = !withConsumers || (hostile && random.chance(0.1)) ? 0 : random.range(1, 4);
  const perDay = pointsPerDay === 0 ? 96 : Math.min(pointsPerDay, 288);
  const consumers = Array.from({ length: count }, (_, i) => randomConsumer(random, i, perDay, hostile));
  return { ruleSet, startDate, pointsPerDay, includeFeatures: random.chance(0.3), flaggedOnly: random.chance(0.2), includeEvidence: random.chance(0.3), consumers };
}

function randomConsumer(random: Random, index: number, perDay: number, hostile: boolean): ConsumerShape {
  // 1 to 14 days (at most ~2000 readings): quick to score, long enough to reach the rules; short ones are GRAY.
  const days = random.range(1, Math.min(14, Math.floor(2000 / perDay)));
  const base = random.next() * 5;
  const loadKw = Array.from({ length: days * perDay }, (_, t) => base + Math.sin((t / perDay) * 2 * Math.PI) + random.next());
  const waterM3 = random.chance(0.3) ? Array.from({ length: days }, () => random.next() * 2) : [];
  const consumer: ConsumerShape = { id: `c${index}`, category: random.range(1, 5), zone: random.range(1, 5), capacityKw: 5 + random.int(50), loadKw, waterM3 };
  if (random.chance(0.3)) followUp(random, consumer, hostile);
  if (!hostile) return consumer;
  if (random.chance(0.3)) floodFloats(random, consumer.loadKw);
  if (random.chance(0.1)) floodFloats(random, consumer.waterM3.length ? consumer.waterM3 : (consumer.waterM3 = [0, 0, 0]));
  if (random.chance(0.1)) consumer.capacityKw = random.pick(HOSTILE_FLOATS);
  if (random.chance(0.1)) consumer.category = random.pick([-1, 0, 6, 2 ** 31 - 1, -(2 ** 31)]);
  if (random.chance(0.1)) consumer.zone = random.pick([-1, 0, 6, 2 ** 31 - 1, -(2 ** 31)]);
  if (random.chance(0.1)) consumer.id = random.pick(['', 'x'.repeat(5000), '\u0000\uffff', '\u{1F50C}', 'c0']);
  if (random.chance(0.05)) consumer.loadKw = [];
  return consumer;
}

/** The follow-up fields (group, baseline_kw, watch): plausible, or absurd when `hostile`. */
function followUp(random: Random, consumer: ConsumerShape, hostile: boolean): void {
  consumer.group = hostile && random.chance(0.3) ? random.pick(['', 'x'.repeat(5000), '\u0000', '\u{1F50C}']) : `area-${random.int(3)}`;
  consumer.baselineKw = hostile && random.chance(0.3) ? random.pick(HOSTILE_FLOATS) : random.next() * 5;
  const status = hostile && random.chance(0.3) ? random.pick([-1, 5, 255, 256, 2 ** 31 - 1, -(2 ** 31)]) : random.int(5);
  const since = hostile && random.chance(0.5) ? random.pick(['2026-02-30', '0000-01-01', '9999-12-31', '2026-3-1', 'x'.repeat(300), '\u0000']) : random.pick(['', '2026-01-15', '2026-03-04', '2027-01-01']);
  consumer.watch = { status, since };
}

/** Some or all readings replaced by float edges. */
function floodFloats(random: Random, values: number[]): void {
  const share = random.pick([1, 0.5, 0.05]);
  const value = random.chance(0.5) ? random.pick(HOSTILE_FLOATS) : undefined;
  for (let i = 0; i < values.length; i++) if (random.next() < share) values[i] = value ?? random.pick(HOSTILE_FLOATS);
}

export function consumerBytes(consumer: ConsumerShape): Uint8Array {
  return gridcode.v1.Consumer.encode(consumer).finish();
}

export function batchProto(batch: BatchShape): Uint8Array {
  return gridcode.v1.ScoreBatchRequest.encode(batch).finish();
}

/** proto3 JSON of a batch (non-finite floats as their JSON strings, enums as numbers or names). */
export function batchJson(batch: BatchShape, random: Random): Record<string, unknown> {
  const float = (v: number): number | string => (Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v);
  const category = (v: number): number | string => (random.chance(0.5) && gridcode.v1.Category[v] !== undefined ? gridcode.v1.Category[v]! : v);
  const zone = (v: number): number | string => (random.chance(0.5) && gridcode.v1.Zone[v] !== undefined ? gridcode.v1.Zone[v]! : v);
  return {
    ruleSet: batch.ruleSet,
    startDate: batch.startDate,
    pointsPerDay: batch.pointsPerDay,
    includeFeatures: batch.includeFeatures,
    flaggedOnly: batch.flaggedOnly,
    includeEvidence: batch.includeEvidence,
    consumers: batch.consumers.map((c) => ({
      id: c.id,
      category: category(c.category),
      zone: zone(c.zone),
      capacityKw: float(c.capacityKw),
      loadKw: c.loadKw.map(float),
      waterM3: c.waterM3.map(float),
      ...(c.group === undefined ? {} : { group: c.group }),
      ...(c.baselineKw === undefined ? {} : { baselineKw: float(c.baselineKw) }),
      ...(c.watch ? { watch: { status: random.chance(0.5) && gridcode.v1.WatchStatus[c.watch.status] !== undefined ? gridcode.v1.WatchStatus[c.watch.status]! : c.watch.status, since: c.watch.since } } : {}),
    })),
  };
}

/** `count` consumers of two bytes each (an empty Consumer message), after a valid header. */
export function tinyConsumers(count: number, startDate = '2026-03-02'): Uint8Array {
  const header = gridcode.v1.ScoreBatchRequest.encode({ startDate, pointsPerDay: 24 }).finish();
  const out = new Uint8Array(header.length + 2 * count);
  out.set(header);
  for (let i = 0; i < count; i++) out[header.length + 2 * i] = 0x22; // field 4, length-delimited; the length byte stays 0
  return out;
}

let defaultSource: string | undefined;

/** The shipped default rule set (read, never changed). */
export function defaultRuleSetSource(): string {
  defaultSource ??= readFileSync(join(packageRoot, 'rules', 'default.yaml'), 'utf8');
  return defaultSource;
}

/** Drafts for ValidateRuleSet: the default, small valid ones, and ones with mistakes. */
export function randomDraft(random: Random): string {
  // The default rule set takes milliseconds to compile: small drafts most of the time.
  if (random.chance(0.01)) return defaultRuleSetSource();
  if (random.chance(0.02)) return defaultRuleSetSource().slice(0, random.int(defaultRuleSetSource().length));
  return random.pick([
    () => 'id: tiny\nversion: "1"\nthresholds: { yellow: 40, red: 70 }\nrules:\n  - id: night\n    when: night_share > 0.4 and mean_kw > 1\n    score: 30\n',
    () => 'id: tiny\nversion: "1"\nthresholds: { yellow: 40, red: 70 }\nrules:\n  - id: night\n    when: night_share >> 0.4\n    score: 30\n',
    () => 'id: Bad Id\nversion: "@"\nrules: 3\n',
    () => 'id: tiny\nversion: "2"\nthresholds: { yellow: 40, red: 70 }\nrules:\n  - id: a\n    when: (((((x\n    score: 1\n  - id: a\n    when: 1 +\n',
    () => '',
  ])();
}

export function validateProto(source: string): Uint8Array {
  return gridcode.v1.ValidateRuleSetRequest.encode({ source }).finish();
}

/** A ScoreBatchRequest with one consumer given as raw bytes (for mutations inside a Consumer). */
export function batchWithRawConsumer(header: BatchShape, consumer: Uint8Array): Uint8Array {
  return concat(batchProto({ ...header, consumers: [] }), lengthDelimited(4, consumer));
}
