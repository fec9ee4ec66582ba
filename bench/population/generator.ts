// The labelled population (issue 5): a deterministic, streaming generator of
// consumers of the kinds in kinds.ts, written straight into serialized
// ScoreBatchRequest messages (proto/gridcode/v1/scoring.proto) by hand
// (encoder.ts).
//
// Consumer i depends only on (seed, i, days, pointsPerDay, startDate, shape
// source): the same consumer whatever the batch size, and nothing is kept
// from one batch to the next but the reused buffers. Per consumer the work is
// a few hundred PRNG draws (kind, scale, per-day amplitudes, which shape) and
// then, per reading, one or two table loads:
//   kW = a_d · Ã_d[s]  +  b_d · B̃_d[s]
// where Ã is one of VARIANTS noisy copies of the day's base shape (household,
// shop, …; built once per shape from a noise table), B̃ a noisy overlay
// (machinery, storage heating, EV charging), a/b the day's amplitudes (scale,
// day-to-day and seasonal variation). Noise tables: smooth (flat loads),
// medium (shops, machinery), spiky (households: appliance spikes). Three
// households in four are instead a real London household's own days (the
// table is its year, read from the day's offset, with no noise added): real
// absences, heavy days and heating seasons, with the machines of a workshop on
// top. Then meter faults (missing readings, outages, stuck-at-zero days,
// spikes, negative readings, offline meters, truncated curves).
//
// Baselines (option `baselines`, issue 13): Consumer.baseline_kw is the
// consumer's own mean power over a previous period, as a utility would send
// it from its billing: the same consumer index generated for the window that
// starts 8 weeks (56 days, so the same weekdays) earlier. Every draw is the
// same (kind, scale, machines, which real household, which days are away), so
// the two windows differ only by what time changes: the season term, and for a
// real London household its real days 8 weeks earlier (heating switched on or
// off, holidays). The previous period has no meter faults (billed energy has
// no gaps). One consumer in five has no baseline (0, not sent: the utility
// lacks it), drawn from its own stream so that nothing else moves; without
// the option the bytes are exactly those of the population without field 8.
//
// Cohorts (option `cohorts`, issue 13; cohorts.ts): Consumer.group, the
// transformer area (台区) of each account, areas of 20-150 consecutive
// consumers laid out from the seed alone; batches end on area boundaries (a
// batch is one cohort space). Consumer i keeps its kind and its own draws; what
// changes is what neighbours share: the real households of an area live the
// same weeks of 2013, and the synthetic ones and storage heating follow the
// area's weather. Factories and 1 in 10 accounts carry no group. `sendGroups:
// false` gives the same population (same curves, same batches) without field
// 7: the control of the cohort comparison in `npm run eval -- --cohorts`.
// Without `cohorts` the bytes are exactly those of the population without it.
import { endianness } from 'node:os';
import { addDays } from './dates.js';
import { BatchEncoder } from './encoder.js';
import { AREA_MAX, AreaDays, AreaLayout, areaGroup, cohortRanges, ungrouped } from './cohorts.js';
import { CATEGORY, KINDS, ZONE } from './kinds.js';
import { EV_DURATIONS, EV_STARTS, HOUSEHOLD_YEAR_DAYS, HOUSEHOLD_YEAR_WEEKDAY, shapeLibrary, type ShapeLibrary, type ShapeSource, type WeekShapes } from './library.js';
import { consumerSeed, Prng } from './prng.js';

export { consumerSeed };

export interface PopulationOptions {
  /** Consumers in the population. */
  readonly consumers: number;
  /** Consumers per ScoreBatchRequest (default 1,000). */
  readonly batchSize?: number;
  /** Days per curve (default 30). */
  readonly days?: number;
  /** 24, 48 or 96 (default 96). */
  readonly pointsPerDay?: number;
  /** ISO date of day 0 (default 2026-03-02, a Monday). */
  readonly startDate?: string;
  /** Default 1. */
  readonly seed?: number;
  /** Index of the first consumer generated (default 0): lets several workers share one population. */
  readonly first?: number;
  /** 'auto' (default): real profiles of ../shared/data when present; 'parametric': built-in shapes only (tests, CI). */
  readonly shapes?: ShapeSource;
  /** ScoreBatchRequest.rule_set (default empty: the gateway's default). */
  readonly ruleSet?: string;
  /**
   * Reuse one buffer for every batch (default true): `bytes`, `spans` and
   * `labels` of a batch are then only valid until the next batch is asked
   * for. Set false to get fresh arrays per batch (to keep or send them async).
   */
  readonly reuse?: boolean;
  /** Send Consumer.baseline_kw (the mean of the window 8 weeks earlier; unknown for 1 in 5). Default false. */
  readonly baselines?: boolean;
  /**
   * Transformer areas (cohorts.ts): Consumer.group `TA-<seed>-<area>` for the
   * accounts of 20-150 consecutive consumers (none for factories and 1 in
   * 10), neighbours sharing their days, and batches that end on area
   * boundaries (about `batchSize` consumers each). Default false.
   */
  readonly cohorts?: boolean;
  /** With `cohorts`: write Consumer.group (default true); false leaves field 7 out of the same population. */
  readonly sendGroups?: boolean;
}

export interface PopulationBatch {
  /** Index of the batch's first consumer in the population. */
  readonly first: number;
  readonly count: number;
  /** A serialized ScoreBatchRequest (start_date, points_per_day, consumers with id, category, zone, capacity_kw, load_kw, water_m3, and baseline_kw with `baselines`). */
  readonly bytes: Uint8Array;
  /** Kind index (into KINDS) of each consumer, in order. */
  readonly labels: Uint8Array;
  /** [start, end) byte offsets of each Consumer message in `bytes`, as scanRequest returns them (for FeatureEngine.scoreWire). */
  readonly spans: Int32Array;
  /** With `cohorts`: index of the batch's first area (cohorts.ts AreaLayout) and how many areas it has (one cut by the range's start or end included). */
  readonly areas?: { readonly first: number; readonly count: number };
}

const NOISE = 1 << 16;
/** Share of households drawn from real London curves when the data are there. */
const REAL_HOUSEHOLDS = 0.75;
const MAX_P = 96;

/** Multiplicative noise tables (mean 1), read from a random offset per day. */
function noiseTable(seed: number, draw: (rng: Prng) => number): Float32Array {
  const rng = new Prng(seed);
  const t = new Float32Array(NOISE + MAX_P);
  let sum = 0;
  for (let i = 0; i < NOISE; i++) sum += t[i] = Math.max(0, draw(rng));
  const f = NOISE / sum;
  for (let i = 0; i < NOISE; i++) t[i]! *= f;
  for (let i = 0; i < MAX_P; i++) t[NOISE + i] = t[i]!;
  return t;
}
/** Meters of flat loads (factories, offices). */
const SMOOTH = noiseTable(11, (r) => 1 + 0.05 * r.gauss());
/** Shops, restaurants, machinery. */
const MEDIUM = noiseTable(12, (r) => 1 + 0.13 * r.gauss());
/** Households: log-normal readings with appliance spikes (kettle, oven, washing machine). */
const SPIKY = noiseTable(13, (r) => Math.exp(0.32 * r.gauss()) * (r.chance(0.04) ? r.range(1.5, 2.5) : 1));

/** Noisy copies per shape: a day picks one of them. */
const VARIANTS = 16;
const noisyCache = new Map<Float32Array, WeakMap<Float32Array, Float32Array>>();

/**
 * VARIANTS noisy copies of a day shape (concatenated), built on first use.
 * The noise is read from `table` at an offset given by the shape's values, so
 * the copies do not depend on the order consumers are generated in.
 */
function noisy(shape: Float32Array, table: Float32Array): Float32Array {
  let byShape = noisyCache.get(table);
  if (!byShape) noisyCache.set(table, (byShape = new WeakMap()));
  let block = byShape.get(shape);
  if (block) return block;
  const P = shape.length;
  let h = 0x811c9dc5;
  const bits = new Uint32Array(shape.buffer, shape.byteOffset, P);
  for (let s = 0; s < P; s++) h = Math.imul(h ^ bits[s]!, 0x01000193);
  block = new Float32Array(VARIANTS * P);
  for (let v = 0; v < VARIANTS; v++) {
    const at = (((h >>> 0) + v * 7919 * P) >>> 0) % NOISE;
    for (let s = 0; s < P; s++) block[v * P + s] = shape[s]! * table[at + s]!;
  }
  byShape.set(shape, block);
  return block;
}

const CUMULATIVE = (() => {
  const out = new Float64Array(KINDS.length);
  let acc = 0;
  KINDS.forEach((k, i) => (out[i] = acc += k.weight));
  return out.map((v) => v / acc);
})();

const K = Object.fromEntries(KINDS.map((k, i) => [k.name, i])) as Record<string, number>;

/** Days between a window and the previous period its baselines are the mean of (8 weeks: the same weekdays). */
export const BASELINE_WEEKS_BEFORE = 8;
/** Share of consumers without a baseline (the utility lacks it). */
export const BASELINE_UNKNOWN = 0.2;
/** Seed salt of the stream that decides which consumers have a baseline (never the consumer's own stream). */
const BASELINE_SALT = 0xba5e_11e5;

/**
 * The day plan of a consumer being generated, open to an edit between
 * planning and filling the readings (the follow-up cases, follow-up.ts): day
 * d reads home[d] · base shape + machines[d] · overlay.
 */
export interface DayPlan {
  readonly days: number;
  /** Weekday of each day, 0 = Monday. */
  readonly weekday: Uint8Array;
  /** Amplitude of each day's base part (the home, the shop front). */
  readonly home: Float64Array;
  /** Amplitude of each day's overlay (machinery, heating, EV charging), kW; 0 = none. */
  readonly machines: Float64Array;
  /** Replaces day d's base part by a flat standby draw of `kw` (router, fridge; 0: the meter reads exact zeros). */
  standby(d: number, kw: number): void;
}

export interface GeneratorOptions {
  days?: number;
  pointsPerDay?: number;
  startDate?: string;
  seed?: number;
  shapes?: ShapeSource;
  /** Compute baselineKw for each consumer (see the header). */
  baselines?: boolean;
  /** Meter faults (default true); off for the previous periods baselines are taken from. */
  faults?: boolean;
  /** Transformer areas: `group` and what neighbours share (see the header). */
  cohorts?: boolean;
  /** With `cohorts`: set `group` (default true); false keeps it empty, the population unchanged. */
  sendGroups?: boolean;
}

function weekdayOfDate(date: string): number {
  const t = Date.parse(`${date}T00:00:00Z`);
  if (!Number.isFinite(t) || !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`startDate must be YYYY-MM-DD, not ${date}`);
  return (new Date(t).getUTCDay() + 6) % 7;
}

/** Generates consumers one at a time into reused arrays. */
export class PopulationGenerator {
  readonly days: number;
  readonly P: number;
  readonly startDate: string;
  readonly seed: number;
  readonly lib: ShapeLibrary;
  /** Readings per consumer. */
  readonly N: number;
  /** Weekday of each day, 0 = Monday. */
  private readonly weekday: Uint8Array;
  /** cos of the season, 1 in mid-January, −1 in mid-July. */
  private readonly season: Float64Array;
  /** The day of a real household year on the same weekday as day 0, at most 6 days before the same date. */
  private readonly householdDay0: number;

  // the consumer generated last
  readonly load: Float32Array;
  readonly water: Float32Array;
  kind = 0;
  category = 0;
  zone = 0;
  capacityKw = 0;
  hasWater = false;
  /** Readings actually sent (N, or fewer for a truncated curve). */
  length = 0;
  /** Consumer.baseline_kw of the consumer generated last; 0 = unknown. */
  baselineKw = 0;
  /** The main population is never watched (follow-up.ts has the watched sites). */
  readonly watchStatus = 0;
  readonly watchSince = '';
  /** Consumer.group of the consumer generated last ('' = none: not sent). */
  group = '';
  /** With `cohorts`: the area of the consumer generated last (AreaLayout index); −1 without. */
  area = -1;
  /** The areas (with `cohorts`), and the days their households share in this window. */
  private readonly layout: AreaLayout | undefined;
  private readonly areaDays: AreaDays | undefined;
  private readonly sendGroups: boolean;
  /** Group of the area located last (one string per area, not per consumer). */
  private areaName = '';
  /** Weather factors of the consumer being generated: its area's, or all 1 (no cohorts, or generateKind). */
  private homeWeather: Float64Array;
  private heatingWeather: Float64Array;
  private readonly noWeather: Float64Array;
  /** Week offset its real household reads, shared by its area; undefined: the consumer's own draw. */
  private sharedWeek: number | undefined;
  /** The generator of the previous period, when baselines are on (its arrays are reused). */
  private readonly previous: PopulationGenerator | undefined;
  private readonly meterFaults: boolean;
  /** Highest load of the home part of the consumer generated last (kW), which its contract is sized on. */
  private homePeakKw = 0;

  // the day plan
  private readonly A: Float32Array[];
  private readonly B: Float32Array[];
  private readonly a: Float64Array;
  private readonly b: Float64Array;
  private readonly oA: Int32Array;
  private readonly oB: Int32Array;
  private rng = new Prng(0);
  /** The day plan as follow-up edits see it (generateKind). */
  private readonly dayPlan: DayPlan;

  constructor(options: GeneratorOptions = {}) {
    this.days = options.days ?? 30;
    this.P = options.pointsPerDay ?? 96;
    this.startDate = options.startDate ?? '2026-03-02';
    this.seed = (options.seed ?? 1) >>> 0;
    if (![24, 48, 96].includes(this.P)) throw new Error(`pointsPerDay must be 24, 48 or 96, not ${this.P}`);
    if (!Number.isInteger(this.days) || this.days < 1 || this.days > 400) throw new Error(`days must be 1…400, not ${this.days}`);
    if (endianness() !== 'LE') throw new Error('the population encoder writes floats in host order and needs a little-endian host');
    this.lib = shapeLibrary(this.P, options.shapes ?? 'auto');
    this.N = this.days * this.P;
    const w0 = weekdayOfDate(this.startDate);
    const t0 = Date.parse(`${this.startDate}T00:00:00Z`);
    const y0 = Date.UTC(new Date(t0).getUTCFullYear(), 0, 1);
    this.weekday = new Uint8Array(this.days).map((_, d) => (w0 + d) % 7);
    const dayOfYear = Math.round((t0 - y0) / 86_400_000);
    this.householdDay0 = dayOfYear - ((((dayOfYear + HOUSEHOLD_YEAR_WEEKDAY - w0) % 7) + 7) % 7);
    this.season = new Float64Array(this.days).map((_, d) => Math.cos((2 * Math.PI * ((t0 - y0) / 86_400_000 + d - 15)) / 365));
    this.load = new Float32Array(this.N);
    this.water = new Float32Array(this.days);
    const flat = this.lib.ones;
    this.A = new Array<Float32Array>(this.days).fill(flat);
    this.B = new Array<Float32Array>(this.days).fill(flat);
    this.a = new Float64Array(this.days);
    this.b = new Float64Array(this.days);
    this.oA = new Int32Array(this.days);
    this.oB = new Int32Array(this.days);
    this.meterFaults = options.faults ?? true;
    this.dayPlan = {
      days: this.days,
      weekday: this.weekday,
      home: this.a,
      machines: this.b,
      standby: (d, kw) => {
        this.A[d] = noisy(this.lib.ones, MEDIUM);
        this.a[d] = kw > 0 ? kw : 0;
        this.oA[d] = ((d * 7) % VARIANTS) * this.P; // no draw: the consumer's stream stays as it was
      },
    };
    this.noWeather = this.homeWeather = this.heatingWeather = new Float64Array(this.days).fill(1);
    if (options.cohorts) {
      this.layout = new AreaLayout(this.seed);
      this.areaDays = new AreaDays(this.seed, Math.round(t0 / 86_400_000), this.season);
    }
    this.sendGroups = options.sendGroups ?? true;
    this.previous = options.baselines ? new PopulationGenerator({ ...options, startDate: addDays(this.startDate, -7 * BASELINE_WEEKS_BEFORE), baselines: false, faults: false }) : undefined;
  }

  /** The label of the consumer generated last: its kind. */
  get label(): number {
    return this.kind;
  }

  /** Generates consumer `index` into load/water/kind/category/zone/capacityKw/hasWater/length (and baselineKw). */
  generate(index: number): void {
    const rng = (this.rng = new Prng(consumerSeed(this.seed, index)));
    const u = rng.next();
    let kind = 0;
    if (index < KINDS.length) kind = index; // the first consumers cover every kind once
    else while (kind < KINDS.length - 1 && u >= CUMULATIVE[kind]!) kind++;
    if (this.layout) this.joinArea(index, kind);
    this.build(kind);
    const previous = this.previous;
    if (previous && !new Prng(consumerSeed(this.seed ^ BASELINE_SALT, index)).chance(BASELINE_UNKNOWN)) {
      previous.generate(index);
      this.baselineKw = previous.meanKw();
    } else this.baselineKw = 0;
  }

  /**
   * Generates a consumer of `kind` from its own PRNG seed (not an index of
   * the population), letting `edit` change its day plan before the readings
   * are filled. The edit draws nothing from the consumer's stream (its values
   * are drawn before), so the consumer's own draws, and the same consumer in
   * another window, do not depend on it. Sets baselineKw to 0. For the
   * follow-up cases (follow-up.ts).
   */
  generateKind(seed: number, kind: number, edit?: (plan: DayPlan) => void): void {
    this.rng = new Prng(seed);
    this.leaveArea();
    this.build(kind, edit);
    this.baselineKw = 0;
  }

  /**
   * Puts consumer `index` (of `kind`) in its area: the area's days (weather,
   * real households' weeks) and its group, unless it is a factory (a dedicated
   * transformer) or one of the accounts whose mapping is missing.
   */
  private joinArea(index: number, kind: number): void {
    const layout = this.layout!.locate(index);
    const days = this.areaDays!;
    if (layout.area !== this.area) {
      this.area = layout.area;
      this.areaName = areaGroup(this.seed, layout.area);
      days.set(layout.area);
    }
    this.homeWeather = days.home;
    this.heatingWeather = days.heating;
    this.sharedWeek = days.week;
    const dedicated = KINDS[kind]!.category === CATEGORY.industrial;
    this.group = this.sendGroups && !dedicated && !ungrouped(this.seed, index) ? this.areaName : '';
  }

  /** A consumer outside the areas: no group, no shared days. */
  private leaveArea(): void {
    this.area = -1;
    this.group = '';
    this.homeWeather = this.heatingWeather = this.noWeather;
    this.sharedWeek = undefined;
  }

  /** Mean of the valid readings of the consumer generated last (kW); 0 when it has none. */
  meanKw(): number {
    let sum = 0;
    let n = 0;
    for (let t = 0; t < this.length; t++) {
      const v = this.load[t]!;
      if (v >= 0 && v < Infinity) (sum += v), n++;
    }
    return n > 0 ? sum / n : 0;
  }

  private build(kind: number, edit?: (plan: DayPlan) => void): void {
    const rng = this.rng;
    const info = KINDS[kind]!;
    this.kind = kind;
    this.category = info.category;
    this.zone = info.zoneAlt && rng.chance(info.zoneAlt[1]) ? info.zoneAlt[0] : info.zone;
    const peak = this.plan(kind);
    if (edit) edit(this.dayPlan);
    this.fill();
    if (this.meterFaults) this.faults(peak);
    else this.length = this.N;
    this.waterFor(kind);
  }

  // ------------------------------------------------------------ helpers

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.rng.next() * list.length)]!;
  }

  private lognormal(median: number, sigma: number, lo: number, hi: number): number {
    return Math.min(hi, Math.max(lo, median * Math.exp(sigma * this.rng.gauss())));
  }

  private day(w: WeekShapes, d: number): Float32Array {
    const wd = this.weekday[d]!;
    return wd < 5 ? w.workday : wd === 5 ? w.saturday : w.sunday;
  }

  private setA(d: number, shape: Float32Array, amp: number, noise: Float32Array): void {
    this.A[d] = noisy(shape, noise);
    this.a[d] = amp > 0 ? amp : 0;
    this.oA[d] = ((this.rng.next() * VARIANTS) | 0) * this.P;
  }

  private setB(d: number, shape: Float32Array, amp: number): void {
    this.B[d] = noisy(shape, MEDIUM);
    this.b[d] = amp > 0 ? amp : 0;
    this.oB[d] = ((this.rng.next() * VARIANTS) | 0) * this.P;
  }

  /**
   * A residential contract: unknown (0) for a third; else the smallest of the
   * usual sizes (6, 8, 12, 16 kW) that the home's own peak (`homePeakKw`, plus
   * `extraKw` for a car charger or heating) stays within 1.3 times of, one
   * size larger for a fifth. A contract follows the appliances a home has:
   * until 2026-12 it was drawn regardless of the home's load, which put 1 in
   * 800 real London households more than twice over their contract, a breach
   * a breaker would not allow for half an hour.
   */
  private residentialCapacity(extraKw = 0): number {
    const rng = this.rng;
    if (rng.chance(0.35)) return 0;
    const need = (this.homePeakKw + extraKw) / 1.3;
    const sizes = [6, 8, 12, 16];
    let i = sizes.findIndex((kw) => kw >= need);
    if (i < 0) i = sizes.length - 1;
    if (rng.chance(0.2) && i < sizes.length - 1) i++;
    return sizes[i]!;
  }

  /**
   * A household's base days; returns its scale in kW (its mean, for a real
   * household). Three in four are real London households, day by day, when
   * the library has them: their spikes, absences and day-to-day changes are
   * what the rules must not mistake for machines. The rest (and all without
   * the data) are a week shape with noise and, for some, a holiday away.
   */
  private household(shapes: WeekShapes, alt: WeekShapes | undefined): number {
    const rng = this.rng;
    if (this.lib.householdYears.length > 0 && rng.chance(REAL_HOUSEHOLDS)) return this.realHousehold(alt !== undefined);
    const scale = this.lognormal(0.32, 0.5, 0.06, 2);
    this.homePeakKw = scale * shapes.max * 2; // spiky noise reaches about twice the shape
    const away = rng.chance(0.06) ? rng.int(0, this.days - 1) : -1;
    const awayDays = rng.int(3, 12);
    const rotating = alt !== undefined && rng.chance(0.4);
    const phase = rng.int(0, 13);
    for (let d = 0; d < this.days; d++) {
      if (away >= 0 && d >= away && d < away + awayDays) {
        this.setA(d, this.lib.ones, scale * rng.range(0.08, 0.2), MEDIUM);
        continue;
      }
      const w = alt && (!rotating || (((d + phase) / 7) | 0) % 2 === 0) ? alt : shapes;
      this.setA(d, this.day(w, d), scale * (1 + 0.12 * this.season[d]!) * (1 + 0.18 * rng.gauss()) * this.homeWeather[d]!, SPIKY);
    }
    return scale;
  }

  /**
   * A real household's days: a window of its year that starts on day 0's
   * weekday within six weeks of day 0's date, scaled by a factor around 1.
   * A shift worker's curve is the same household moved 6-11 hours earlier
   * (the evening peak comes at midday).
   */
  private realHousehold(shifted: boolean): number {
    const rng = this.rng;
    const P = this.P;
    const D = HOUSEHOLD_YEAR_DAYS;
    const year = this.pick(this.lib.householdYears);
    const scale = this.lognormal(1, 0.2, 0.6, 1.6);
    const shift = shifted ? Math.round((rng.range(6, 11) * P) / 24) : 0;
    const week = rng.int(-6, 6); // drawn even when the area's week is used: the consumer's stream stays as it was
    const first = this.householdDay0 + 7 * (this.sharedWeek ?? week);
    let sum = 0;
    let peak = 0;
    for (let d = 0; d < this.days; d++) {
      const j = (((first + d) % D) + D) % D;
      this.A[d] = year;
      this.a[d] = scale;
      this.oA[d] = (j + 1) * P + shift;
      for (let s = 0; s < P; s++) {
        const v = year[(j + 1) * P + shift + s]!; // what the day will read, shift included
        sum += v;
        if (v > peak) peak = v;
      }
    }
    this.homePeakKw = scale * peak;
    return (scale * sum) / (this.days * P);
  }

  /** Machinery on a working-week rhythm (overlay B); returns its peak in kW. */
  private machinery(shapes: WeekShapes, peakKw: number, fromDay = 0): number {
    const rng = this.rng;
    const saturday = rng.chance(0.5);
    const sunday = rng.chance(0.15);
    const idle = rng.range(0, 0.08);
    for (let d = fromDay; d < this.days; d++) {
      const wd = this.weekday[d]!;
      const works = (wd < 5 || (wd === 5 && saturday) || (wd === 6 && sunday)) && !rng.chance(idle);
      this.setB(d, wd === 6 ? shapes.workday : this.day(shapes, d), works ? peakKw * (1 + 0.08 * rng.gauss()) : 0);
    }
    return peakKw;
  }

  /** Machinery in irregular blocks on some days; returns its peak in kW. */
  private bursts(peakKw: number): number {
    const rng = this.rng;
    const on = rng.range(0.35, 0.85);
    for (let d = 0; d < this.days; d++) {
      const p = this.weekday[d]! < 5 ? on : 0.4 * on;
      this.setB(d, this.pick(this.lib.bursts), rng.chance(p) ? peakKw * rng.range(0.7, 1) : 0);
    }
    return peakKw;
  }

  /** A business's days from its week shapes; returns its scale in kW. */
  private business(shapes: WeekShapes, median: number, sigma: number, noise: Float32Array, dayCv: number, closedMonday = false): number {
    const rng = this.rng;
    const scale = this.lognormal(median, sigma, median / 8, median * 8);
    const seasonal = rng.range(-0.08, 0.12);
    for (let d = 0; d < this.days; d++) {
      if (closedMonday && this.weekday[d] === 0) this.setA(d, this.lib.ones, scale * 0.25, noise);
      else this.setA(d, this.day(shapes, d), scale * (1 + seasonal * this.season[d]!) * (1 + dayCv * rng.gauss()), noise);
    }
    return scale;
  }

  private businessCapacity(peakKw: number): number {
    return this.rng.chance(0.25) ? 0 : Math.ceil(peakKw * this.rng.range(1.2, 2));
  }

  // ------------------------------------------------------------ per kind

  /** Fills the day plan of a consumer of `kind`; sets capacity; returns its typical peak kW (for faults). */
  private plan(kind: number): number {
    const rng = this.rng;
    const lib = this.lib;
    this.b.fill(0);
    switch (kind) {
      case K.household_evening:
      case K.household_shift_worker:
      case K.household_electric_heating:
      case K.household_ev_night: {
        const shapes = this.pick(lib.households);
        const scale = this.household(shapes, kind === K.household_shift_worker ? this.pick(lib.shifted) : undefined);
        let extra = 0;
        if (kind === K.household_electric_heating) {
          const heat = this.pick(lib.heating);
          const kw = (extra = rng.range(1.5, 6));
          for (let d = 0; d < this.days; d++) this.setB(d, heat, kw * Math.max(0, 0.2 + 0.8 * this.season[d]!) * (1 + 0.15 * rng.gauss()) * this.heatingWeather[d]!);
        } else if (kind === K.household_ev_night) {
          const r = rng.next();
          const kw = (extra = r < 0.4 ? 3.7 : r < 0.9 ? 7.2 : 11);
          const nights = rng.range(0.3, 0.9);
          const start = rng.int(0, EV_STARTS - 3);
          const hours = rng.int(1, EV_DURATIONS - 3);
          for (let d = 0; d < this.days; d++) {
            if (!rng.chance(nights)) continue;
            this.setB(d, lib.ev[(start + rng.int(0, 2)) * EV_DURATIONS + hours + rng.int(-1, 2)]!, kw);
          }
        }
        this.capacityKw = this.residentialCapacity(extra);
        return scale * shapes.max * 2 + extra;
      }
      case K.household_holiday_home: {
        const shapes = this.pick(lib.households);
        const scale = this.lognormal(0.32, 0.5, 0.06, 2.5);
        this.homePeakKw = scale * shapes.max * 2;
        const standby = rng.range(0.01, 0.12);
        const r = rng.next();
        const block = r < 0.4 ? rng.int(0, this.days - 4) : -1;
        const blockDays = rng.int(3, 10);
        const weekends = r >= 0.4 && r < 0.7 ? 0.35 : 0;
        let inWeekend = false;
        for (let d = 0; d < this.days; d++) {
          const wd = this.weekday[d]!;
          if (wd === 5) inWeekend = rng.chance(weekends);
          const occupied = (block >= 0 && d >= block && d < block + blockDays) || (wd >= 5 && inWeekend);
          if (occupied) this.setA(d, this.day(shapes, d), scale * (1 + 0.2 * rng.gauss()) * this.homeWeather[d]!, SPIKY);
          else this.setA(d, lib.ones, standby, MEDIUM);
        }
        this.capacityKw = this.residentialCapacity();
        return scale * shapes.max * 2;
      }
      case K.shop: {
        const shapes = this.pick(lib.shops);
        const peak = this.business(shapes, 2.5, 0.6, MEDIUM, 0.07) * shapes.max * 1.2;
        this.capacityKw = this.businessCapacity(peak);
        return peak;
      }
      case K.restaurant: {
        const shapes = this.pick(lib.restaurants);
        const peak = this.business(shapes, 5, 0.5, MEDIUM, 0.1, rng.chance(0.4)) * shapes.max * 1.2;
        this.capacityKw = this.businessCapacity(peak);
        return peak;
      }
      case K.office: {
        const shapes = this.pick(lib.offices);
        const peak = this.business(shapes, 12, 0.7, SMOOTH, 0.05) * shapes.max * 1.1;
        this.capacityKw = this.businessCapacity(peak);
        return peak;
      }
      case K.factory_1shift:
      case K.factory_2shift:
      case K.factory_3shift: {
        const shapes = this.pick(kind === K.factory_1shift ? lib.factory1 : kind === K.factory_2shift ? lib.factory2 : lib.factory3);
        const peak = this.business(shapes, 80, 0.8, SMOOTH, 0.05) * shapes.max * 1.1;
        this.capacityKw = Math.ceil(peak * rng.range(1.2, 1.8));
        return peak;
      }
      case K.workshop_housing_shift:
      case K.workshop_housing_night:
      case K.workshop_housing_restart: {
        const shapes = this.pick(lib.households);
        const scale = this.household(shapes, undefined);
        const peakKw = this.lognormal(6, 0.6, 1.5, 40);
        const machine = kind === K.workshop_housing_night ? this.pick(lib.nightShift) : rng.chance(0.7) ? this.pick(lib.dayShift) : this.pick(lib.twoShift);
        // a restart: the first 7-18 days the workshop is closed (the flat is lived in, or nearly empty)
        const quiet = kind === K.workshop_housing_restart ? rng.int(7, 18) : 0;
        if (quiet && rng.chance(0.5)) for (let d = 0; d < quiet; d++) this.a[d]! *= 0.3;
        this.machinery(machine, peakKw, quiet);
        this.capacityKw = this.residentialCapacity();
        return scale * shapes.max * 2 + peakKw;
      }
      case K.workshop_housing_intermittent: {
        const shapes = this.pick(lib.households);
        const scale = this.household(shapes, undefined);
        const peakKw = this.bursts(this.lognormal(6, 0.6, 1.5, 40));
        this.capacityKw = this.residentialCapacity();
        return scale * shapes.max * 2 + peakKw;
      }
      case K.workshop_small_contract: {
        const shapes = this.pick(lib.households);
        const scale = this.household(shapes, undefined);
        const r = rng.next();
        const capacity = r < 0.25 ? 4 : r < 0.5 ? 5 : r < 0.75 ? 6 : 8;
        const peakKw = capacity * rng.range(1.5, 4);
        if (rng.chance(0.5)) this.bursts(peakKw);
        else this.machinery(this.pick(lib.dayShift), peakKw);
        this.capacityKw = capacity;
        return scale * shapes.max * 2 + peakKw;
      }
      case K.workshop_commercial: {
        const front = this.pick(lib.shops);
        const scale = this.business(front, 1.5, 0.5, MEDIUM, 0.07);
        const r = rng.next();
        const machine = r < 0.4 ? this.pick(lib.dayShift) : r < 0.6 ? this.pick(lib.twoShift) : this.pick(lib.nightShift);
        const peakKw = this.machinery(machine, this.lognormal(10, 0.6, 2, 80));
        // registered as a shop: its contract fits a shop, not the machines
        this.capacityKw = this.businessCapacity(scale * front.max * 1.2 + (rng.chance(0.5) ? peakKw : 0));
        return scale * front.max + peakKw;
      }
      default:
        throw new Error(`kind ${kind}`);
    }
  }

  // ------------------------------------------------------------ readings

  private fill(): void {
    const P = this.P;
    const out = this.load;
    for (let d = 0; d < this.days; d++) {
      const A = this.A[d]!;
      const a = this.a[d]!;
      const oA = this.oA[d]!;
      const b = this.b[d]!;
      const at = d * P;
      if (b === 0) {
        for (let s = 0; s < P; s++) out[at + s] = a * A[oA + s]!;
      } else {
        const B = this.B[d]!;
        const oB = this.oB[d]!;
        for (let s = 0; s < P; s++) out[at + s] = a * A[oA + s]! + b * B[oB + s]!;
      }
    }
  }

  /** Meter faults, as upstream systems deliver them. */
  private faults(peakKw: number): void {
    const rng = this.rng;
    const out = this.load;
    const N = this.N;
    this.length = N;
    const r = rng.next();
    if (r < 0.002) out.fill(NaN); // offline meter: nothing valid
    else if (r < 0.012) {
      // a long outage (7-20 days: GRAY by min_valid_share)
      const len = rng.int(7, Math.min(20, this.days)) * this.P;
      const start = rng.int(0, Math.max(0, N - len));
      out.fill(NaN, start, start + len);
    } else if (r < 0.07) {
      for (let k = rng.int(1, 3); k > 0; k--) {
        const start = rng.int(0, N - 1);
        out.fill(NaN, start, Math.min(N, start + rng.int(1, this.P)));
      }
    } else if (r < 0.25) {
      const n = Math.round(N * rng.range(0.002, 0.02));
      for (let k = 0; k < n; k++) out[rng.int(0, N - 1)] = NaN;
    }
    const g = rng.next();
    if (g < 0.003) {
      const start = rng.int(0, this.days - 1) * this.P; // stuck at zero for 1-3 days
      out.fill(0, start, Math.min(N, start + rng.int(1, 3) * this.P));
    } else if (g < 0.004) out[rng.int(0, N - 1)] = peakKw * rng.range(10, 100); // a spike: a register glitch
    else if (g < 0.005) for (let k = rng.int(1, 5); k > 0; k--) out[rng.int(0, N - 1)] = -rng.range(0.1, 5); // negative: missing
    else if (g < 0.006) this.length = N - rng.int(1, this.P - 1); // a partial last day: not a whole number of days
  }

  private waterFor(kind: number): void {
    const rng = this.rng;
    this.hasWater = rng.chance(0.3);
    if (!this.hasWater) return;
    const name = KINDS[kind]!.name;
    const business = !KINDS[kind]!.household && name !== 'workshop_housing_shift';
    const perDay =
      name.startsWith('factory') ? rng.range(10, 150)
      : name === 'restaurant' ? rng.range(2, 8)
      : name === 'office' ? rng.range(1, 6)
      : name === 'shop' ? rng.range(0.3, 2)
      : KINDS[kind]!.suspect && rng.chance(0.4) ? rng.range(2, 15) // plating, dyeing, washing
      : rng.range(0.15, 0.6);
    for (let d = 0; d < this.days; d++) {
      const weekend = this.weekday[d]! >= 5;
      const m3 = perDay * (business && weekend ? 0.4 : 1) * (1 + 0.2 * rng.gauss());
      this.water[d] = rng.chance(0.03) ? NaN : Math.max(0, m3);
    }
  }
}

/**
 * The population as a stream of ScoreBatchRequest batches, labels beside.
 * Deterministic: the same options give the same bytes. Only one batch is
 * held at a time (and with `reuse`, the default, its buffers are recycled).
 */
export function* populationBatches(options: PopulationOptions): Generator<PopulationBatch, void, undefined> {
  const batchSize = batchSizeOf(options);
  const gen = new PopulationGenerator(options);
  if (gen.lib.notice) printNotice(gen.lib.notice);
  const encoder = new BatchEncoder(gen, options.ruleSet ?? '', 'c');
  const reuse = options.reuse ?? true;
  // a batch of areas runs past batchSize by less than an area (or is one area when batchSize is smaller)
  const most = options.cohorts ? batchSize + AREA_MAX : batchSize;
  let labels = new Uint8Array(most);
  let spans = new Int32Array(2 * most);
  if (reuse && options.cohorts) encoder.reserve(Math.min(most, options.consumers));
  const ranges: Iterable<{ first: number; count: number; areas?: PopulationBatch['areas'] }> = options.cohorts ? cohortRanges(options, batchSize, gen.seed) : batchRanges(options, batchSize);
  for (const { first, count, areas } of ranges) {
    if (!reuse) (labels = new Uint8Array(count)), (spans = new Int32Array(2 * count));
    const bytes = encoder.encode(first, count, reuse, labels, spans);
    const batch = { first, count, bytes, labels: labels.subarray(0, count), spans: spans.subarray(0, 2 * count) };
    yield areas ? { ...batch, areas } : batch;
  }
}

/** The checked batch size of a stream of generated batches (default 1,000). */
export function batchSizeOf(options: { readonly consumers: number; readonly batchSize?: number }): number {
  const batchSize = options.batchSize ?? 1000;
  if (!Number.isInteger(options.consumers) || options.consumers < 0) throw new Error(`consumers must be a whole number, not ${options.consumers}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive whole number, not ${batchSize}`);
  return batchSize;
}

/** Consumers first … first + consumers − 1 in batches of `batchSize`. */
export function* batchRanges(options: { readonly consumers: number; readonly first?: number }, batchSize: number): Generator<{ first: number; count: number }> {
  const start = options.first ?? 0;
  const end = start + options.consumers;
  for (let first = start; first < end; first += batchSize) yield { first, count: Math.min(batchSize, end - first) };
}

let noticed = false;
function printNotice(notice: string): void {
  if (noticed) return;
  noticed = true;
  process.stderr.write(notice + '\n');
}

export { ZONE };
