// What a timestamp labels (--label): the interval starting at it (start, the
// default: 00:00 is 00:00–00:30), centred on it (middle: 00:15 is 00:00–00:30
// at 30 minutes) or ending at it (end: 00:30 is 00:00–00:30, and 00:00 of day
// D+1 the last reading of day D). A timestamp is moved back by half an
// interval (middle) or a whole one (end) before it is placed on the grid.
//
// Without --label, a file whose timestamps mostly sit at one phase off the
// grid (all at :15 and :45 at 30 minutes; nine rows in ten at the most common
// phase off it, whatever a few others are) is refused rather than read as all
// missing readings or silently shifted: PhaseCount counts the rows' minute of
// the hour as they are read, and phaseProblem tells what it means once the
// interval is known.
import { clockText } from './timestamps.js';

export type Label = 'start' | 'middle' | 'end';
export const LABELS: readonly Label[] = ['start', 'middle', 'end'];

const HOUR_MS = 3_600_000;
/** The share of rows at one phase off the grid that makes a file refused without --label. */
export const OFF_PHASE_SHARE = 0.9;

/** How far (ms) a timestamp with this label is moved back before it is placed. */
export function labelShift(label: Label | undefined, minutes: number): number {
  if (label === 'middle') return (minutes * 60_000) / 2;
  if (label === 'end') return minutes * 60_000;
  return 0;
}

/** Rows by their minute of the hour (60 counts), and rows not on a whole minute; every interval divides an hour. */
export class PhaseCount {
  readonly minutes = new Float64Array(60);
  notWholeMinute = 0;
  /** The first row at each minute of the hour: its clock time, for the message. */
  private readonly sample = new Float64Array(60).fill(NaN);

  add(ms: number): void {
    const inHour = ((ms % HOUR_MS) + HOUR_MS) % HOUR_MS;
    if (inHour % 60_000 !== 0) {
      this.notWholeMinute++;
      return;
    }
    const minute = inHour / 60_000;
    this.minutes[minute]!++;
    if (Number.isNaN(this.sample[minute]!)) this.sample[minute] = ms;
  }

  /** Adds another count (the long reader counts per consumer, then adds). */
  merge(other: PhaseCount): void {
    for (let m = 0; m < 60; m++) {
      this.minutes[m]! += other.minutes[m]!;
      if (Number.isNaN(this.sample[m]!)) this.sample[m] = other.sample[m]!;
    }
    this.notWholeMinute += other.notWholeMinute;
  }

  /** A row at a minute of the hour, for the message. */
  sampleAt(minute: number): number {
    return this.sample[minute]!;
  }
}

/** The zone the timestamps were turned into (--tz), when some were (instants, or --source-tz): its offset may be what puts them off the grid. */
export interface ConvertedZone {
  readonly name: string;
  /** Its offset from UTC (ms) at an instant: clock time − instant. */
  offsetAt(instant: number): number;
}

/**
 * Why a grid of `minutes` does not fit rows counted without --label: the rows
 * at the most common phase off it are nine in ten of all rows (rows at other
 * phases and not on a whole minute counted among all, and otherwise ignored:
 * one stray row at another phase does not switch the check off). Undefined
 * when it fits, when the rows off it are spread (a bad export, reported as
 * rows off the grid), or when --label was given. With `zone`, when that phase
 * is the zone's offset from UTC modulo the interval (Asia/Kathmandu's +05:45
 * at 60 minutes), the message says so.
 */
export function phaseProblem(count: PhaseCount, minutes: number, label: Label | undefined, zone?: ConvertedZone): string | undefined {
  if (label !== undefined) return undefined;
  let all = count.notWholeMinute;
  const atPhase = new Float64Array(minutes);
  const firstMinute = new Int32Array(minutes).fill(-1);
  for (let m = 0; m < 60; m++) {
    const rows = count.minutes[m]!;
    if (rows === 0) continue;
    all += rows;
    const phase = m % minutes;
    atPhase[phase]! += rows;
    if (firstMinute[phase]! < 0) firstMinute[phase] = m;
  }
  // The most common phase off the grid (the earlier on a tie).
  let phase = 0;
  let off = 0;
  for (let p = 1; p < minutes; p++) {
    if (atPhase[p]! > off) [phase, off] = [p, atPhase[p]!];
  }
  // Nine in ten rows at one phase: a gappy file whose detected interval is too long has rows both on and off its grid, and is not refused.
  if (off === 0 || off < OFF_PHASE_SHARE * all) return undefined;
  const sample = count.sampleAt(firstMinute[phase]!);
  const at = clockText(sample);
  const lead = `${off.toLocaleString('en-US')} of ${all.toLocaleString('en-US')} timestamps are ${phase} minute${phase === 1 ? '' : 's'} past the ${minutes}-minute grid of the clock (e.g. ${at})`;
  if (zone !== undefined) {
    // The clock time's offset, read at the instant it names (close enough for a message: off by at most a change).
    const offset = Math.round(zone.offsetAt(sample) / 60_000);
    if (offset % minutes !== 0 && (((offset % minutes) + minutes) % minutes) === phase) {
      return `${lead}: ${zone.name} is ${offsetText(offset)}, not a whole number of ${minutes}-minute intervals, so readings ${minutes} minutes apart in UTC cannot be laid on the ${minutes}-minute grid of ${zone.name}'s days (from its midnight). Give readings every ${gcdMinutes(offset, minutes)} minutes (resample the export), or another --tz whose offset is a whole number of ${minutes}-minute intervals from UTC (e.g. --tz UTC)`;
    }
  }
  if (phase * 2 === minutes) {
    return `${lead}: they look like the middles of the intervals; give --label middle to read each as the interval centred on it (${at} as the ${minutes} minutes from ${phase} minutes before), or --interval if the interval is not ${minutes} minutes`;
  }
  return `${lead}: gridcode's grid starts at midnight (00:00, then every ${minutes} minutes), and this one is not supported: resample the export onto it first (--label start, middle or end tells only where in its interval a timestamp sits)`;
}

/** UTC+05:45 of an offset in minutes. */
function offsetText(minutes: number): string {
  const a = Math.abs(minutes);
  return `UTC${minutes < 0 ? '−' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/** The longest interval of the engine's (5, 15, 30, 60 minutes) that divides both the offset and `minutes`. */
function gcdMinutes(offset: number, minutes: number): number {
  for (const m of [60, 30, 15, 5]) if (m <= minutes && offset % m === 0 && minutes % m === 0) return m;
  return 5;
}
