// Random meter exports across a daylight-saving change, planned for the
// --tz tests (cli/csv/daylight-saving.e2e.test.ts): a zone of
// daylight-saving.ts, a year of 2013–2026, a few days around its spring or
// autumn change (or from one to the other), the readings every 15, 30 or 60
// minutes from local midnight of the first day, written as instants (Z, the
// local offset, or either row by row) in a wide or a long CSV, with gaps, bad
// cells (csv-cells.ts) and rows in any order.
import fc from 'fast-check';
import { cellPlan, quote, renderCell, type CellPlan } from './csv-cells.js';
import { MINUTE_MS, pad, shuffled } from './csv-rows.js';
import { changeDay, midnight, offsetAt, offsetText, ZONES, type Transition } from './daylight-saving.js';

export const scenario = fc
  .record({
    zone: fc.constantFrom(...ZONES),
    year: fc.integer({ min: 2013, max: 2026 }),
    // A few days around one change, or (rarely) from one change to the other.
    around: fc.constantFrom<Transition | 'both'>('spring', 'spring', 'autumn', 'autumn', 'both'),
    before: fc.integer({ min: 0, max: 2 }),
    after: fc.integer({ min: 0, max: 2 }),
    minutes: fc.constantFrom(15, 30, 60),
    unit: fc.constantFrom('kw', 'kwh', 'wh'),
    /** Z (UTC), the local offset (+01:00 or +0100), or either, row by row. */
    stamps: fc.constantFrom('Z', 'offset', 'compact', 'mixed'),
    withT: fc.boolean(),
    seconds: fc.boolean(),
    separator: fc.constantFrom(',', ';'),
    giveInterval: fc.boolean(),
    consumers: fc.integer({ min: 1, max: 4 }),
    /** The cells drawn from (by a hash of row and consumer): a handful of plans keeps the case small however long the window. */
    cells: fc.array(cellPlan, { minLength: 1, maxLength: 12 }),
    seed: fc.integer(),
    /** Rows in any order (within a consumer for the long layout): which of two rows with one clock time comes first. */
    shuffle: fc.option(fc.integer(), { freq: 3 }),
    /** Rows left out (by index into the readings, modulo their number); one list a consumer for the long layout. */
    gaps: fc.array(fc.array(fc.nat(), { maxLength: 4 }), { minLength: 4, maxLength: 4 }),
  })
  // From spring to autumn (~7 months) hourly with at most two consumers: a few thousand rows, not tens of thousands.
  .map((s) => (s.around === 'both' ? { ...s, minutes: 60, consumers: Math.min(s.consumers, 2) } : s));

export type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

/** The local days of the window: [first, last]; a zone without daylight time takes the EU days. */
export function windowDays(s: Scenario): [number, number] {
  const day = (kind: Transition) => changeDay(s.zone, s.year, kind) ?? changeDay(ZONES[0]!, s.year, kind)!;
  const days = s.around === 'both' ? [day('spring'), day('autumn')] : [day(s.around)];
  return [Math.min(...days) - s.before, Math.max(...days) + s.after];
}

/** The readings' instants: every interval from local midnight of the first day to that after the last. */
export function instants(s: Scenario): number[] {
  const [first, last] = windowDays(s);
  const end = midnight(s.zone, last + 1);
  const out: number[] = [];
  for (let t = midnight(s.zone, first); t < end; t += s.minutes * MINUTE_MS) out.push(t);
  return out;
}

const hash = (...xs: number[]) => xs.reduce((h, x) => Math.imul(h ^ x, 0x9e3779b1) >>> 0, 0x811c9dc5);

/** A timestamp as written: the instant in UTC with Z, or its clock time in the zone with the offset. */
function stampText(s: Scenario, instant: number, row: number): string {
  const style = s.stamps === 'mixed' ? (['Z', 'offset', 'compact'] as const)[hash(s.seed, row) % 3]! : s.stamps;
  const offset = offsetAt(s.zone, instant);
  const shown = new Date(style === 'Z' ? instant : instant + offset * MINUTE_MS);
  const date = `${shown.getUTCFullYear()}-${pad(shown.getUTCMonth() + 1)}-${pad(shown.getUTCDate())}`;
  const time = `${pad(shown.getUTCHours())}:${pad(shown.getUTCMinutes())}${s.seconds ? ':00' : ''}`;
  return `${date}${s.withT ? 'T' : ' '}${time}${style === 'Z' ? 'Z' : offsetText(offset, style === 'compact')}`;
}

/** Consumer j's cell at reading k. */
const cellAt = (s: Scenario, k: number, j: number): CellPlan => s.cells[hash(s.seed, k, j) % s.cells.length]!;

/** A row as planned: its instant (reading k) and cells (one a consumer for wide, one for long). */
export interface RowPlan {
  readonly k: number;
  readonly instant: number;
  readonly cells: CellPlan[];
}

export const ids = (s: Scenario) => Array.from({ length: s.consumers }, (_, j) => `meter-${j + 1}`);

/** The wide export's rows in file order: a row per reading, less the first consumer's gaps (a gap of a wide file is a row). */
export function wideRows(s: Scenario, all: number[]): RowPlan[] {
  const gaps = new Set(s.gaps[0]!.map((g) => g % all.length));
  const rows = all.flatMap((instant, k) => (gaps.has(k) ? [] : [{ k, instant, cells: ids(s).map((_, j) => cellAt(s, k, j)) }]));
  return shuffled(rows, s.shuffle);
}

/** The long export's rows of each consumer, in file order. */
export function longRows(s: Scenario, all: number[]): RowPlan[][] {
  return ids(s).map((_, j) => {
    const gaps = new Set(s.gaps[j]!.map((g) => g % all.length));
    const rows = all.flatMap((instant, k) => (gaps.has(k) ? [] : [{ k, instant, cells: [cellAt(s, k, j)] }]));
    return shuffled(rows, s.shuffle === null ? null : s.shuffle + j);
  });
}

export function renderWide(s: Scenario, rows: RowPlan[]): string {
  const lines = [['time', ...ids(s)].join(s.separator)];
  for (const row of rows) lines.push([stampText(s, row.instant, row.k), ...row.cells.map((c) => renderCell(c, s.separator).text)].map((t) => quote(t, s.separator)).join(s.separator));
  return `${lines.join('\n')}\n`;
}

export function renderLong(s: Scenario, perConsumer: RowPlan[][]): string {
  const lines = [['id', 'timestamp', 'value'].join(s.separator)];
  perConsumer.forEach((rows, j) => {
    for (const row of rows) lines.push([ids(s)[j]!, stampText(s, row.instant, row.k), renderCell(row.cells[0]!, s.separator).text].map((t) => quote(t, s.separator)).join(s.separator));
  });
  return `${lines.join('\n')}\n`;
}

/** Spring and autumn changes whose local day is in the window (none for a zone without daylight time). */
export function changesIn(s: Scenario, firstDay: number, lastDay: number): Record<Transition, number> {
  const count = (kind: Transition) => [s.year].map((y) => changeDay(s.zone, y, kind)).filter((d) => d !== undefined && d >= firstDay && d <= lastDay).length;
  return { spring: count('spring'), autumn: count('autumn') };
}
