// Batches for the end-to-end tests: the benchmark's synthetic population
// (bench/population: households, shops, offices, factories, hidden workshops,
// vacant flats, patchy and offline meters, deterministic per seed), given the
// category and zone an upstream platform would send, plus hand-made consumers
// whose outcome is known. Readings are rounded to watts, as meters report them,
// so that the JSON text and the protobuf carry the same float32 values.
import { generateBatch } from '../../bench/population/curves.js';
import { CONSUMER_KINDS, type ConsumerKind } from '../../bench/population/shapes.js';

export const CATEGORY = ['CATEGORY_UNSPECIFIED', 'CATEGORY_RESIDENTIAL', 'CATEGORY_COMMERCIAL', 'CATEGORY_INDUSTRIAL', 'CATEGORY_AGRICULTURAL', 'CATEGORY_OTHER'] as const;
export const ZONE = ['ZONE_UNSPECIFIED', 'ZONE_RESIDENTIAL_AREA', 'ZONE_INDUSTRIAL_PARK', 'ZONE_COMMERCIAL_AREA', 'ZONE_RURAL', 'ZONE_OTHER'] as const;

/** One consumer as the request carries it (the fields of gridcode.v1.Consumer, enums as numbers). */
export interface ConsumerData {
  readonly id: string;
  readonly category: number;
  readonly zone: number;
  readonly capacityKw: number;
  readonly loadKw: readonly number[];
  readonly waterM3: readonly number[];
}

/** The fields of a ScoreBatchRequest besides its consumers. */
export interface BatchOptions {
  readonly ruleSet?: string;
  readonly startDate: string;
  readonly pointsPerDay?: number;
  readonly includeFeatures?: boolean;
  readonly flaggedOnly?: boolean;
  readonly includeEvidence?: boolean;
}

/** kW to the watt; missing readings (NaN, ±Infinity) and -0 stay as they are. */
function reading(v: number): number {
  return Number.isFinite(v) ? Math.round(v * 1000) / 1000 : v;
}

/** Which category and zone a kind of consumer is registered with (a few factories outside the parks). */
function registration(kind: ConsumerKind, index: number): { category: number; zone: number } {
  switch (kind) {
    case 'household':
    case 'hidden_workshop':
    case 'vacant':
    case 'patchy':
    case 'offline':
      return { category: 1, zone: index % 11 === 0 ? 4 : 1 };
    case 'shop':
      return { category: 2, zone: index % 5 === 0 ? 1 : 3 };
    case 'office':
      return { category: 2, zone: 3 };
    case 'factory':
      return { category: 3, zone: index % 4 === 0 ? 4 : 2 };
  }
}

/** `count` consumers of the synthetic population, from `first`, 96 readings a day. */
export function populationConsumers(first: number, count: number, options: { days: number; seed: number; startWeekday: number; prefix: string }): ConsumerData[] {
  const batch = generateBatch(first, count, { days: options.days, pointsPerDay: 96, startWeekday: options.startWeekday, seed: options.seed });
  const consumers: ConsumerData[] = [];
  for (let c = 0; c < count; c++) {
    const kind = CONSUMER_KINDS[batch.kind[c]!]!;
    const load = batch.loadKw.subarray(c * batch.readings, (c + 1) * batch.readings);
    const water = batch.hasWater[c] ? Array.from(batch.waterM3.subarray(c * options.days, (c + 1) * options.days), reading) : [];
    consumers.push({
      id: `${options.prefix}-${String(first + c).padStart(6, '0')}-${kind}`,
      ...registration(kind, first + c),
      capacityKw: reading(batch.capacityKw[c]!),
      loadKw: Array.from(load, reading),
      waterM3: water,
    });
  }
  return consumers;
}

/** A curve of `days` days from a daily shape of 96 kW values, weekends at `weekend` times the level. */
function curve(days: number, startWeekday: number, shape: (slot: number) => number, weekend = 1): number[] {
  const out: number[] = [];
  for (let d = 0; d < days; d++) {
    const factor = (startWeekday + d) % 7 >= 5 ? weekend : 1;
    for (let s = 0; s < 96; s++) out.push(reading(shape(s) * factor * (1 + 0.03 * Math.sin(d * 7 + s))));
  }
  return out;
}

const household = (s: number) => (s >= 72 && s < 90 ? 1.8 : s >= 28 && s < 36 ? 0.7 : 0.25);

/** Consumers whose outcome the default rule set decides for sure, by id. */
export function knownConsumers(days: number, startWeekday: number): ConsumerData[] {
  const base = { category: 1, zone: 1, capacityKw: 10, waterM3: [] as number[] };
  const withGaps = (every: number) => curve(days, startWeekday, household).map((v, i) => (i % every === 0 ? NaN : v));
  const heavyGaps = curve(days, startWeekday, household).map((v, i) => (Math.floor(i / 96) % 4 === 1 ? NaN : v)); // a day in four lost
  return [
    // A metal workshop in a flat: 15 kW from 08:00 to 18:00 on workdays.
    { ...base, id: 'known-workshop-in-housing', loadKw: curve(days, startWeekday, (s) => (s >= 32 && s < 72 ? 15 : 0.5), 0.1) },
    // 7 readings short of whole days: unusable.
    { ...base, id: 'known-unusable-partial-day', loadKw: curve(days, startWeekday, household).slice(0, days * 96 - 7) },
    { ...base, id: 'known-no-readings', loadKw: [] },
    // A quarter of the days missing: below min_valid_share.
    { ...base, id: 'known-missing-days', loadKw: heavyGaps },
    // A reading in 37 missing: still judged.
    { ...base, id: 'known-missing-readings', loadKw: withGaps(37) },
    // A licensed plant in an industrial park: exempt.
    { ...base, id: 'known-licensed-plant', category: 3, zone: 2, capacityKw: 400, loadKw: curve(days, startWeekday, (s) => (s >= 24 && s < 88 ? 300 : 40), 0.2) },
    { ...base, id: 'known-household', loadKw: curve(days, startWeekday, household) },
    { ...base, id: 'known-unspecified', category: 0, zone: 0, capacityKw: Number.NaN, loadKw: curve(days, startWeekday, household) },
  ];
}

/** The message init of a ScoreBatchRequest for protobuf-es `create`. */
export function requestInit(options: BatchOptions, consumers: readonly ConsumerData[]): Record<string, unknown> {
  return {
    ruleSet: options.ruleSet ?? '',
    startDate: options.startDate,
    pointsPerDay: options.pointsPerDay ?? 0,
    includeFeatures: options.includeFeatures ?? false,
    flaggedOnly: options.flaggedOnly ?? false,
    includeEvidence: options.includeEvidence ?? false,
    consumers: consumers.map((c) => ({ ...c, loadKw: [...c.loadKw], waterM3: [...c.waterM3] })),
  };
}

/** A float in canonical proto3 JSON. */
function jsonFloat(v: number): string {
  if (Number.isNaN(v)) return '"NaN"';
  if (v === Infinity) return '"Infinity"';
  if (v === -Infinity) return '"-Infinity"';
  return Object.is(v, -0) ? '-0' : String(v);
}

/** The ScoreBatchRequest as canonical proto3 JSON text, written by hand as an integrator would. */
export function requestJson(options: BatchOptions, consumers: readonly ConsumerData[]): string {
  const head: string[] = [];
  if (options.ruleSet) head.push(`"ruleSet":${JSON.stringify(options.ruleSet)}`);
  head.push(`"startDate":${JSON.stringify(options.startDate)}`);
  if (options.pointsPerDay) head.push(`"pointsPerDay":${options.pointsPerDay}`);
  if (options.includeFeatures) head.push('"includeFeatures":true');
  if (options.flaggedOnly) head.push('"flaggedOnly":true');
  if (options.includeEvidence) head.push('"includeEvidence":true');
  const parts = consumers.map((c) => {
    const fields = [`"id":${JSON.stringify(c.id)}`];
    if (c.category) fields.push(`"category":"${CATEGORY[c.category]!}"`);
    if (c.zone) fields.push(`"zone":"${ZONE[c.zone]!}"`);
    if (!Object.is(c.capacityKw, 0)) fields.push(`"capacityKw":${jsonFloat(c.capacityKw)}`);
    if (c.loadKw.length) fields.push(`"loadKw":[${c.loadKw.map(jsonFloat).join(',')}]`);
    if (c.waterM3.length) fields.push(`"waterM3":[${c.waterM3.map(jsonFloat).join(',')}]`);
    return `{${fields.join(',')}}`;
  });
  return `{${head.join(',')},"consumers":[\n${parts.join(',\n')}]}`;
}
