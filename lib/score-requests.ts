// ScoreBatchRequests as an upstream platform sends them, for clients that
// call the gateway over the wire (the tests, bench:soak): one consumer's
// fields, the request as a protobuf-es message init or as canonical proto3
// JSON written by hand, and hand-made consumers whose outcome under the
// default rule set is known. Readings are rounded to watts, as meters report
// them, so that the JSON text and the protobuf carry the same float32 values.

export const CATEGORY = ['CATEGORY_UNSPECIFIED', 'CATEGORY_RESIDENTIAL', 'CATEGORY_COMMERCIAL', 'CATEGORY_INDUSTRIAL', 'CATEGORY_AGRICULTURAL', 'CATEGORY_OTHER'] as const;
export const WATCH_STATUS = ['WATCH_STATUS_UNSPECIFIED', 'WATCH_STATUS_RECTIFIED', 'WATCH_STATUS_CLOSED', 'WATCH_STATUS_RESTRICTED', 'WATCH_STATUS_CLEARED'] as const;
export const ZONE = ['ZONE_UNSPECIFIED', 'ZONE_RESIDENTIAL_AREA', 'ZONE_INDUSTRIAL_PARK', 'ZONE_COMMERCIAL_AREA', 'ZONE_RURAL', 'ZONE_OTHER'] as const;

/** One consumer as the request carries it (the fields of gridcode.v1.Consumer, enums as numbers). */
export interface ConsumerData {
  readonly id: string;
  readonly category: number;
  readonly zone: number;
  readonly capacityKw: number;
  readonly loadKw: readonly number[];
  readonly waterM3: readonly number[];
  /** The follow-up fields (followup.md), absent when not sent. */
  readonly group?: string;
  readonly baselineKw?: number;
  readonly watch?: { readonly status?: number; readonly since?: string };
  /** The administrative district, echoed in the result; absent when not sent. */
  readonly district?: string;
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
export function reading(v: number): number {
  return Number.isFinite(v) ? Math.round(v * 1000) / 1000 : v;
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
    if (c.group) fields.push(`"group":${JSON.stringify(c.group)}`);
    if (c.baselineKw !== undefined && !Object.is(c.baselineKw, 0)) fields.push(`"baselineKw":${jsonFloat(c.baselineKw)}`);
    if (c.district) fields.push(`"district":${JSON.stringify(c.district)}`);
    if (c.watch) {
      const watch: string[] = [];
      // An unknown number is written as a number, as canonical JSON writes an enum value without a name.
      if (c.watch.status) watch.push(`"status":${WATCH_STATUS[c.watch.status] ? `"${WATCH_STATUS[c.watch.status]!}"` : c.watch.status}`);
      if (c.watch.since) watch.push(`"since":${JSON.stringify(c.watch.since)}`);
      fields.push(`"watch":{${watch.join(',')}}`);
    }
    return `{${fields.join(',')}}`;
  });
  return `{${head.join(',')},"consumers":[\n${parts.join(',\n')}]}`;
}
