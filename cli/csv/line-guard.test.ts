// LineGuard: a line with an unclosed quote, or an over-long line, is skipped alone.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LineGuard, MAX_LINE_BYTES } from './line-guard.js';
import { openLongCsv } from './long-csv-batch.js';
import { wideCsvOptions } from './options.js';
import { readWideCsv } from './wide-csv-reader.js';

/** The guard's output for `text` given in chunks of `size` bytes. */
function guarded(text: string, size: number, max?: number): { out: string; guard: LineGuard } {
  const guard = new LineGuard(',', max);
  const bytes = Buffer.from(text);
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(guard.push(bytes.subarray(i, i + size)));
  parts.push(guard.end());
  return { out: Buffer.concat(parts).toString(), guard };
}

describe('LineGuard', () => {
  it('passes lines with closed quotes, escaped quotes and literal quotes unchanged, in any chunks', () => {
    const text = 'a,"b,c",d\r\n"x""y",1\n2,ab"c\r3,"q"\n';
    for (const size of [1, 2, 3, 7, 1000]) expect(guarded(text, size).out, `size ${size}`).toBe(text);
  });
  it('takes a quote after the byte-order mark as opening the first field (an Excel export: BOM "id","ts")', () => {
    // Found by csv-records.test.ts: the header line was dropped as an unclosed quote.
    const text = '\uFEFF"id","timestamp","value"\n"a","2026-03-01 00:00","1,5"\n';
    for (const size of [1, 2, 3, 4, 1000]) {
      const { out, guard } = guarded(text, size);
      expect(out, `size ${size}`).toBe(text);
      expect(guard.dropped).toBe(0);
    }
    // Only at the start of the file: on a later line, a BOM is a cell's text and its quote a literal one.
    expect(guarded('a\n\uFEFF","\n', 1000).guard.dropped).toBe(1);
  });
  it('empties the line of an unclosed quote, keeping its line end, and names its line', () => {
    const text = 'time,a\n1,1\n2,2\r\n3,"3\n4,4\n5,5\n';
    for (const size of [1, 3, 5, 1000]) {
      const { out, guard } = guarded(text, size);
      expect(out, `size ${size}`).toBe('time,a\n1,1\n2,2\r\n\n4,4\n5,5\n');
      expect(guard.dropped).toBe(1);
      expect(guard.firstDropped).toMatch(/^line 4: a quote opened on this line is not closed/);
    }
    const last = guarded('time,a\n1,"1', 2);
    expect(last.out).toBe('time,a\n');
    expect(last.guard.firstDropped).toMatch(/^line 2: a quote opened on the last line is not closed/);
  });
  it('skips a line longer than its bound, and goes on from the next', () => {
    const { out, guard } = guarded(`time,a\n1,${'9'.repeat(100)}\n2,2\n`, 8, 32);
    expect(out).toBe('time,a\n\n2,2\n');
    expect(guard.dropped).toBe(1);
    expect(guard.firstDropped).toMatch(/^line 2: the line is longer than/);
  });
});

describe('a wide CSV with an unclosed quote', () => {
  it('loses that row only, counted as unreadable CSV', async () => {
    const rows = Array.from({ length: 144 }, (_, i) => `2013-01-0${1 + Math.floor(i / 48)} ${String(Math.floor((i % 48) / 2)).padStart(2, '0')}:${i % 2 ? '30' : '00'},${i === 5 ? '"1' : '1'}`);
    const table = await readWideCsv(Readable.from([Buffer.from(`time,a\n${rows.join('\n')}\n`)]), 'x.csv', wideCsvOptions({ unit: 'kw' }, 'score'), 1);
    expect(table.rowsRead).toBe(143);
    expect(table.rows.skipped).toBe(1);
    expect(table.rows.firstSkipped).toMatch(/^line 7: a quote opened/);
    expect(table.times.length).toBe(143);
  });
});

describe('a cell longer than MAX_LINE_BYTES', () => {
  const huge = '7'.repeat(MAX_LINE_BYTES + 1000);
  it('skips its wide row alone, counted as unreadable CSV', async () => {
    const bytes = Buffer.from(`time,a\n2013-01-01 00:00,1\n2013-01-01 01:00,${huge}\n2013-01-01 02:00,3\n`);
    const chunks = Array.from({ length: Math.ceil(bytes.length / (1 << 20)) }, (_, i) => bytes.subarray(i << 20, (i + 1) << 20));
    const table = await readWideCsv(Readable.from(chunks), 'x.csv', wideCsvOptions({ unit: 'kw' }, 'score'), 1);
    expect(table.rowsRead).toBe(2);
    expect(table.rows.skipped).toBe(1);
    expect(table.rows.firstSkipped).toMatch(/^line 3: the line is longer than 16 MiB/);
  });
  it('skips its long row alone, counted as unreadable CSV', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gridcode-guard-'));
    try {
      const path = join(dir, 'long.csv');
      writeFileSync(path, `id,timestamp,value\na,2013-01-01 00:00,1\na,2013-01-01 01:00,${huge}\na,2013-01-01 02:00,"3\na,2013-01-01 03:00,4\n`);
      const batch = openLongCsv({ path, name: path, opened: () => undefined }, wideCsvOptions({ unit: 'kw', interval: '60' }, 'score'));
      try {
        for (const block of batch.blocks()) expect(block.spans.length).toBe(2);
        expect(batch.report.rows).toMatchObject({ unreadableCsv: 2 });
        expect(batch.report.rows.firstUnreadableCsv).toMatch(/^line 3: the line is longer than 16 MiB/);
        expect(batch.report.rowsRead).toBe(2);
      } finally {
        batch.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
