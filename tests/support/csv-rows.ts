// Rows of a CSV meter export for the property tests of the readers (wide,
// long, daylight saving): planned timestamps and their text, rows in a seeded
// order, and the consumers a reader hands the engine, decoded.
import { gridcode } from '#gen/scoring.js';
import type { BatchFile } from '../../cli/batch-file.js';
import { dayDate } from '../../cli/csv/timestamps.js';

export const MINUTE_MS = 60_000;
export const DAY = 86_400_000;

/** A planned timestamp: a clock time (minutes from midnight of the first day), or a cell that is not one. */
export type Stamp = { kind: 'grid'; minute: number } | { kind: 'bad'; text: string };

export const pad = (n: number) => String(n).padStart(2, '0');

/** A planned timestamp as written: the clock time from day `startDay`, with seconds, without or with a T. */
export function stampText(stamp: Stamp, s: { readonly startDay: number; readonly timeStyle: string }): string {
  if (stamp.kind === 'bad') return stamp.text;
  const day = Math.floor(stamp.minute / 1440);
  const minute = stamp.minute % 1440;
  const time = `${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`;
  const date = dayDate(s.startDay + day);
  return s.timeStyle === 'seconds' ? `${date} ${time}:00` : s.timeStyle === 'T' ? `${date}T${time}` : `${date} ${time}`;
}

/** A clock time (local ms) as a timestamp cell, with seconds. */
export const msText = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

/** The items in an order drawn from `seed` (in place), or as they are without one. */
export function shuffled<T>(items: T[], seed: number | null): T[] {
  if (seed === null) return items;
  let state = seed >>> 0;
  for (let i = items.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** The consumers a batch hands the engine, decoded. */
export function consumersOf(batch: Pick<BatchFile, 'blocks'>): gridcode.v1.Consumer[] {
  const out: gridcode.v1.Consumer[] = [];
  for (const block of batch.blocks()) {
    for (let k = 0; k < block.spans.length / 2; k++) out.push(gridcode.v1.Consumer.decode(block.bytes.subarray(block.spans[2 * k], block.spans[2 * k + 1])));
  }
  return out;
}
