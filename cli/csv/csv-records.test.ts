// recordChunks gives the records and file lines csv-parse gives with `info`
// (the reading it replaced), for any file whose fields hold no line break,
// and tells its progress once per chunk: all bytes, every row but the header.
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReadProgress } from '../progress/read-progress.js';
import { csvParseOptions } from './cells.js';
import { recordChunks, records } from './csv-records.js';

const dir = mkdtempSync(join(tmpdir(), 'gridcode-records-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The records of `text` read through recordChunks (and its progress calls). */
function read(text: string, name = 'f.csv'): { rows: [string[], number][]; bytes: number; rowsTold: number; calls: number } {
  const path = join(dir, name);
  writeFileSync(path, text);
  const fd = openSync(path, 'r');
  let bytes = 0;
  let rowsTold = 0;
  let calls = 0;
  const progress: ReadProgress = { pass: () => undefined, consumers: () => undefined, read: (b, r) => ((bytes += b), (rowsTold += r), calls++) };
  try {
    return { rows: [...records(fd, name, ',', () => undefined, progress)], bytes, rowsTold, calls };
  } finally {
    closeSync(fd);
  }
}

/** csv-parse on the whole text with `info`: each record and info.lines, as the readers read them before. */
function reference(text: string): [string[], number][] {
  return (parse(text, csvParseOptions(',')) as unknown as { record: string[]; info: { lines: number } }[]).map(({ record, info }) => [record, info.lines]);
}

const cell = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9 .:-]{0,8}$/),
  fc.stringMatching(/^[A-Za-z0-9 ,;]{0,6}$/).map((s) => `"${s}"`), // quoted, separator inside
  fc.constant('"a""b"'), // an escaped quote
);
const line = fc.array(cell, { minLength: 1, maxLength: 4 }).map((cells) => cells.join(','));
const lineEnd = fc.constantFrom('\n', '\r\n', '\r');

describe('recordChunks', () => {
  it('reads the records and lines csv-parse reads with info, for lines of plain and quoted fields, blank lines, any line end', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.oneof({ weight: 5, arbitrary: line }, { weight: 1, arbitrary: fc.constant('') }), lineEnd), { minLength: 1, maxLength: 40 }), fc.boolean(), (lines, bom) => {
        const text = `${bom ? '\uFEFF' : ''}${lines.map(([l, e]) => l + e).join('')}`;
        expect(read(text).rows).toEqual(reference(text));
      }),
      { numRuns: 300 },
    );
  });

  it('counts every byte and every row but the header in its progress, a call per chunk', () => {
    // Over four 1 MiB chunks: 120,000 lines of ~40 bytes.
    const rows = Array.from({ length: 120_000 }, (_, i) => `C${String(i >> 10).padStart(5, '0')},2026-03-01 ${String((i >> 2) % 24).padStart(2, '0')}:${String((i % 4) * 15).padStart(2, '0')},${i % 97}`);
    const text = `id,timestamp,value\n${rows.join('\n')}\n`;
    const { rows: got, bytes, rowsTold, calls } = read(text, 'big.csv');
    expect(got).toHaveLength(rows.length + 1);
    expect(got[got.length - 1]).toEqual([rows[rows.length - 1]!.split(','), rows.length + 1]);
    expect(bytes).toBe(Buffer.byteLength(text));
    expect(rowsTold).toBe(rows.length);
    // One call per read: ceil(size / 1 MiB) reads with data, and the empty read at the end.
    expect(calls).toBe(Math.ceil(Buffer.byteLength(text) / (1 << 20)) + 1);
  });

  it('reuses its arrays: a chunk is valid until the next is asked for', () => {
    const path = join(dir, 'reuse.csv');
    writeFileSync(path, 'id,timestamp,value\na,2026-03-01 00:00,1\nb,2026-03-01 00:00,2\n');
    const fd = openSync(path, 'r');
    try {
      const seen: [string[], number][] = [];
      const objects = new Set<unknown>();
      for (const chunk of recordChunks(fd, path, ',', () => undefined)) {
        objects.add(chunk.records);
        for (let i = 0; i < chunk.count; i++) seen.push([chunk.records[i]!, chunk.lines[i]!]);
      }
      expect(seen).toEqual([[['id', 'timestamp', 'value'], 1], [['a', '2026-03-01 00:00', '1'], 2], [['b', '2026-03-01 00:00', '2'], 3]]);
      expect(objects.size).toBe(1);
    } finally {
      closeSync(fd);
    }
  });
});
