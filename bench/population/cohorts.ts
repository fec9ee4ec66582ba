// Cohorts of the labelled population (option `cohorts`, issue 13): the
// transformer areas (台区) a utility maps its accounts to, sent as
// Consumer.group so that the engine can compare an account with its
// neighbours (peer_count, peer_ratio, peer_corr of ../shared/spec/followup.md).
//
// Layout. The consumer indices are cut into consecutive areas, area a being
// indices start(a) … start(a) + size(a) − 1, size(a) drawn from a stream of
// its own (seed, a): the layout depends on the seed alone, never on the batch
// size or the first consumer asked for, so consumer i is in the same area,
// with the same group, in every stream of the population. An area is
// contiguous by construction, which the spec requires of a group in streams
// and files.
//
// Size. A public distribution transformer (公用变压器) of a housing area is
// typically 100-630 kVA; loaded to about three quarters of its rating at the
// evening peak, at 2-4 kW of after-diversity peak per account (air
// conditioning and cooking at the same hour), that is about 20 accounts (a
// 100 kVA village transformer) to 150 (a 630 kVA one in town, whose high-rises
// are often split over two). Sizes are log-normal around 60 accounts
// (σ = 0.5 in log, truncated to 20-150 by redrawing, not clamping, so that no
// size piles up at the bounds); the mean is about 65. Even the smallest area
// leaves about a dozen residential peers, more than the 4 a peer_ratio needs.
//
// Who carries the group. Every account of an area is one the population would
// draw anyway (the kind of consumer i is the one it has without cohorts, so
// the mix, the labels and the workshops' share are the population's own): an
// area is mostly households, a residential workshop hides among them, a
// shop, restaurant, office or commercial-premises workshop on the same
// transformer carries the same group (peers are only the same category, so
// the commercial accounts of an area form a small cohort of their own).
// Factories carry none: a licensed factory has a dedicated transformer
// (专变), so the public areas do not list it and it has no neighbours on it.
// One account in ten carries none either (UNGROUPED: the utility's
// meter-to-transformer mapping has gaps), drawn per consumer from a stream of
// its own, so that the code paths of consumers without a cohort are exercised
// in the middle of grouped ones.
//
// What neighbours share. They live the same days: the same season (every
// consumer of a window already shares it) and the same weather. Weather is in
// fact city-wide; here each area gets a realisation of its own, so that the
// days of neighbours correlate as they do (all peer features read is within
// an area) while the population keeps the variety of many weather runs. It
// enters twice:
// - The real London households of an area all read the same weeks of 2013
//   (one offset per area instead of one per household, AREA_WEEK_SALT), so
//   they share that year's real weather, holidays and school terms. The
//   offset does not depend on the window, so a baseline 8 weeks earlier is
//   still the same household's own days 8 weeks earlier.
// - A daily temperature anomaly T′ (°C), an AR(1) with σ = 2.5 °C and
//   ρ = 0.7 from a day to the next (an anomaly fades over about 3 days, the
//   life of a weather regime), drawn per area and window. The synthetic
//   households' home part is scaled by 1 − 0.02 · season · T′ (about 2 % per
//   °C: more use when it is colder in winter, and through the season's sign
//   when it is hotter in summer; none at the equinoxes). Night storage
//   heating (an overlay, on real households too), whose charge follows the
//   heating degree days (about 10 °C below a 15.5 °C base in early spring),
//   by max(0, 1 − 0.1 · T′). The real households' own days are not scaled:
//   they carry 2013's real weather already.
// No area level is drawn: neighbours' means spread as widely as the city's.
// Real neighbours in the same kind of building are closer; leaving that out
// is the pessimistic case for a rule on peer_ratio (more households far from
// their area's median than in reality).
import { consumerSeed, Prng } from './prng.js';

/** Smallest and largest area drawn (accounts), and the median of the log-normal they are drawn from. */
export const AREA_MIN = 20;
export const AREA_MAX = 150;
const AREA_MEDIAN = 60;
const AREA_SIGMA = 0.5;
/** Share of accounts sent without a group (the utility lacks their mapping). */
export const UNGROUPED = 0.1;
/** Daily temperature anomaly: σ in °C and day-to-day autocorrelation. */
const WEATHER_SIGMA_C = 2.5;
const WEATHER_RHO = 0.7;
/** Home load change per °C of anomaly times the season term (1 mid-January, −1 mid-July). */
const HOME_PER_C = 0.02;
/** Storage-heating change per °C of anomaly. */
const HEATING_PER_C = 0.1;

// Seed salts: streams of their own, never a consumer's, so that nothing a
// consumer draws moves.
const AREA_SALT = 0x7a1_c0de;
const AREA_WEEK_SALT = 0x7a1_3ee4;
const WEATHER_SALT = 0x3ea7_7e12;
const UNGROUPED_SALT = 0x0e_9a99;

/** Accounts of area `a` of the population of `seed`. */
export function areaSize(seed: number, a: number): number {
  const rng = new Prng(consumerSeed(seed ^ AREA_SALT, a));
  for (;;) {
    const size = Math.round(AREA_MEDIAN * Math.exp(AREA_SIGMA * rng.gauss()));
    if (size >= AREA_MIN && size <= AREA_MAX) return size;
  }
}

/** The group an area's accounts carry. */
export function areaGroup(seed: number, a: number): string {
  return `TA-${seed >>> 0}-${a}`;
}

/** Whether consumer `index` is sent without a group (its mapping is missing), whatever its area. */
export function ungrouped(seed: number, index: number): boolean {
  return consumerSeed(seed ^ UNGROUPED_SALT, index) / 4294967296 < UNGROUPED;
}

/**
 * The areas of a population, walked from any consumer to any other: locate(i)
 * sets `area`, `start` and `size` to those of consumer i's area. Each call
 * walks from the area located last, in either direction, so streaming through
 * the population costs one size draw per area.
 */
export class AreaLayout {
  /** The area located last: its index, first consumer and size. */
  area = 0;
  start = 0;
  size: number;

  constructor(readonly seed: number) {
    this.size = areaSize(seed, 0);
  }

  locate(index: number): this {
    if (!Number.isInteger(index) || index < 0) throw new Error(`consumer index must be a whole number ≥ 0, not ${index}`);
    while (index >= this.start + this.size) {
      this.start += this.size;
      this.size = areaSize(this.seed, ++this.area);
    }
    while (index < this.start) {
      this.size = areaSize(this.seed, --this.area);
      this.start -= this.size;
    }
    return this;
  }

  /** First consumer after consumer `index`'s area. */
  end(index: number): number {
    this.locate(index);
    return this.start + this.size;
  }
}

/**
 * The days an area's households share in one window: the real households'
 * week offset, and the weather factors of the synthetic households' home part
 * and of storage heating, day by day. Recomputed into the same arrays when the
 * area changes.
 */
export class AreaDays {
  /** Weeks from a real household's nearest year day to the one it starts on (−6 … 6). */
  week = 0;
  /** Factor of the synthetic households' home part, per day. */
  readonly home: Float64Array;
  /** Factor of storage heating, per day. */
  readonly heating: Float64Array;
  private area = -1;

  /** `windowDay`: the window's first day, in days since 1970-01-01 (each window its own weather). */
  constructor(
    private readonly seed: number,
    private readonly windowDay: number,
    private readonly season: Float64Array,
  ) {
    this.home = new Float64Array(season.length);
    this.heating = new Float64Array(season.length);
  }

  /** Sets the days of area `a` (nothing to do when it is the area set last). */
  set(a: number): void {
    if (a === this.area) return;
    this.area = a;
    this.week = new Prng(consumerSeed(this.seed ^ AREA_WEEK_SALT, a)).int(-6, 6);
    const rng = new Prng(consumerSeed(consumerSeed(this.seed ^ WEATHER_SALT, this.windowDay), a));
    const innovation = Math.sqrt(1 - WEATHER_RHO * WEATHER_RHO);
    let x = rng.gauss();
    for (let d = 0; d < this.home.length; d++) {
      if (d > 0) x = WEATHER_RHO * x + innovation * rng.gauss();
      const t = WEATHER_SIGMA_C * x;
      this.home[d] = 1 - HOME_PER_C * this.season[d]! * t;
      this.heating[d] = Math.max(0, 1 - HEATING_PER_C * t);
    }
  }
}

/**
 * Consumers first … first + consumers − 1 in batches that end on area
 * boundaries: each batch ends at the area boundary nearest to its start +
 * `batchSize` (at least one area; the range's own end cuts the last area, and
 * a range that starts inside an area cuts that one). A batch is one cohort
 * space, so no area is ever split between two batches of a range. `areas`:
 * index of the batch's first area and the number of areas it has (cut ones
 * included).
 */
export function* cohortRanges(
  options: { readonly consumers: number; readonly first?: number },
  batchSize: number,
  seed: number,
): Generator<{ first: number; count: number; areas: { first: number; count: number } }> {
  const start = options.first ?? 0;
  const end = start + options.consumers;
  const layout = new AreaLayout(seed >>> 0);
  for (let first = start; first < end; ) {
    const target = first + batchSize;
    let last = end;
    if (target < end) {
      layout.locate(target);
      const below = layout.start;
      const above = Math.min(end, layout.start + layout.size);
      last = below > first && target - below < above - target ? below : above;
    }
    const firstArea = layout.locate(first).area;
    const count = layout.locate(last - 1).area - firstArea + 1;
    yield { first, count: last - first, areas: { first: firstArea, count } };
    first = last;
  }
}
