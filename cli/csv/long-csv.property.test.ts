// The grid of a long CSV (id,timestamp,value) on random small exports: a few
// consumers, gaps, repeated timestamps with other values, rows off the grid,
// unreadable timestamps, bad cells (Null, empty, 1,5 …), short and long rows,
// rows without an id, timestamps shuffled within each consumer, the three
// columns in any order and case, three separators, CRLF, intervals of 15, 30
// and 60 minutes, units kW, kWh and Wh, --from/--to. Each export is generated
// from a plan and opened as cli/open-batch.ts opens it (openInput on a .csv
// file); the curves the reader hands the engine are checked against curves
// built here from the plan (not from the text), bit for bit, and every count
// of the report exactly. The same readings written as a wide CSV give the
// same curves. Generators and model follow wide-csv.property.test.ts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellPlan, quote, renderCell, sameBits, type CellPlan } from '../../tests/support/csv-cells.js';
import { consumersOf, DAY, MINUTE_MS, msText, pad, shuffled, stampText, type Stamp } from '../../tests/support/csv-rows.js';
import type { BatchFile } from '../batch-file.js';
import { InputError } from '../errors.js';
import { openInput } from '../open-batch.js';
import { openLongCsv } from './long-csv-batch.js';
import { wideCsvOptions, type Unit } from './options.js';
import { reportText, type DataQualityReport } from './report.js';
import { clockDay, dayDate } from './timestamps.js';
import { STRAY_GAP_DAYS } from './window.js';
import { openWideCsv } from './wide-csv-batch.js';

const RUNS = 200 * (Number(process.env.CSV_FUZZ_SCALE ?? 1) || 1);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gridcode-long-property-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// ---- Plans ----

/** Logical columns: 0 id, 1 timestamp, 2 value. */
const ID = 0;
const TIME = 1;
const VALUE = 2;

interface RowPlan {
  /** The consumer's index in the plan, -1 for a row with an empty id. */
  readonly consumer: number;
  readonly stamp: Stamp;
  readonly cell: CellPlan;
  /** Fields written: 3, fewer (the last ones dropped: a short row) or 4 (a long row). */
  readonly length: number;
  /** Spaces around the id (trimmed by the reader). */
  readonly padId: boolean;
}

const PERMUTATIONS = [
  [0, 1, 2],
  [0, 2, 1],
  [1, 0, 2],
  [1, 2, 0],
  [2, 0, 1],
  [2, 1, 0],
] as const;

const scenario = fc
  .record({
    minutes: fc.constantFrom(15, 30, 60),
    days: fc.integer({ min: 1, max: 5 }),
    consumers: fc.integer({ min: 1, max: 4 }),
    unit: fc.constantFrom<Unit>('kw', 'kwh', 'wh'),
    separator: fc.constantFrom(',', ',', ';', '\t'),
    giveInterval: fc.boolean(),
    startDay: fc.integer({ min: clockDay(2000, 1, 1)!, max: clockDay(2030, 12, 31)! }),
    crlf: fc.boolean(),
    bom: fc.boolean(),
    timeStyle: fc.constantFrom('seconds', 'minutes', 'T'),
    // File position → logical column (mostly id,timestamp,value), and the header's case.
    order: fc.oneof({ arbitrary: fc.constant(PERMUTATIONS[0]), weight: 4 }, { arbitrary: fc.constantFrom(...PERMUTATIONS), weight: 1 }),
    headerCase: fc.constantFrom('lower', 'lower', 'upper', 'title'),
    // Now and then mostly gaps, or many rows off the grid (they may make the interval).
    gapWeight: fc.constantFrom(1, 1, 1, 40),
    extraRows: fc.constantFrom(3, 3, 40),
  })
  .chain((s) => {
    const slots = s.days * (1440 / s.minutes);
    // How many rows a grid time gets: mostly one, sometimes none (a gap) or two or three (repeated timestamps, other values).
    const copies = fc.oneof({ arbitrary: fc.constant(1), weight: 8 }, { arbitrary: fc.constant(0), weight: s.gapWeight }, { arbitrary: fc.integer({ min: 2, max: 3 }), weight: 1 });
    const extra = fc.oneof(
      fc.record({ kind: fc.constant('off' as const), slot: fc.nat(slots - 1), after: fc.constantFrom(Math.floor(s.minutes / 2), s.minutes / 3, 1, s.minutes - 1) }),
      fc.record({ kind: fc.constant('bad' as const), text: fc.constantFrom('garbage', '2013-13-01 00:00', '01/02/2013 00:00', '2013-01-01 24:00', 'tstp', '') }),
    );
    const consumer = fc.record({
      grid: fc.array(fc.tuple(copies, fc.array(cellPlan, { minLength: 3, maxLength: 3 })), { minLength: slots, maxLength: slots }),
      extras: fc.array(fc.tuple(extra, cellPlan, fc.nat()), { maxLength: s.extraRows }),
      // Rows made short (fields dropped from the end) or long (a field added), rarely.
      reshape: fc.array(fc.tuple(fc.nat(), fc.constantFrom(1, 2, 2, 4)), { maxLength: 2 }),
      padIds: fc.array(fc.nat(), { maxLength: 2 }),
      shuffle: fc.option(fc.integer(), { freq: 5 }),
      // Now and then a consumer read at 2 or 4 times the file's interval (rows at every 2nd or 4th grid time only): an hourly meter among half-hourly ones.
      every: fc.constantFrom(1, 1, 1, 1, 1, 2, 4),
    });
    return fc.record({
      s: fc.constant(s),
      consumers: fc.array(consumer, { minLength: s.consumers, maxLength: s.consumers }),
      // Rows with an empty id, anywhere: [position, minute, cell, spaces].
      noId: fc.array(fc.tuple(fc.nat(), fc.nat(slots - 1), cellPlan, fc.boolean()), { maxLength: 2 }),
      window: fc.option(
        fc.tuple(fc.option(fc.nat(s.days - 1)), fc.option(fc.nat(s.days - 1))).map(([a, b]) => (a !== null && b !== null && b < a ? ([b, a] as const) : ([a, b] as const))),
        { freq: 3 },
      ),
    });
  });

type Case = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

const ids = (c: Case) => c.consumers.map((_, j) => `meter-${j + 1}`);

/** The rows of the export in file order, as planned: each consumer's rows together, in any order within it. */
function planRows(c: Case): RowPlan[] {
  const { s } = c;
  const rows: RowPlan[] = [];
  c.consumers.forEach((plan, j) => {
    let own: RowPlan[] = [];
    plan.grid.forEach(([copies, cells], slot) => {
      if (slot % plan.every !== 0) return;
      for (let i = 0; i < copies; i++) own.push({ consumer: j, stamp: { kind: 'grid', minute: slot * s.minutes }, cell: cells[i]!, length: 3, padId: false });
    });
    for (const [extra, cell, at] of plan.extras) {
      const stamp: Stamp = extra.kind === 'off' ? { kind: 'grid', minute: extra.slot * s.minutes + extra.after } : { kind: 'bad', text: extra.text };
      own.splice(at % (own.length + 1), 0, { consumer: j, stamp, cell, length: 3, padId: false });
    }
    own = shuffled(own, plan.shuffle);
    for (const [at, length] of plan.reshape) if (own.length > 0) own[at % own.length] = { ...own[at % own.length]!, length };
    for (const at of plan.padIds) if (own.length > 0) own[at % own.length] = { ...own[at % own.length]!, padId: true };
    rows.push(...own);
  });
  for (const [at, slot, cell, spaces] of c.noId) rows.splice(at % (rows.length + 1), 0, { consumer: -1, stamp: { kind: 'grid', minute: slot * s.minutes }, cell, length: 3, padId: spaces });
  return rows;
}

/** The fields of a row by logical column (id, timestamp, value). */
function logicalFields(row: RowPlan, c: Case, stamp = (at: Stamp) => stampText(at, c.s)): string[] {
  const id = row.consumer < 0 ? '' : ids(c)[row.consumer]!;
  return [row.padId ? ` ${id}  ` : id, stamp(row.stamp), renderCell(row.cell, c.s.separator).text];
}

/** How many fields of a row are written: a short row whose one field is blank would be an empty line (not a record), so it keeps two. */
function writtenLength(row: RowPlan, c: Case): number {
  if (row.length !== 1) return row.length;
  return logicalFields(row, c)[c.s.order[0]]!.trim() === '' ? 2 : 1;
}

/** Whether a logical column is in a row as written. */
const has = (row: RowPlan, c: Case, column: number) => c.s.order.indexOf(column as 0 | 1 | 2) < writtenLength(row, c);

/** The export as text; `stamp` writes a timestamp cell (the plan's clock times by default). */
function renderLong(c: Case, rows: RowPlan[], stamp = (at: Stamp) => stampText(at, c.s)): string {
  const { s } = c;
  const eol = s.crlf ? '\r\n' : '\n';
  const names = ['id', 'timestamp', 'value'].map((n) => (s.headerCase === 'upper' ? n.toUpperCase() : s.headerCase === 'title' ? n[0]!.toUpperCase() + n.slice(1) : n));
  const lines = [s.order.map((col) => names[col]!).join(s.separator)];
  for (const row of rows) {
    const fields = logicalFields(row, c, stamp);
    const line = [...s.order.map((col) => fields[col]!), 'extra'].slice(0, writtenLength(row, c));
    lines.push(line.map((t) => quote(t, s.separator)).join(s.separator));
  }
  return `${s.bom ? '\uFEFF' : ''}${lines.join(eol)}${eol}`;
}

// ---- The model ----

interface PerConsumer {
  id: string;
  numbers: number;
  negative: number;
  empty: number;
  unreadable: number;
  absent: number;
  validReadings: number;
  missingReadings: number;
  offGrid: number;
  duplicates: number;
  slotsWithoutRow: number;
}

interface Model {
  readonly error?: RegExp;
  /** The ids of consumers with no row in the window (no readable timestamp within --from/--to): all missing readings. */
  readonly withoutRowsInWindow?: string[];
  readonly interval?: number;
  readonly firstDay?: number;
  readonly days?: number;
  readonly ids?: string[];
  readonly curves?: Float32Array[];
  /** The report's counts (reportCounts below). */
  readonly report?: Record<string, unknown>;
  readonly perConsumer?: PerConsumer[];
  /** Consumers at another interval than the grid's with kWh or Wh: all missing readings. */
  readonly differing?: string[];
}

/** What the reader must make of the planned rows, worked out from the plan alone. */
function model(c: Case, rows: RowPlan[]): Model {
  const { s } = c;
  const [fromDay, toDay] = c.window === null ? [null, null] : c.window;
  const allIds = ids(c);
  const withId = rows.filter((row) => row.consumer >= 0 && has(row, c, ID));
  const present = [...new Set(withId.map((row) => row.consumer))].sort((a, b) => a - b);
  const short = rows.filter((row) => writtenLength(row, c) < 3).length;
  const long = rows.filter((row) => writtenLength(row, c) > 3).length;
  const withoutId = rows.length - withId.length;
  if (present.length === 0) return { error: /the file has no row with a consumer id/ };
  const minuteOf = (row: RowPlan) => (row.stamp as { minute: number }).minute;
  const dayOf = (row: RowPlan) => Math.floor(minuteOf(row) / 1440);
  let unreadable = 0;
  let outside = 0;
  const per = present.map((j) => {
    const own = withId.filter((row) => row.consumer === j);
    const cells = { numbers: 0, negative: 0, empty: 0, unreadable: 0, absent: 0 };
    for (const row of own) {
      if (!has(row, c, VALUE)) cells.absent++;
      else {
        const e = renderCell(row.cell, s.separator).expected;
        if (e === 'empty') cells.empty++;
        else if (e === 'bad') cells.unreadable++;
        else {
          cells.numbers++;
          if (e < 0) cells.negative++;
        }
      }
    }
    const readable = own.filter((row) => row.stamp.kind === 'grid' && has(row, c, TIME));
    const inWindow = readable.filter((row) => (fromDay === null || dayOf(row) >= fromDay) && (toDay === null || dayOf(row) <= toDay));
    unreadable += own.length - readable.length;
    outside += readable.length - inWindow.length;
    return { j, own, cells, readable, inWindow };
  });
  const all = per.flatMap((p) => p.inWindow);
  if (per.every((p) => p.readable.length === 0)) return { error: /no row has a readable timestamp/ };
  if (all.length === 0 && (fromDay === null || toDay === null)) return { error: /no row has a timestamp within --from and --to/ };
  let interval: number = s.minutes;
  if (!s.giveInterval) {
    // The most common step between consecutive distinct timestamps within each consumer, over all consumers.
    const steps = new Map<number, number>();
    for (const p of per) {
      const distinct = [...new Set(p.inWindow.map(minuteOf))].sort((a, b) => a - b);
      for (let i = 1; i < distinct.length; i++) steps.set(distinct[i]! - distinct[i - 1]!, (steps.get(distinct[i]! - distinct[i - 1]!) ?? 0) + 1);
    }
    if (steps.size === 0) return { error: /no consumer has two distinct timestamps in the window: the interval cannot be told; give --interval MINUTES/ };
    const most = Math.max(...steps.values());
    interval = Math.min(...[...steps].filter(([, count]) => count === most).map(([step]) => step));
    if (![5, 15, 30, 60].includes(interval)) return { error: /most often/ };
  }
  // Without --label, nine rows in ten at the most common phase off the grid (e.g. all at :15/:45 at 30 minutes) are refused (label.ts).
  const atOnePhase = mostAtOnePhase(all.map(minuteOf), interval);
  if (atOnePhase > 0 && atOnePhase >= 0.9 * all.length) return { error: /minutes? past the \d+-minute grid of the clock/ };
  const firstDay = fromDay ?? Math.min(...all.map(dayOf));
  const lastDay = toDay ?? Math.max(...all.map(dayOf));
  const P = 1440 / interval;
  const slots = (lastDay - firstDay + 1) * P;
  const factor = s.unit === 'kw' ? 1 : s.unit === 'kwh' ? 60 / interval : 60 / interval / 1000;
  const curves: Float32Array[] = [];
  const perConsumer: PerConsumer[] = [];
  const allZero: string[] = [];
  let onGrid = 0;
  let offGrid = 0;
  let duplicates = 0;
  // With kWh or Wh, a consumer whose own most common step (steps over a day left out; the smaller on a tie) is not the grid's,
  // over at least a day of readings, has all readings missing and is counted (own-interval.ts).
  let differing = 0;
  const differingIds: string[] = [];
  let firstDiffering: { id: string; minutes: number } | null = null;
  for (const p of per) {
    const [step, count] = ownStep(p.inWindow.map(minuteOf));
    const differs = s.unit !== 'kw' && step !== 0 && step !== interval && (count + 1) * step >= 1440;
    if (differs) {
      differingIds.push(allIds[p.j]!);
      differing++;
      firstDiffering ??= { id: allIds[p.j]!, minutes: step };
    }
    const curve = new Float32Array(slots).fill(NaN);
    const taken = new Set<number>();
    let off = 0;
    let dup = 0;
    for (const row of p.inWindow) {
      const offset = minuteOf(row) - firstDay * 1440;
      if (offset % interval !== 0) {
        off++;
        continue;
      }
      const slot = offset / interval;
      if (taken.has(slot)) {
        dup++;
        continue;
      }
      taken.add(slot);
      const e = has(row, c, VALUE) ? renderCell(row.cell, s.separator).expected : 'empty';
      if (typeof e === 'number' && !differs) curve[slot] = e * factor;
    }
    const valid = curve.filter((v) => v >= 0 && v < Infinity);
    if (valid.length > 0 && valid.every((v) => v === 0)) allZero.push(allIds[p.j]!);
    curves.push(curve);
    onGrid += taken.size;
    offGrid += off;
    duplicates += dup;
    perConsumer.push({ id: allIds[p.j]!, ...p.cells, validReadings: valid.length, missingReadings: slots - valid.length, offGrid: off, duplicates: dup, slotsWithoutRow: slots - taken.size });
  }
  const sum = (key: keyof PerConsumer) => perConsumer.reduce((a, x) => a + (x[key] as number), 0);
  const valid = sum('validReadings');
  const n = present.length;
  return {
    withoutRowsInWindow: per.filter((p) => p.inWindow.length === 0).map((p) => allIds[p.j]!),
    differing: differingIds,
    interval,
    firstDay,
    days: lastDay - firstDay + 1,
    ids: present.map((j) => allIds[j]!),
    curves,
    perConsumer,
    report: {
      format: 'long-csv',
      separator: s.separator,
      decimalComma: s.separator === ';',
      rowsRead: rows.length,
      consumers: n,
      interval: { minutes: interval, pointsPerDay: P, detected: !s.giveInterval },
      window: { startDate: dayDate(s.startDay + firstDay), endDate: dayDate(s.startDay + lastDay), days: lastDay - firstDay + 1, readingsPerConsumer: slots },
      timestamps: { onGrid, offGrid, duplicates, unreadable, outsideFromTo: outside, slotsWithoutRow: n * slots - onGrid, converted: 0 },
      rows: { short, long, unreadableCsv: 0, withoutId },
      cells: { numbers: sum('numbers'), negative: sum('negative'), empty: sum('empty'), unreadable: sum('unreadable'), absent: sum('absent') },
      readings: { total: n * slots, valid, missing: n * slots - valid },
      consumersWithoutValidReading: perConsumer.filter((x) => x.validReadings === 0).map((x) => x.id),
      consumersAllZero: allZero,
      intervalDiffers: { consumers: differing, first: firstDiffering },
    },
  };
}

/** Rows at the most common phase off a grid of `interval` minutes. */
function mostAtOnePhase(minutes: number[], interval: number): number {
  const atPhase = new Map<number, number>();
  for (const m of minutes) if (m % interval !== 0) atPhase.set(m % interval, (atPhase.get(m % interval) ?? 0) + 1);
  return Math.max(0, ...atPhase.values());
}

/** A consumer's most common step in minutes between its distinct times (steps over a day left out, the smaller on a tie) and its count; [0, 0] without one. */
function ownStep(minutes: number[]): [number, number] {
  const distinct = [...new Set(minutes)].sort((a, b) => a - b);
  const steps = new Map<number, number>();
  for (let i = 1; i < distinct.length; i++) {
    const step = distinct[i]! - distinct[i - 1]!;
    if (step <= 1440) steps.set(step, (steps.get(step) ?? 0) + 1);
  }
  let best: [number, number] = [0, 0];
  for (const [step, count] of steps) if (count > best[1] || (count === best[1] && step < best[0])) best = [step, count];
  return best;
}

/** The report's part the model works out. */
function reportCounts(r: DataQualityReport): Record<string, unknown> {
  return {
    format: r.format,
    separator: r.separator,
    decimalComma: r.decimalComma,
    rowsRead: r.rowsRead,
    consumers: r.consumers,
    interval: r.interval,
    window: { startDate: r.window.startDate, endDate: r.window.endDate, days: r.window.days, readingsPerConsumer: r.window.readingsPerConsumer },
    timestamps: {
      onGrid: r.timestamps.onGrid,
      offGrid: r.timestamps.offGrid,
      duplicates: r.timestamps.duplicates,
      unreadable: r.timestamps.unreadable,
      outsideFromTo: r.timestamps.outsideFromTo,
      slotsWithoutRow: r.timestamps.slotsWithoutRow,
      converted: r.timestamps.converted,
    },
    rows: { short: r.rows.short, long: r.rows.long, unreadableCsv: r.rows.unreadableCsv, withoutId: r.rows.withoutId },
    cells: r.cells,
    readings: r.readings,
    consumersWithoutValidReading: r.consumersWithoutValidReading,
    consumersAllZero: r.consumersAllZero,
    intervalDiffers: r.intervalDiffers,
  };
}

// ---- Opening ----

function csvOptions(c: Case, extra: Record<string, string> = {}) {
  const { s } = c;
  const [from, to] = c.window === null ? [null, null] : c.window;
  return wideCsvOptions(
    {
      unit: s.unit,
      // Every consumer gets the category given (an accounts file will give each its own).
      category: 'commercial',
      ...(s.giveInterval ? { interval: String(s.minutes) } : {}),
      ...(from !== null ? { from: dayDate(s.startDay + from) } : {}),
      ...(to !== null ? { to: dayDate(s.startDay + to) } : {}),
      ...extra,
    },
    'score',
  );
}

let files = 0;

/** The long CSV written to a .csv file and opened as the command line opens its --input. */
async function openLong(c: Case, text: string, extra: Record<string, string> = {}): Promise<BatchFile> {
  const path = join(dir, `long-${files++}.csv`);
  writeFileSync(path, text);
  return openInput(path, csvOptions(c, extra));
}

function expectCurve(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length, what).toBe(want.length);
  let wrong = -1;
  for (let t = 0; t < want.length && wrong < 0; t++) if (!sameBits(got[t]!, want[t]!)) wrong = t;
  expect(wrong, `${what}, reading ${wrong}: ${got[wrong]} instead of ${want[wrong]}`).toBe(-1);
}

/**
 * The same readings as a wide CSV: a row per timestamp of any consumer (in
 * time order), the k-th row of a timestamp holding each consumer's k-th cell
 * of that timestamp in the long file (empty when it has fewer), so that the
 * first row of a timestamp holds every consumer's first.
 */
function renderWide(c: Case, rows: RowPlan[], present: string[]): string {
  const { s } = c;
  const byMinute = new Map<number, Map<string, string[]>>();
  for (const row of rows) {
    if (row.consumer < 0 || !has(row, c, ID) || !has(row, c, TIME) || row.stamp.kind !== 'grid') continue;
    const id = ids(c)[row.consumer]!;
    const at = byMinute.get(row.stamp.minute) ?? new Map<string, string[]>();
    byMinute.set(row.stamp.minute, at);
    const cells = at.get(id) ?? [];
    at.set(id, cells);
    cells.push(has(row, c, VALUE) ? renderCell(row.cell, s.separator).text : '');
  }
  const lines = [['time', ...present].join(s.separator)];
  for (const minute of [...byMinute.keys()].sort((a, b) => a - b)) {
    const at = byMinute.get(minute)!;
    const copies = Math.max(...[...at.values()].map((cells) => cells.length));
    for (let k = 0; k < copies; k++) lines.push([stampText({ kind: 'grid', minute }, s), ...present.map((id) => at.get(id)?.[k] ?? '')].map((t) => quote(t, s.separator)).join(s.separator));
  }
  return `${lines.join('\n')}\n`;
}

// ---- The properties ----

describe('a random long CSV', () => {
  it('gives the curves and counts worked out from its plan, and the curves of the same readings written wide', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (c) => {
        const rows = planRows(c);
        const text = renderLong(c, rows);
        const expected = model(c, rows);
        if (expected.error) {
          const error = await openLong(c, text).then(
            (batch) => {
              batch.close();
              return new Error('opened');
            },
            (e: unknown) => e as Error,
          );
          expect(error).toBeInstanceOf(InputError);
          expect(error.message).toMatch(expected.error);
          return;
        }
        const batch = await openLong(c, text);
        try {
          expect(batch.header.startDate).toBe(dayDate(c.s.startDay + expected.firstDay!));
          expect(batch.header.pointsPerDay).toBe(1440 / expected.interval!);
          expect(batch.consumerCount).toBe(expected.ids!.length);
          const consumers = consumersOf(batch);
          expect(consumers.map((x) => x.id)).toEqual(expected.ids);
          consumers.forEach((consumer, j) => {
            expect(consumer.category).toBe(2);
            expectCurve(consumer.loadKw, expected.curves![j]!, `consumer ${consumer.id}`);
          });
          const report = (batch as BatchFile & { report: DataQualityReport }).report;
          expect(reportCounts(report)).toEqual(expected.report);
          expect(report.perConsumer).toEqual(expected.perConsumer);
        } finally {
          batch.close();
        }

        // Written wide, on the long file's grid (interval and days given, for the wide reader finds the interval over all consumers at once).
        // A consumer at another interval is all missing in the long reader only: the wide file leaves it out (there its
        // timestamps would be every consumer's, and an interval change refuses the file).
        const widePresent = expected.ids!.filter((id) => !expected.differing!.includes(id));
        if (widePresent.length === 0) return;
        const wide = renderWide(c, rows.filter((row) => row.consumer < 0 || !expected.differing!.includes(ids(c)[row.consumer]!)), widePresent);
        const wideBatch = await openWideCsv(
          { path: 'wide.csv', name: 'wide.csv', opened: () => undefined },
          wideCsvOptions({ unit: c.s.unit, interval: String(expected.interval), from: dayDate(c.s.startDay + expected.firstDay!), to: dayDate(c.s.startDay + expected.firstDay! + expected.days! - 1) }, 'score'),
          Readable.from([Buffer.from(wide)]),
        );
        const fromWide = consumersOf(wideBatch);
        expect(fromWide.map((x) => x.id)).toEqual(widePresent);
        fromWide.forEach((consumer) => expectCurve(consumer.loadKw, expected.curves![expected.ids!.indexOf(consumer.id)]!, `wide consumer ${consumer.id}`));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('a consumer with no row in the window', () => {
  // A consumer whose rows all have an unreadable timestamp (or one outside --from/--to) is all missing readings,
  // not a failed batch (the property found it: blocks() threw GridError). Minimal case:
  //   id,timestamp,value
  //   a,garbage,1
  //   b,2013-01-01 00:00,1
  //   b,2013-01-01 01:00,2
  it('reads as all missing readings', () => {
    const path = join(dir, 'no-rows.csv');
    writeFileSync(path, 'id,timestamp,value\na,garbage,1\nb,2013-01-01 00:00,1\nb,2013-01-01 01:00,2\n');
    const batch = openLongCsv({ path, name: path, opened: () => undefined }, wideCsvOptions({ unit: 'kw' }, 'score'));
    try {
      const [a, b] = consumersOf(batch);
      expect(a!.loadKw.every((v) => Number.isNaN(v))).toBe(true);
      expect(b!.loadKw.slice(0, 2)).toEqual([1, 2]);
      expect((batch as BatchFile & { report: DataQualityReport }).report.consumersWithoutValidReading).toEqual(['a']);
    } finally {
      batch.close();
    }
  });
});

describe('a long CSV the reader must say something about', () => {
  const openText = (file: string, text: string | Buffer, flags: Record<string, string> = {}) => {
    const path = join(dir, file);
    writeFileSync(path, text);
    return openLongCsv({ path, name: file, opened: () => undefined }, wideCsvOptions({ unit: 'kw', ...flags }, 'score'));
  };

  it('says no consumer has two distinct timestamps when each has one (not that every row has the same one)', () => {
    expect(() => openText('one-each.csv', 'id,timestamp,value\na,2024-01-01 00:00,1\nb,2024-01-01 00:30,2\nc,2024-01-01 01:00,2\n')).toThrow(
      'no consumer has two distinct timestamps in the window: the interval cannot be told; give --interval MINUTES',
    );
  });

  it('says no row has a readable timestamp when none has, --from and --to given or not', () => {
    const text = 'id,timestamp,value\na,garbage,1\nb,junk,2\n';
    const message = 'no row has a readable timestamp (line 2: "garbage")';
    expect(() => openText('all-bad.csv', text)).toThrow(message);
    expect(() => openText('all-bad.csv', text, { from: '2024-01-01', to: '2024-01-02' })).toThrow(message);
    expect(() => openText('outside.csv', 'id,timestamp,value\na,2024-01-01 00:00,1\n', { from: '2025-01-01' })).toThrow('no row has a timestamp within --from and --to');
  });

  it('skips a stray instant (Z or an offset) among clock times without --tz as an unreadable timestamp, and refuses more than a few', () => {
    const hours = Array.from({ length: 100 }, (_, h) => `a,2024-01-${pad(1 + Math.floor(h / 24))} ${pad(h % 24)}:00,1`);
    const stray = [...hours.slice(0, 50), 'a,2024-01-03T02:30:00Z,9', ...hours.slice(50)];
    const batch = openText('one-instant.csv', `id,timestamp,value\n${stray.join('\n')}\n`);
    try {
      expect(consumersOf(batch)[0]!.loadKw.filter((kw) => kw === 1).length).toBe(100);
      expect(reportOf(batch).timestamps.unreadable).toBe(1);
      expect(reportOf(batch).timestamps.firstUnreadable).toBe('line 52: "2024-01-03T02:30:00Z"');
    } finally {
      batch.close();
    }
    // 1 in 100 rows with a timestamp is no longer a few (STRAY_SHARE): the file is refused, naming the first.
    const many = [...hours.slice(0, 99), 'a,2024-01-05T02:00:00+01:00,9'];
    expect(() => openText('instants.csv', `id,timestamp,value\n${many.join('\n')}\n`)).toThrow('line 101: the timestamp "2024-01-05T02:00:00+01:00" is an instant (it has a UTC offset) (1 of 100 timestamps are), not a clock time: give --tz ZONE');
  });

  it('refuses ids that are not UTF-8, naming the line and iconv, rather than merging them; UTF-8 ids stay distinct', () => {
    const rows = (ids: string[]) => ids.flatMap((id) => [`${id},2024-01-01 00:00,1`, `${id},2024-01-01 01:00,2`]).join('\n');
    // Windows-1252: ü and ä are the single bytes 0xFC and 0xE4, no UTF-8 characters.
    const latin1 = Buffer.from(`id,timestamp,value\n${rows(['Müller', 'Mäller'])}\n`, 'latin1');
    expect(() => openText('latin1.csv', latin1)).toThrow(/line 2: the consumer id "M\uFFFDller" has bytes that are not UTF-8.*iconv -f windows-1252 -t utf-8/);
    const header = Buffer.from(`id,Zeitpunkt,Zählerstand\n${rows(['a'])}\n`, 'latin1');
    expect(() => openText('latin1-header.csv', header, { 'time-column': 'Zeitpunkt', 'value-column': 'Zählerstand' })).toThrow(/line 1: the column name "Z\uFFFDhlerstand" has bytes that are not UTF-8/);
    const batch = openText('utf8.csv', `id,timestamp,value\n${rows(['Müller', 'Mäller'])}\n`);
    try {
      expect(consumersOf(batch).map((c) => c.id)).toEqual(['Müller', 'Mäller']);
    } finally {
      batch.close();
    }
  });

  it('leaves a consumer at another interval all missing with kWh, counts it and names it, and reads the others (mixed.csv of the review)', () => {
    const halfHours = Array.from({ length: 144 }, (_, k) => `2024-01-${pad(1 + Math.floor(k / 48))} ${pad(Math.floor((k % 48) / 2))}:${k % 2 === 0 ? '00' : '30'}`);
    const text = `id,timestamp,value\n${halfHours.map((t) => `a,${t},0.5`).join('\n')}\n${halfHours.filter((_, k) => k % 2 === 0).map((t) => `b,${t},1.0`).join('\n')}\n${halfHours.map((t) => `c,${t},0.5`).join('\n')}\n`;
    const batch = openText('mixed.csv', text, { unit: 'kwh' });
    try {
      const [a, b, c] = consumersOf(batch);
      // 0.5 kWh per 30 minutes is 1 kW.
      expect([...a!.loadKw].every((kw) => kw === 1)).toBe(true);
      expect([...c!.loadKw].every((kw) => kw === 1)).toBe(true);
      expect([...b!.loadKw].every((kw) => Number.isNaN(kw))).toBe(true);
      const report = reportOf(batch);
      expect(report.intervalDiffers).toEqual({ consumers: 1, first: { id: 'b', minutes: 60 } });
      expect(report.consumersWithoutValidReading).toEqual(['b']);
      expect(reportText(report)).toContain('interval differs: 1 consumer (first: b, every 60 min) at another interval than the grid\'s 30 min');
    } finally {
      batch.close();
    }
    // With kW the unit needs no interval: b's rows are read where they fall.
    const kw = openText('mixed-kw.csv', text);
    try {
      expect(consumersOf(kw)[1]!.loadKw.filter((v) => !Number.isNaN(v)).length).toBe(72);
      expect(reportOf(kw).intervalDiffers).toEqual({ consumers: 0, first: null });
    } finally {
      kw.close();
    }
  });
});

// ---- Stray timestamps, --label, --source-tz: each against the model of the plain file ----

const reportOf = (batch: BatchFile) => (batch as BatchFile & { report: DataQualityReport }).report;

/** The batch gives the model's grid, consumers and curves, and its counts of rows placed (read after the blocks). */
function expectModel(batch: BatchFile, expected: Model, c: Case): void {
  expect(batch.header.startDate).toBe(dayDate(c.s.startDay + expected.firstDay!));
  expect(batch.header.pointsPerDay).toBe(1440 / expected.interval!);
  const consumers = consumersOf(batch);
  expect(consumers.map((x) => x.id)).toEqual(expected.ids);
  consumers.forEach((consumer, j) => expectCurve(consumer.loadKw, expected.curves![j]!, `consumer ${consumer.id}`));
  const t = reportOf(batch).timestamps;
  const want = (expected.report as { timestamps: Record<string, number> }).timestamps;
  expect({ onGrid: t.onGrid, offGrid: t.offGrid, duplicates: t.duplicates, slotsWithoutRow: t.slotsWithoutRow }).toEqual({ onGrid: want['onGrid'], offGrid: want['offGrid'], duplicates: want['duplicates'], slotsWithoutRow: want['slotsWithoutRow'] });
}

async function withBatch(opening: Promise<BatchFile>, check: (batch: BatchFile) => void): Promise<void> {
  const batch = await opening;
  try {
    check(batch);
  } finally {
    batch.close();
  }
}

describe('long CSV timestamps far from the rest, labels and source zones', () => {
  it('skips and counts stray timestamps at far dates (under 1 % of the rows): the rest reads as the file without them', async () => {
    const far = fc.tuple(fc.integer({ min: STRAY_GAP_DAYS + 2, max: 20_000 }), fc.boolean(), fc.nat(), fc.nat());
    await fc.assert(
      fc.asyncProperty(scenario, fc.array(far, { minLength: 1, maxLength: 2 }), async (c, strays) => {
        const rows = planRows(c);
        const expected = model(c, rows);
        const readable = rows.filter((row) => row.consumer >= 0 && has(row, c, ID) && has(row, c, TIME) && row.stamp.kind === 'grid').length;
        fc.pre(expected.error === undefined && c.window === null && 99 * strays.length < readable);
        const withStrays: (RowPlan & { far?: true })[] = [...rows];
        for (const [gap, before, who, cell] of strays) {
          // A far day at 00:00, among the rows of one consumer (they stay together).
          const j = expected.ids!.length === 0 ? 0 : Number(expected.ids![who % expected.ids!.length]!.slice('meter-'.length)) - 1;
          const last = withStrays.findLastIndex((row) => row.consumer === j);
          const day = before ? -gap : c.s.days - 1 + gap;
          withStrays.splice(last + 1, 0, { consumer: j, stamp: { kind: 'grid', minute: day * 1440 }, cell: rows[cell % rows.length]!.cell, length: 3, padId: false, far: true });
        }
        await withBatch(openLong(c, renderLong(c, withStrays)), (batch) => {
          expectModel(batch, expected, c);
          const first = withStrays.findIndex((row) => row.far);
          expect(reportOf(batch).timestamps.stray).toBe(strays.length);
          expect(reportOf(batch).timestamps.firstStray).toBe(`line ${first + 2}: ${JSON.stringify(stampText(withStrays[first]!.stamp, c.s))}`);
        });
      }),
      { numRuns: RUNS / 4 },
    );
  });

  it('reads middle- and end-labelled timestamps as the start-labelled ones moved back by half an interval or one', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, fc.constantFrom('middle' as const, 'end' as const), async (c, label) => {
        const first = model(c, planRows(c));
        fc.pre(first.error === undefined);
        const shift = (label === 'middle' ? first.interval! / 2 : first.interval!) * MINUTE_MS;
        const at = (minute: number) => (c.s.startDay * 1440 + minute) * MINUTE_MS;
        // An end-labelled 00:00 ends the day before (1 ms back); rows off the grid whose day the shift would change are left out of both files.
        const dayOf = (ms: number) => Math.floor((ms - (label === 'end' ? 1 : 0)) / DAY);
        const rows = planRows(c).filter((row) => row.stamp.kind !== 'grid' || dayOf(at(row.stamp.minute) + shift) === Math.floor(at(row.stamp.minute) / DAY));
        const expected = model(c, rows);
        fc.pre(expected.error === undefined && expected.interval === first.interval);
        const text = renderLong(c, rows, (stamp) => (stamp.kind === 'grid' ? msText(at(stamp.minute) + shift) : stamp.text));
        await withBatch(openLong(c, text, { label }), (batch) => {
          expectModel(batch, expected, c);
          expect(reportOf(batch).timestamps.label).toBe(label);
        });
      }),
      { numRuns: RUNS / 4 },
    );
  });

  it('refuses timestamps at one phase off the grid without --label, whatever a few rows at other phases (a stray, rows off the grid)', async () => {
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(scenario, fc.nat(), fc.array(fc.nat(), { maxLength: 3 }), async (planned, phaseSeed, others) => {
        // --interval given: the phase is the point, not the interval the shifted rows would make.
        const c = { ...planned, s: { ...planned.s, giveInterval: true } };
        const phase = 1 + (phaseSeed % (c.s.minutes - 1));
        const rows = planRows(c).map((row): RowPlan => (row.stamp.kind === 'grid' && row.consumer >= 0 ? { ...row, stamp: { kind: 'grid', minute: row.stamp.minute + phase } } : row));
        // A scenario may plan no row at all (every reading a gap): nothing to move then.
        for (const at of rows.length === 0 ? [] : others) {
          const row = rows[at % rows.length]!;
          if (row.stamp.kind === 'grid') rows[at % rows.length] = { ...row, stamp: { kind: 'grid', minute: row.stamp.minute + 1 } };
        }
        const expected = model(c, rows);
        if (expected.error === undefined) {
          await withBatch(openLong(c, renderLong(c, rows)), (batch) => expectModel(batch, expected, c));
          return;
        }
        const error = await openLong(c, renderLong(c, rows)).then(
          (batch) => {
            batch.close();
            return new Error('opened');
          },
          (e: unknown) => e as Error,
        );
        expect(error.message).toMatch(expected.error);
        if (/past the/.test(error.message)) refused++;
      }),
      { numRuns: RUNS / 4 },
    );
    expect(refused).toBeGreaterThan(0);
  });

  it('names a --tz whose offset is not a whole number of intervals from UTC (Asia/Kathmandu, +05:45, hourly UTC readings), a stray row at another phase notwithstanding', () => {
    const path = join(dir, 'kathmandu.csv');
    const hours = Array.from({ length: 72 }, (_, h) => `2024-01-${pad(1 + Math.floor(h / 24))} ${pad(h % 24)}:00`);
    writeFileSync(path, `id,timestamp,value
${['a', 'b'].flatMap((id) => hours.map((t) => `${id},${t},1`)).join('\n')}\nb,1970-01-01 00:00,1\n`);
    const open = () => openLongCsv({ path, name: 'kathmandu.csv', opened: () => undefined }, wideCsvOptions({ unit: 'kw', 'source-tz': 'UTC', tz: 'Asia/Kathmandu' }, 'score'));
    expect(open).toThrow(InputError);
    expect(open).toThrow('144 of 145 timestamps are 45 minutes past the 60-minute grid of the clock (e.g. 2024-01-01 05:45): Asia/Kathmandu is UTC+05:45, not a whole number of 60-minute intervals');
    expect(open).toThrow('Give readings every 15 minutes (resample the export), or another --tz whose offset is a whole number of 60-minute intervals from UTC (e.g. --tz UTC)');
  });

  it('reads naive timestamps with --source-tz UTC as the same instants written with Z', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, fc.constantFrom('UTC', 'Europe/London', 'America/New_York'), async (c, tz) => {
        const rows = planRows(c);
        const zulu = renderLong(c, rows, (stamp) => (stamp.kind === 'grid' ? `${stampText(stamp, c.s)}Z` : stamp.text));
        const instants = await openLong(c, zulu, { tz }).catch((error: unknown) => error as Error);
        const naive = await openLong(c, renderLong(c, rows), { tz, 'source-tz': 'UTC' }).catch((error: unknown) => error as Error);
        if (instants instanceof Error) {
          expect((naive as Error).message.replace(/long-\d+\.csv/, '')).toBe(instants.message.replace(/long-\d+\.csv/, ''));
          return;
        }
        if (naive instanceof Error) throw naive;
        try {
          expect(naive.header).toEqual(instants.header);
          const [a, b] = [consumersOf(instants), consumersOf(naive)];
          b.forEach((consumer, j) => expectCurve(consumer.loadKw, a[j]!.loadKw, `consumer ${consumer.id}`));
          const omit = ({ converted: _c, sourceTimeZone: _s, ...same }: DataQualityReport['timestamps']) => same;
          expect(omit(reportOf(naive).timestamps)).toEqual(omit(reportOf(instants).timestamps));
          expect([reportOf(naive).timestamps.converted, reportOf(naive).timestamps.sourceTimeZone]).toEqual([0, 'UTC']);
        } finally {
          naive.close();
          instants.close();
        }
        const expected = model(c, rows);
        if (tz === 'UTC' && expected.error === undefined) await withBatch(openLong(c, renderLong(c, rows), { tz, 'source-tz': 'UTC' }), (batch) => expectModel(batch, expected, c));
      }),
      { numRuns: RUNS / 4 },
    );
  });
});
