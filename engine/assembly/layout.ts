import { CORR_FIRST } from './columns';

// Memory layout. A fixed scratch area (sized for the longest curve the spec
// allows: 400 days × 288 points) is reused by every consumer, so the engine
// allocates nothing per consumer. The batch starts at the heap base:
// per-consumer columns, the readings, water, templates and the feature matrix.
// The host writes the inputs through the addresses exported below.
export const MAX_POINTS: i32 = 288;
export const MAX_DAYS: i32 = 400;
const MAX_READINGS: i32 = MAX_POINTS * MAX_DAYS;

// @ts-ignore: decorator
@inline function align16(address: usize): usize {
  return (address + 15) & ~(<usize>15);
}

// memory.data gives static addresses, constants in the compiled loops (a
// global would be reloaded on every iteration); zero-filled, it adds no bytes.
export const slotSum: usize = memory.data(MAX_POINTS * 8, 16); // f64[MAX_POINTS]: Σ valid readings per slot (kW)
export const slotCount: usize = memory.data(MAX_POINTS * 4, 16); // i32[MAX_POINTS]: valid readings per slot
export const daySum: usize = memory.data(MAX_DAYS * 8, 16); // f64[MAX_DAYS]: Σ valid readings per day (kW)
export const dayCount: usize = memory.data(MAX_DAYS * 4, 16); // i32[MAX_DAYS]
export const deviation: usize = memory.data(MAX_READINGS * 4, 16); // f32[MAX_READINGS]: x − mean (scaled kW), 0 where invalid
export const profile: usize = memory.data(MAX_POINTS * 8, 16); // f64[MAX_POINTS]: p_s − mean of p (kW)
const batchStart: usize = align16(__heap_base);

export let consumers: i32 = 0;
export let points: i32 = 96;
export let startWeekday: i32 = 0;
export let templateCount: i32 = 0;
export let featureCount: i32 = CORR_FIRST;

export let readingOffsets: usize = 0; // i32[consumers], floats from `readings`
export let readingCounts: usize = 0; // i32[consumers]
export let waterOffsets: usize = 0; // i32[consumers], floats from `water`
export let waterCounts: usize = 0; // i32[consumers]
export let capacities: usize = 0; // f32[consumers], kW
export let baselines: usize = 0; // f32[consumers], kW: the consumer's own reference mean (≤ 0, NaN, ±Inf = unknown; followup.md)
export let watchStatuses: usize = 0; // u8[consumers]: WatchStatus, 0 = not watched
export let watchFirstDays: usize = 0; // i32[consumers]: first day of the window on or after the watch's `since`
export let statuses: usize = 0; // u8[consumers], 0 = usable
export let categories: usize = 0; // u8[consumers]
export let zones: usize = 0; // u8[consumers]
export let validCounts: usize = 0; // i32[consumers]: valid readings, written by computeFeatures
export let readings: usize = 0; // f32[total readings], kW
export let water: usize = 0; // f32[total water], m³ per day
export let templates: usize = 0; // f64[templateCount × points]
export let matrix: usize = 0; // f64[featureCount × consumers], column-major
export let profiles: usize = 0; // f32[consumers × points]: each consumer's average daily profile p_s (kW, NaN without a value), kept for the peer pass

/** End address of a batch of this size, as f64 so that absurd sizes cannot wrap. */
export function batchBytes(count: i32, readingTotal: i32, waterTotal: i32, templateTotal: i32, pointsPerDay: i32): f64 {
  const c = <f64>count;
  let end = <f64>batchStart;
  end += c * 4 * 4 + 16; // offsets and counts, padded
  end += c * 4 + 16; // capacities
  end += c * 4 + 16; // baselines
  end += c * 4 + 16; // watch first days
  end += c + 16; // watch statuses
  end += c * 3 + 48; // status, category, zone
  end += c * 4; // valid counts
  end += <f64>readingTotal * 4 + 16;
  end += <f64>waterTotal * 4 + 16;
  end += <f64>templateTotal * pointsPerDay * 8 + 16;
  end += <f64>(CORR_FIRST + templateTotal) * c * 8 + 16;
  end += c * <f64>pointsPerDay * 4;
  end += 256; // 16-byte alignment of the seventeen regions
  return end;
}

/** Places a batch and grows memory to hold it. Returns false when it would pass the memory cap. */
export function layoutBatch(count: i32, readingTotal: i32, waterTotal: i32, templateTotal: i32, pointsPerDay: i32, weekday: i32): bool {
  const end = batchBytes(count, readingTotal, waterTotal, templateTotal, pointsPerDay);
  const pages = <i32>Math.ceil(end / 65536);
  if (end > 4294967295.0) return false;
  if (pages > memory.size() && memory.grow(pages - memory.size()) < 0) return false;
  consumers = count;
  points = pointsPerDay;
  startWeekday = weekday;
  templateCount = templateTotal;
  featureCount = CORR_FIRST + templateTotal;
  const c = <usize>count;
  readingOffsets = batchStart;
  readingCounts = align16(readingOffsets + c * 4);
  waterOffsets = align16(readingCounts + c * 4);
  waterCounts = align16(waterOffsets + c * 4);
  capacities = align16(waterCounts + c * 4);
  baselines = align16(capacities + c * 4);
  watchFirstDays = align16(baselines + c * 4);
  watchStatuses = align16(watchFirstDays + c * 4);
  statuses = align16(watchStatuses + c);
  categories = align16(statuses + c);
  zones = align16(categories + c);
  validCounts = align16(zones + c);
  readings = align16(validCounts + c * 4);
  water = align16(readings + <usize>readingTotal * 4);
  templates = align16(water + <usize>waterTotal * 4);
  matrix = align16(templates + <usize>templateTotal * pointsPerDay * 8);
  profiles = align16(matrix + <usize>(CORR_FIRST + templateTotal) * c * 8);
  return true;
}

// @ts-ignore: decorator
@inline export function put(feature: i32, consumer: i32, value: f64): void {
  store<f64>(matrix + ((<usize>feature * consumers + consumer) << 3), value);
}
