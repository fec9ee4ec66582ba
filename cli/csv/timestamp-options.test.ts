// Worked examples of the window's stray timestamps (window.ts), --label
// (label.ts) and --source-tz (source-zone.ts) on small wide exports; the
// property tests beside (wide-csv, long-csv) check the same rules on random
// files against their models.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { gridcode } from '#gen/scoring.js';
import { UsageError } from '../errors.js';
import { wideCsvOptions } from './options.js';
import { reportText } from './report.js';
import { openWideCsv, type WideCsvBatch } from './wide-csv-batch.js';

const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
/** `count` rows `stepMinutes` apart from `start` (an ISO date and time, read as UTC for writing clock times), value i. */
const series = (start: string, count: number, stepMinutes: number) => Array.from({ length: count }, (_, i) => `${stamp(Date.parse(`${start}Z`) + i * stepMinutes * 60_000)},${i}`);
const open = (rows: string[], extra: Record<string, string> = {}) => openWideCsv({ path: 'x.csv', name: 'x.csv', opened: () => undefined }, wideCsvOptions({ unit: 'kw', ...extra }, 'score'), Readable.from([Buffer.from(`time,a\n${rows.join('\n')}\n`)]));
const curve = (batch: WideCsvBatch) => {
  const [block] = [...batch.blocks()];
  return gridcode.v1.Consumer.decode(block!.bytes.subarray(block!.spans[0], block!.spans[1])).loadKw;
};

describe('stray timestamps', () => {
  const days = series('2013-01-01T00:00', 120, 60); // 5 days hourly: 120 rows

  it('skips rows far from the rest while they are under 1 % of the rows, and fails naming the stretches when not', async () => {
    // 1 of 121 rows (0.8 %): skipped and counted; the window is the five days.
    const one = await open([...days.slice(0, 50), '1970-01-01 00:00,7', ...days.slice(50)]);
    expect(one.header.startDate).toBe('2013-01-01');
    expect(one.report.window.days).toBe(5);
    expect(one.report.timestamps).toMatchObject({ stray: 1, firstStray: 'line 52: "1970-01-01 00:00"', onGrid: 120 });
    expect(reportText(one.report)).toContain('1 stray timestamps, on days far from the rest (first at line 52: "1970-01-01 00:00")');
    // 2 of 122 (1.6 %): too many to skip.
    await expect(open([...days, '2031-06-01 00:00,1', '2031-06-01 01:00,1'])).rejects.toThrow(
      'the timestamps fall into 2 stretches more than 31 days apart: 2013-01-01 … 2013-01-05 (120 rows), 2031-06-01 (2 rows); rows outside the one with most rows are 1.64 % of the rows, too many to skip as stray timestamps (under 1 % are): choose the days with --from and --to (YYYY-MM-DD)',
    );
  });

  it('separates stretches by a gap of more than 31 empty days only', async () => {
    // Last day 2013-01-05; 2013-02-06 is 31 empty days later (same stretch), 2013-02-07 is 32 (a stray).
    expect((await open([...days, '2013-02-06 00:00,1'])).report.window).toMatchObject({ endDate: '2013-02-06', days: 37 });
    expect((await open([...days, '2013-02-07 00:00,1'])).report.window).toMatchObject({ endDate: '2013-01-05', days: 5 });
  });

  it('takes no row as stray with --from/--to, and still fails a main stretch over 400 days', async () => {
    const windowed = await open([...days, '2031-06-01 00:00,1'], { from: '2013-01-01', to: '2013-01-05' });
    expect(windowed.report.timestamps).toMatchObject({ stray: 0, outsideFromTo: 1 });
    await expect(open(series('2013-01-01T00:00', 401, 1440), { interval: '60' })).rejects.toThrow('the timestamps run from 2013-01-01 to 2014-02-05, 401 days; gridcode scores at most 400 days at once');
  });
});

describe('--label', () => {
  const middles = series('2013-01-01T00:15', 48, 30); // 00:15, 00:45, … 23:45

  it('refuses mid-interval timestamps without it, suggesting --label middle; with it, 00:15 is the reading of 00:00-00:30', async () => {
    await expect(open(middles)).rejects.toThrow('48 of 48 timestamps are 15 minutes past the 30-minute grid of the clock (e.g. 2013-01-01 00:15): they look like the middles of the intervals; give --label middle');
    const batch = await open(middles, { label: 'middle' });
    expect(batch.header).toMatchObject({ startDate: '2013-01-01', pointsPerDay: 48 });
    expect(Array.from(curve(batch))).toEqual(Array.from({ length: 48 }, (_, i) => i));
    expect(batch.report.timestamps.label).toBe('middle');
  });

  it('reads interval-end timestamps: 00:00 of the next day is the last reading of the day', async () => {
    const batch = await open(series('2013-01-01T00:30', 48, 30), { label: 'end' });
    expect(batch.report.window).toMatchObject({ startDate: '2013-01-01', days: 1 });
    expect(Array.from(curve(batch))).toEqual(Array.from({ length: 48 }, (_, i) => i));
  });

  it('says a grid at another phase is not supported', async () => {
    await expect(open(series('2013-01-01T00:10', 48, 30))).rejects.toThrow(/10 minutes past the 30-minute grid of the clock .*this one is not supported: resample/);
  });
});

describe('--source-tz', () => {
  it('reads naive times as instants of the source zone: 12:00 UTC is 13:00 on a London summer clock', async () => {
    const batch = await open(['2013-07-01 12:00,1', '2013-07-01 13:00,2'], { 'source-tz': 'UTC', tz: 'Europe/London' });
    expect(Array.from(curve(batch)).slice(12, 15)).toEqual([NaN, 1, 2]);
  });

  it('takes the earlier offset for a repeated or skipped hour of the source zone, and counts both', async () => {
    // London 2013-10-27 01:30 is 00:30Z (BST) or 01:30Z (GMT): the first; 2013-03-31 01:30 does not exist: read with GMT, 01:30Z.
    // (London 00:00 that day is still BST, 2013-10-26 23:00Z: outside the UTC day chosen.)
    const autumn = await open(['2013-10-27 00:00,0', '2013-10-27 01:30,1'], { 'source-tz': 'Europe/London', tz: 'UTC', interval: '30', from: '2013-10-27', to: '2013-10-27' });
    expect(Array.from(curve(autumn)).slice(0, 3)).toEqual([NaN, 1, NaN]);
    expect(autumn.report.timestamps).toMatchObject({ ambiguousInSourceZone: 1, nonexistentInSourceZone: 0, sourceTimeZone: 'Europe/London' });
    const spring = await open(['2013-03-31 00:00,0', '2013-03-31 01:30,1'], { 'source-tz': 'Europe/London', tz: 'UTC', interval: '30' });
    expect(Array.from(curve(spring)).slice(0, 4)).toEqual([0, NaN, NaN, 1]);
    expect(spring.report.timestamps).toMatchObject({ ambiguousInSourceZone: 0, nonexistentInSourceZone: 1 });
    expect(reportText(spring.report)).toContain('timestamps without Z or an offset are Europe/London clock times read on UTC\'s clock (0 in its repeated hour, 1 in its skipped hour');
  });

  it('needs --tz, and a zone it knows; --label takes start, middle or end', () => {
    expect(() => wideCsvOptions({ unit: 'kw', 'source-tz': 'UTC' }, 'score')).toThrow(UsageError);
    expect(() => wideCsvOptions({ unit: 'kw', 'source-tz': 'Mars/Olympus', tz: 'UTC' }, 'score')).toThrow(/--source-tz "Mars\/Olympus" is not a time zone/);
    expect(() => wideCsvOptions({ unit: 'kw', label: 'centre' }, 'score')).toThrow(/--label "centre": use start/);
  });
});
