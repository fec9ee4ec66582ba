// The grid of a wide CSV on random small exports: gaps, repeated timestamps,
// rows off the grid, unreadable timestamps, bad cells, short and long rows,
// three separators, intervals of 15, 30 and 60 minutes, units kW, kWh and Wh,
// --from/--to. Each export is generated from a plan; the curves the reader
// hands the engine are checked against curves built here from the plan (not
// from the text), bit for bit, and every count of the report exactly.
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cellPlan, quote, renderCell, sameBits, type CellPlan } from '../../tests/support/csv-cells.js';
import { consumersOf, DAY, MINUTE_MS, msText, pad, shuffled, stampText, type Stamp } from '../../tests/support/csv-rows.js';
import { InputError } from '../errors.js';
import { wideCsvOptions, type Unit } from './options.js';
import { reportText, type DataQualityReport } from './report.js';
import { clockDay, dayDate } from './timestamps.js';
import { openWideCsv, type WideCsvBatch } from './wide-csv-batch.js';
import { readWideCsv } from './wide-csv-reader.js';
import { STRAY_GAP_DAYS } from './window.js';

const RUNS = 400 * (Number(process.env.CSV_FUZZ_SCALE ?? 1) || 1);

interface RowPlan {
  readonly stamp: Stamp;
  readonly cells: CellPlan[];
}

const scenario = fc
  .record({
    minutes: fc.constantFrom(15, 30, 60),
    days: fc.integer({ min: 1, max: 3 }),
    consumers: fc.integer({ min: 1, max: 4 }),
    unit: fc.constantFrom<Unit>('kw', 'kwh', 'wh'),
    separator: fc.constantFrom(',', ';', '\t'),
    giveInterval: fc.boolean(),
    startDay: fc.integer({ min: clockDay(2000, 1, 1)!, max: clockDay(2030, 12, 31)! }),
    crlf: fc.boolean(),
    bom: fc.boolean(),
    timeStyle: fc.constantFrom('seconds', 'minutes', 'T'),
    category: fc.constantFrom(undefined, 'residential', 'CATEGORY_INDUSTRIAL'),
    // Now and then mostly gaps (few rows: other steps win, or none) or many rows off the grid (they may make the grid).
    gapWeight: fc.constantFrom(1, 1, 1, 40),
    extraRows: fc.constantFrom(6, 6, 80),
  })
  .chain((s) => {
    const slots = s.days * (1440 / s.minutes);
    const cells = fc.array(cellPlan, { minLength: s.consumers, maxLength: s.consumers });
    // How many rows a grid time gets: mostly one, sometimes none (a gap) or two or three (repeated timestamps).
    const copies = fc.oneof({ arbitrary: fc.constant(1), weight: 8 }, { arbitrary: fc.constant(0), weight: s.gapWeight }, { arbitrary: fc.integer({ min: 2, max: 3 }), weight: 1 });
    const extra = fc.oneof(
      fc.record({ kind: fc.constant('off' as const), slot: fc.nat(slots - 1), after: fc.constantFrom(Math.floor(s.minutes / 2), s.minutes / 3, 1, s.minutes - 1) }),
      fc.record({ kind: fc.constant('bad' as const), text: fc.constantFrom('garbage', '2013-13-01 00:00', '01/02/2013 00:00', '2013-01-01 24:00', 'tstp') }),
    );
    return fc.record({
      s: fc.constant(s),
      grid: fc.array(fc.tuple(copies, fc.array(cells, { minLength: 3, maxLength: 3 })), { minLength: slots, maxLength: slots }),
      extras: fc.array(fc.tuple(extra, cells, fc.nat()), { maxLength: s.extraRows }),
      // Cells taken off (short rows) or added (long rows), rarely.
      reshape: fc.array(fc.tuple(fc.nat(), fc.integer({ min: -4, max: 2 })), { maxLength: 3 }),
      shuffle: fc.option(fc.integer(), { freq: 4 }),
      window: fc.option(fc.tuple(fc.option(fc.nat(s.days - 1)), fc.option(fc.nat(s.days - 1))), { freq: 3 }),
    });
  });

type Case = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

/** The rows of the export in file order, as planned. */
function planRows({ s, grid, extras, reshape, shuffle }: Case): RowPlan[] {
  const rows: RowPlan[] = [];
  grid.forEach(([copies, cells], slot) => {
    for (let i = 0; i < copies; i++) rows.push({ stamp: { kind: 'grid', minute: slot * s.minutes }, cells: cells[i]! });
  });
  for (const [extra, cells, at] of extras) {
    const stamp: Stamp = extra.kind === 'off' ? { kind: 'grid', minute: extra.slot * s.minutes + extra.after } : { kind: 'bad', text: extra.text };
    rows.splice(at % (rows.length + 1), 0, { stamp, cells });
  }
  for (const [at, change] of reshape) {
    if (rows.length === 0) break;
    const row = rows[at % rows.length]!;
    const cells = change < 0 ? row.cells.slice(0, Math.max(0, row.cells.length + change)) : [...row.cells, ...Array.from({ length: change }, () => ({ t: 'num' as const, k: 1, style: 'dot' as const }))];
    rows[at % rows.length] = { ...row, cells };
  }
  return shuffled(rows, shuffle);
}

/** The export as text; `stamp` writes a timestamp cell (the plan's clock times by default). */
function renderFile(c: Case, rows: RowPlan[], ids: string[], stamp = (at: Stamp) => stampText(at, c.s)): string {
  const { s } = c;
  const eol = s.crlf ? '\r\n' : '\n';
  const lines = [['time', ...ids].join(s.separator)];
  for (const row of rows) lines.push([stamp(row.stamp), ...row.cells.map((cell) => renderCell(cell, s.separator).text)].map((t) => quote(t, s.separator)).join(s.separator));
  return `${s.bom ? '\uFEFF' : ''}${lines.join(eol)}${eol}`;
}

interface Model {
  readonly error?: RegExp;
  readonly startDate?: string;
  readonly pointsPerDay?: number;
  readonly curves?: Float32Array[];
  readonly counts?: Record<string, number>;
  readonly cells?: { numbers: number[]; negative: number[]; empty: number[]; unreadable: number[]; absent: number[] };
}

/** What the reader must make of the planned rows, worked out from the plan alone. */
function model(c: Case, rows: RowPlan[]): Model {
  const { s } = c;
  const n = s.consumers;
  const [fromDay, toDay] = c.window === null ? [null, null] : c.window;
  const cells = { numbers: Array<number>(n).fill(0), negative: Array<number>(n).fill(0), empty: Array<number>(n).fill(0), unreadable: Array<number>(n).fill(0), absent: Array<number>(n).fill(0) };
  for (const row of rows) {
    for (let j = 0; j < n; j++) {
      const plan = row.cells[j];
      if (plan === undefined) {
        cells.absent[j]!++;
        continue;
      }
      const e = renderCell(plan, s.separator).expected;
      if (e === 'empty') cells.empty[j]!++;
      else if (e === 'bad') cells.unreadable[j]!++;
      else {
        cells.numbers[j]!++;
        if (e < 0) cells.negative[j]!++;
      }
    }
  }
  const readable = rows.filter((row) => row.stamp.kind === 'grid');
  const inWindow = readable.filter((row) => {
    const day = Math.floor((row.stamp as { minute: number }).minute / 1440);
    return (fromDay === null || day >= fromDay) && (toDay === null || day <= toDay);
  });
  const minuteOf = (row: RowPlan) => (row.stamp as { minute: number }).minute;
  if (fromDay !== null && toDay !== null && toDay < fromDay) return { error: /--to .* is before --from/ };
  if (readable.length === 0) return { error: /no row has a readable timestamp/ };
  if (inWindow.length === 0) return { error: /no row has a timestamp within --from and --to/ };
  let interval: number = s.minutes;
  if (!s.giveInterval) {
    const distinct = [...new Set(inWindow.map(minuteOf))].sort((a, b) => a - b);
    if (distinct.length < 2) return { error: /every row has the same timestamp/ };
    const steps = new Map<number, number>();
    for (let i = 1; i < distinct.length; i++) steps.set(distinct[i]! - distinct[i - 1]!, (steps.get(distinct[i]! - distinct[i - 1]!) ?? 0) + 1);
    const most = Math.max(...steps.values());
    interval = Math.min(...[...steps].filter(([, count]) => count === most).map(([step]) => step));
    if (![5, 15, 30, 60].includes(interval)) return { error: /most often/ };
  }
  // Without --label, nine rows in ten at the most common phase off the grid (e.g. all at :15/:45 at 30 minutes) are refused (label.ts).
  const atPhase = new Map<number, number>();
  for (const row of inWindow) if (minuteOf(row) % interval !== 0) atPhase.set(minuteOf(row) % interval, (atPhase.get(minuteOf(row) % interval) ?? 0) + 1);
  const atOnePhase = Math.max(0, ...atPhase.values());
  if (atOnePhase > 0 && atOnePhase >= 0.9 * inWindow.length) return { error: /minutes? past the \d+-minute grid of the clock/ };
  const firstDay = fromDay ?? Math.min(...inWindow.map((row) => Math.floor(minuteOf(row) / 1440)));
  const lastDay = toDay ?? Math.max(...inWindow.map((row) => Math.floor(minuteOf(row) / 1440)));
  const P = 1440 / interval;
  const slots = (lastDay - firstDay + 1) * P;
  const factor = s.unit === 'kw' ? 1 : s.unit === 'kwh' ? 60 / interval : 60 / interval / 1000;
  const curves = Array.from({ length: n }, () => new Float32Array(slots).fill(NaN));
  const taken = new Set<number>();
  let offGrid = 0;
  let duplicates = 0;
  for (const row of inWindow) {
    const offset = minuteOf(row) - firstDay * 1440;
    if (offset % interval !== 0) {
      offGrid++;
      continue;
    }
    const slot = offset / interval;
    if (taken.has(slot)) {
      duplicates++;
      continue;
    }
    taken.add(slot);
    for (let j = 0; j < n; j++) {
      const plan = row.cells[j];
      const e = plan === undefined ? 'empty' : renderCell(plan, s.separator).expected;
      if (typeof e === 'number') curves[j]![slot] = e * factor;
    }
  }
  const valid = curves.map((curve) => curve.filter((v) => v >= 0 && v < Infinity).length);
  return {
    startDate: dayDate(s.startDay + firstDay),
    pointsPerDay: P,
    curves,
    cells,
    counts: {
      rowsRead: rows.length,
      unreadable: rows.length - readable.length,
      outsideFromTo: readable.length - inWindow.length,
      onGrid: taken.size,
      offGrid,
      duplicates,
      slotsWithoutRow: slots - taken.size,
      short: rows.filter((row) => row.cells.length < n).length,
      long: rows.filter((row) => row.cells.length > n).length,
      valid: valid.reduce((a, b) => a + b, 0),
      noValid: valid.filter((v) => v === 0).length,
    },
  };
}

async function open(c: Case, text: string, extra: Record<string, string> = {}): Promise<WideCsvBatch> {
  const { s } = c;
  const [from, to] = c.window === null ? [null, null] : c.window;
  const options = wideCsvOptions(
    {
      unit: s.unit.toUpperCase(),
      ...(s.giveInterval ? { interval: String(s.minutes) } : {}),
      ...(s.category ? { category: s.category } : {}),
      ...(from !== null ? { from: dayDate(s.startDay + from) } : {}),
      ...(to !== null ? { to: dayDate(s.startDay + to) } : {}),
      ...extra,
    },
    'score',
  );
  return openWideCsv({ path: 'export.csv', name: 'export.csv', opened: () => undefined }, options, Readable.from([Buffer.from(text)]));
}

describe('a random wide CSV', () => {
  it('gives the curves and counts worked out from its plan', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (c) => {
        const rows = planRows(c);
        const ids = Array.from({ length: c.s.consumers }, (_, j) => `meter-${j + 1}`);
        const text = renderFile(c, rows, ids);
        const expected = model(c, rows);
        if (expected.error) {
          await expect(open(c, text).catch((error: unknown) => Promise.reject(error instanceof InputError || (error as Error).name === 'UsageError' ? new Error((error as Error).message) : error))).rejects.toThrow(expected.error);
          return;
        }
        const batch = await open(c, text);
        expect(batch.header.startDate).toBe(expected.startDate);
        expect(batch.header.pointsPerDay).toBe(expected.pointsPerDay);
        const consumers = consumersOf(batch);
        expect(consumers.map((x) => x.id)).toEqual(ids);
        const category = c.s.category === undefined ? 0 : c.s.category === 'residential' ? 1 : 3;
        consumers.forEach((consumer, j) => {
          expect(consumer.category).toBe(category);
          const want = expected.curves![j]!;
          expect(consumer.loadKw.length).toBe(want.length);
          const wrong = consumer.loadKw.findIndex((v, t) => !sameBits(v, want[t]!));
          expect(wrong, `consumer ${j}, reading ${wrong}: ${consumer.loadKw[wrong]} instead of ${want[wrong]}`).toBe(-1);
        });
        const r = batch.report;
        const counts = expected.counts!;
        expect({
          rowsRead: r.rowsRead,
          unreadable: r.timestamps.unreadable,
          outsideFromTo: r.timestamps.outsideFromTo,
          onGrid: r.timestamps.onGrid,
          offGrid: r.timestamps.offGrid,
          duplicates: r.timestamps.duplicates,
          slotsWithoutRow: r.timestamps.slotsWithoutRow,
          short: r.rows.short,
          long: r.rows.long,
          valid: r.readings.valid,
          noValid: r.consumersWithoutValidReading.length,
        }).toEqual(counts);
        const cells = expected.cells!;
        expect({
          numbers: r.perConsumer.map((x) => x.numbers),
          negative: r.perConsumer.map((x) => x.negative),
          empty: r.perConsumer.map((x) => x.empty),
          unreadable: r.perConsumer.map((x) => x.unreadable),
          absent: r.perConsumer.map((x) => x.absent),
        }).toEqual(cells);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('files the grid must cope with', () => {
  const options = (extra: Record<string, string> = {}) => wideCsvOptions({ unit: 'kwh', ...extra }, 'score');
  const openText = (text: string, extra: Record<string, string> = {}) => openWideCsv({ path: 'x.csv', name: 'x.csv', opened: () => undefined }, options(extra), Readable.from([Buffer.from(text)]));
  const openBytes = (bytes: Buffer) => openWideCsv({ path: 'x.csv', name: 'x.csv', opened: () => undefined }, options(), Readable.from([bytes]));

  it('takes naively labelled daylight-saving days as missing and repeated readings', async () => {
    // Europe/London clock times, half-hourly: 2013-03-31 has no 01:00 and 01:30; 2013-10-27 has them twice.
    const rows: string[] = [];
    for (const [day, instants] of [
      ['2013-03-31', 46],
      ['2013-10-27', 50],
    ] as const) {
      const clock = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/London', dateStyle: 'short', timeStyle: 'medium' });
      const start = Date.parse(`${day}T00:00:00Z`) - (day === '2013-10-27' ? 3_600_000 : 0);
      for (let i = 0; i < instants; i++) rows.push(`${clock.format(start + i * 1_800_000)},0.5`);
    }
    const batch = await openText(`time,home\n${rows.join('\n')}\n`, { from: '2013-03-31', to: '2013-03-31' });
    expect(batch.report.timestamps).toMatchObject({ onGrid: 46, slotsWithoutRow: 2, duplicates: 0, outsideFromTo: 50 });
    const autumn = await openText(`time,home\n${rows.join('\n')}\n`, { from: '2013-10-27', to: '2013-10-27' });
    expect(autumn.report.timestamps).toMatchObject({ onGrid: 48, slotsWithoutRow: 0, duplicates: 2, outsideFromTo: 46 });
  });

  it('reads the UCI original form: ; separator, decimal commas, quoted header, 15-minute kW', async () => {
    const text = '"";"MT_001";"MT_002"\n2014-03-30 00:00:00;2,5;0\n2014-03-30 00:15:00;3,75;"1,5"\n2014-03-30 00:30:00;0;12\n';
    const batch = await openWideCsv({ path: 'LD.txt', name: 'LD.txt', opened: () => undefined }, wideCsvOptions({ unit: 'kw', format: 'wide-csv' }, 'score'), Readable.from([Buffer.from(text)]));
    expect(batch.header).toMatchObject({ startDate: '2014-03-30', pointsPerDay: 96 });
    const [a, b] = consumersOf(batch);
    expect([a!.id, b!.id]).toEqual(['MT_001', 'MT_002']);
    expect(a!.loadKw.slice(0, 4)).toEqual([2.5, 3.75, 0, NaN]);
    expect(b!.loadKw.slice(0, 3)).toEqual([0, 1.5, 12]);
    expect(batch.report.timeColumn).toBe('');
  });

  it('counts a record with an unclosed quote as unreadable CSV, and ignores unnamed columns', async () => {
    const batch = await openText('t,a,\n2013-01-01 00:00,1,\n2013-01-01 01:00,2,\n2013-01-01 02:00,"3\n', {});
    expect(batch.consumerCount).toBe(1);
    expect(batch.report.columns.unnamed).toBe(1);
    expect(batch.report.rows.unreadableCsv).toBe(1);
    expect(batch.report.rowsRead).toBe(2);
    expect(consumersOf(batch)[0]!.loadKw.slice(0, 3)).toEqual([1, 2, NaN]);
  });

  it('counts a row as short only when it lacks a named column (a trailing separator in the header names none)', async () => {
    const batch = await openText('time,a,b,\n2013-01-01 00:00,1,2\n2013-01-01 01:00,1,2,\n2013-01-01 02:00,1\n', {});
    expect(batch.report.rows).toMatchObject({ short: 1, long: 0 });
    expect(batch.report.cells).toMatchObject({ numbers: 5, absent: 1 });
    expect(reportText(batch.report)).toContain('cells: 5 numbers (0 negative, kept as sent), 0 empty, 0 not numbers (missing readings), 1 absent (short rows)');
  });

  it('reads no dot as a decimal point with ; (a dot there may be a thousands separator)', async () => {
    const batch = await openText('time;a;b;c;d\n2013-01-01 00:00;999,5;1.000;1.234,5;12.500\n2013-01-01 01:00;1;1;1;1\n', {});
    expect(consumersOf(batch).map((c) => c.loadKw[0])).toEqual([999.5, NaN, NaN, NaN]);
    expect(batch.report.cells).toMatchObject({ numbers: 5, unreadable: 3 });
  });

  it('refuses energy whose interval changes for a day or more, naming the line; a gap stays a gap', async () => {
    const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
    const start = Date.UTC(2013, 0, 1);
    const hourly = Array.from({ length: 48 }, (_, i) => `${stamp(start + i * 3_600_000)},1`);
    const halfHourly = Array.from({ length: 48 * 3 }, (_, i) => `${stamp(start + 2 * 86_400_000 + i * 1_800_000)},0.5`);
    const text = `time,a\n${[...hourly, ...halfHourly].join('\n')}\n`;
    await expect(openText(text)).rejects.toThrow(/line 2: the interval changes here: from line 2 to line 50 the timestamps are 60 minutes apart \(48 steps\), not the 30 minutes of the rest.*Split the file where the interval changes, or give it in kW/);
    expect(consumersOf(await openText(text, { unit: 'kw' }))[0]!.loadKw[0]).toBe(1);
    // Half-hourly with a day and a half missing: one long step, a gap.
    const gap = `time,a\n${halfHourly.filter((_, i) => i < 24 || i > 96).join('\n')}\n`;
    const batch = await openText(gap);
    expect(batch.report.timestamps).toMatchObject({ onGrid: 71, slotsWithoutRow: 73 });
  });

  it('takes the timestamp from --time-column, every other column being a consumer', async () => {
    const batch = await openText('a\tstamp\tb\n1\t2013-01-01 00:00\t2\n3\t2013-01-01 01:00\t4\n', { 'time-column': 'stamp' });
    expect(consumersOf(batch).map((c) => [c.id, c.loadKw[0], c.loadKw[1]])).toEqual([
      ['a', 1, 3],
      ['b', 2, 4],
    ]);
    await expect(openText('a,b\n1,2\n', { 'time-column': 'time' })).rejects.toThrow('no column named "time" for --time-column; the header has "a", "b"');
  });

  it('says what is wrong with a file that is no export', async () => {
    await expect(openText('')).rejects.toThrow('the file is empty');
    await expect(openText('\ntime,a\n')).rejects.toThrow('the first line is empty');
    await expect(openText('time\n2013-01-01 00:00\n')).rejects.toThrow('the header line has no separator (, ; or tab) and so one column');
    await expect(openText('time,a\n')).rejects.toThrow('no row has a readable timestamp: a timestamp is YYYY-MM-DD HH:MM[:SS]');
    await expect(openText('time,a\n01/02/2013 00:00,1\n', { from: '2013-01-01', to: '2013-01-02' })).rejects.toThrow('no row has a readable timestamp (line 2: "01/02/2013 00:00")');
    // A stray instant among clock times without --tz is an unreadable timestamp (1 of 101); 1 % or more refuses the file.
    const hours = Array.from({ length: 100 }, (_, h) => `2013-01-0${1 + Math.floor(h / 24)} ${pad(h % 24)}:00,1`);
    const one = await openText(`time,a\n${[...hours, '2013-01-05T10:00:00Z,2'].join('\n')}\n`);
    expect([one.report.timestamps.unreadable, one.report.timestamps.firstUnreadable]).toEqual([1, 'line 102: "2013-01-05T10:00:00Z"']);
    await expect(openText(`time,a\n${[...hours.slice(0, 50), '2013-01-05T10:00:00Z,2'].join('\n')}\n`)).rejects.toThrow('line 52: the timestamp "2013-01-05T10:00:00Z" is an instant (it has Z) (1 of 51 timestamps are), not a clock time');
    // Windows-1252 column names (ü is the byte 0xFC): refused, not two consumers merged into "M\uFFFDller".
    await expect(openBytes(Buffer.from('time,Müller,Mäller\n2013-01-01 00:00,1,2\n2013-01-01 01:00,1,2\n', 'latin1'))).rejects.toThrow(/line 1: the column name "M\uFFFDller" has bytes that are not UTF-8.*iconv -f windows-1252 -t utf-8/);
    await expect(openText('time,a\n2013-01-01 00:00,1\n2013-01-01 00:00,2\n')).rejects.toThrow('every row has the same timestamp (2013-01-01 00:00): the interval cannot be told; give --interval MINUTES');
    await expect(openText('time,a\n2013-01-01 00:00,1\n', { from: '2014-01-01' })).rejects.toThrow('no row has a timestamp within --from and --to');
  });

  it('refuses a file that would hold more readings than its bound, naming both ways out', async () => {
    const text = `t,a,b\n${Array.from({ length: 10 }, (_, i) => `2013-01-01 ${pad(i)}:00,1,2`).join('\n')}\n`;
    await expect(readWideCsv(Readable.from([Buffer.from(text)]), 'x.csv', options({ interval: '60' }), 1, 64)).rejects.toThrow(/2 consumers × 9 rows is more than the 64 bytes of readings a CSV may hold in memory \(4 bytes each\): split the file by columns \(consumers\), or choose fewer days with --from and --to/);
  });
});

// ---- Stray timestamps, --label, --source-tz, repeated ids: each against the model of the plain file ----

const plainIds = (c: Case) => Array.from({ length: c.s.consumers }, (_, j) => `meter-${j + 1}`);

/** The batch gives the model's grid and curves, and its counts of rows placed. */
function expectModel(batch: WideCsvBatch, expected: Model): void {
  expect(batch.header.startDate).toBe(expected.startDate);
  expect(batch.header.pointsPerDay).toBe(expected.pointsPerDay);
  consumersOf(batch).forEach((consumer, j) => {
    const want = expected.curves![j]!;
    const wrong = consumer.loadKw.length !== want.length ? 0 : consumer.loadKw.findIndex((v, t) => !sameBits(v, want[t]!));
    expect(wrong, `consumer ${j}, reading ${wrong}: ${consumer.loadKw[wrong]} instead of ${want[wrong]}`).toBe(-1);
  });
  const t = batch.report.timestamps;
  const counts = expected.counts!;
  expect({ onGrid: t.onGrid, offGrid: t.offGrid, duplicates: t.duplicates, slotsWithoutRow: t.slotsWithoutRow }).toEqual({ onGrid: counts['onGrid'], offGrid: counts['offGrid'], duplicates: counts['duplicates'], slotsWithoutRow: counts['slotsWithoutRow'] });
}

describe('timestamps far from the rest, labels, source zones and repeated ids', () => {
  it('skips and counts stray timestamps at far dates (under 1 % of the rows): the rest reads as the file without them', async () => {
    const far = fc.tuple(fc.integer({ min: STRAY_GAP_DAYS + 2, max: 20_000 }), fc.boolean(), fc.nat());
    await fc.assert(
      fc.asyncProperty(scenario, fc.array(far, { minLength: 1, maxLength: 2 }), async (c, strays) => {
        const rows = planRows(c);
        const readable = rows.filter((row) => row.stamp.kind === 'grid').length;
        const expected = model(c, rows);
        // Under 1 %: 99 × strays < readable rows. --from/--to choose the window themselves (no strays).
        fc.pre(expected.error === undefined && c.window === null && 99 * strays.length < readable);
        const withStrays: (RowPlan & { far?: number })[] = [...rows];
        for (const [gap, before, at] of strays) {
          // A far day at 00:00 (on the grid's phase), gap days before the first day or after the last.
          const day = before ? -gap : c.s.days - 1 + gap;
          withStrays.splice(at % (withStrays.length + 1), 0, { stamp: { kind: 'grid', minute: day * 1440 }, cells: rows[at % rows.length]!.cells, far: day });
        }
        const batch = await open(c, renderFile(c, withStrays, plainIds(c)));
        expectModel(batch, expected);
        const first = withStrays.findIndex((row) => row.far !== undefined);
        expect(batch.report.timestamps.stray).toBe(strays.length);
        expect(batch.report.timestamps.firstStray).toBe(`line ${first + 2}: ${JSON.stringify(stampText(withStrays[first]!.stamp, c.s))}`);
      }),
      { numRuns: RUNS / 4 },
    );
  });

  it('reads middle- and end-labelled timestamps as the start-labelled ones moved back by half an interval or one', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, fc.constantFrom('middle' as const, 'end' as const), async (c, label) => {
        const first = model(c, planRows(c));
        fc.pre(first.error === undefined);
        const interval = 1440 / first.pointsPerDay!;
        const shift = (label === 'middle' ? interval / 2 : interval) * MINUTE_MS;
        const at = (minute: number) => (c.s.startDay * 1440 + minute) * MINUTE_MS;
        // The day of a labelled time: an end-labelled 00:00 ends the day before (1 ms back). Rows off the grid whose
        // day the shift would change (23:59 becoming 00:14) are left out of both files: which day they belong to is moot.
        const dayOf = (ms: number) => Math.floor((ms - (label === 'end' ? 1 : 0)) / DAY);
        const rows = planRows(c).filter((row) => row.stamp.kind !== 'grid' || dayOf(at(row.stamp.minute) + shift) === Math.floor(at(row.stamp.minute) / DAY));
        const expected = model(c, rows);
        fc.pre(expected.error === undefined && 1440 / expected.pointsPerDay! === interval);
        const text = renderFile(c, rows, plainIds(c), (stamp) => (stamp.kind === 'grid' ? msText(at(stamp.minute) + shift) : stamp.text));
        const batch = await open(c, text, { label });
        expectModel(batch, expected);
        expect(batch.report.timestamps.label).toBe(label);
      }),
      { numRuns: RUNS / 4 },
    );
  });

  it('reads naive timestamps with --source-tz UTC as the same instants written with Z', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, fc.constantFrom('UTC', 'Europe/London', 'America/New_York'), async (c, tz) => {
        const rows = planRows(c);
        const ids = plainIds(c);
        const zulu = renderFile(c, rows, ids, (stamp) => (stamp.kind === 'grid' ? `${stampText(stamp, c.s)}Z` : stamp.text));
        const instants = await open(c, zulu, { tz }).catch((error: unknown) => error as Error);
        const naive = await open(c, renderFile(c, rows, ids), { tz, 'source-tz': 'UTC' }).catch((error: unknown) => error as Error);
        if (instants instanceof Error) {
          expect((naive as Error).message).toBe(instants.message);
          return;
        }
        if (naive instanceof Error) throw naive;
        expect(naive.header).toEqual(instants.header);
        const [a, b] = [consumersOf(instants), consumersOf(naive)];
        b.forEach((consumer, j) => expect(consumer.loadKw.findIndex((v, t) => !sameBits(v, a[j]!.loadKw[t]!))).toBe(-1));
        const omit = ({ converted: _c, sourceTimeZone: _s, ...same }: DataQualityReport['timestamps']) => same;
        expect(omit(naive.report.timestamps)).toEqual(omit(instants.report.timestamps));
        expect([naive.report.timestamps.converted, naive.report.timestamps.sourceTimeZone]).toEqual([0, 'UTC']);
        if (tz === 'UTC') expectModel(naive, model(c, rows));
      }),
      { numRuns: RUNS / 4 },
    );
  });

  it('reads the first of columns with the same id and drops the later ones, naming them in the report', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, fc.nat(), async (c, pick) => {
        const rows = planRows(c);
        const expected = model(c, rows);
        fc.pre(expected.error === undefined);
        const ids = plainIds(c);
        const j = pick % ids.length;
        // The repeated column right after consumer j's, with readings of its own (999 kW): never read.
        const copy: CellPlan = { t: 'num', k: 999_000, style: 'exp' };
        const wider = rows.map((row) => (row.cells.length > j ? { ...row, cells: [...row.cells.slice(0, j + 1), copy, ...row.cells.slice(j + 1)] } : row));
        const batch = await open(c, renderFile(c, wider, [...ids.slice(0, j + 1), ids[j]!, ...ids.slice(j + 1)]));
        expect(batch.consumerCount).toBe(ids.length);
        expectModel(batch, expected);
        expect(batch.report.perConsumer.map((x) => x.numbers)).toEqual(expected.cells!.numbers);
        expect(batch.report.rows).toMatchObject({ short: expected.counts!['short'], long: expected.counts!['long'] });
        expect(batch.report.columns).toMatchObject({ duplicateIds: [ids[j]], droppedDuplicates: 1 });
        expect(reportText(batch.report)).toContain(`ids of more than one column: ${ids[j]} (the first column of each is read; 1 later column dropped, not read)`);
      }),
      { numRuns: RUNS / 4 },
    );
  });
});
