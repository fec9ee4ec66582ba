// The columns of a long CSV: the header line read for format detection (a
// .csv whose header is exactly id, timestamp and value is a long one), the
// separator from it, and the id, timestamp and value columns by name (the
// defaults, --id-column/--time-column/--value-column, or --preset).
import { closeSync, openSync, readSync } from 'node:fs';
import { InputError } from '../../errors.js';
import { firstLineEnd, sniffSeparator } from '../cells.js';
import { requireUtf8 } from '../encoding.js';
import { MAX_HEADER_BYTES } from '../grid.js';
import type { WideCsvOptions } from '../options.js';

/** Bytes read at a time while looking for the header line's end. */
const CHUNK = 1 << 20;

/** The default names of a long CSV's columns (any case). */
const DEFAULT_NAMES = ['id', 'timestamp', 'value'] as const;

/** The header line of a file (its first line, up to 64 KiB), for format detection; undefined when it cannot be read. */
export function headerFields(path: string): string[] | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const buffer = Buffer.alloc(64 << 10);
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, n).toString('utf8').replace(/^\uFEFF/, '');
    const end = firstLineEnd(text);
    const line = end < 0 ? text : text.slice(0, end);
    const separator = sniffSeparator(line);
    return separator === undefined ? [line.trim()] : splitHeader(line, separator);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Whether a header is exactly the three columns id, timestamp and value (any order, any case): the rule that makes a .csv a long CSV. */
export function isLongCsvHeader(fields: readonly string[] | undefined): boolean {
  if (fields === undefined || fields.length !== 3) return false;
  const names = new Set(fields.map((f) => f.toLowerCase()));
  return DEFAULT_NAMES.every((n) => names.has(n));
}

function splitHeader(line: string, separator: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (const c of line) {
    if (c === '"') quoted = !quoted;
    else if (c === separator && !quoted) {
      fields.push(field.trim());
      field = '';
    } else field += c;
  }
  fields.push(field.trim());
  return fields;
}

export interface Columns {
  readonly id: number;
  readonly time: number;
  readonly value: number;
  readonly names: string[];
}

export function findColumns(header: string[], name: string, options: WideCsvOptions): Columns {
  const names = header.map((c) => c.trim());
  for (const column of names) requireUtf8(name, 1, 'column name', column);
  const lower = names.map((c) => c.toLowerCase());
  const shown = () => `${names.slice(0, 8).map((n) => JSON.stringify(n)).join(', ')}${names.length > 8 ? ', …' : ''}`;
  const pick = (given: string | undefined, flag: string, fallback: number): number => {
    if (given !== undefined) {
      const index = names.indexOf(given.trim());
      if (index < 0) throw new InputError(name, `no column named ${JSON.stringify(given)} for ${flag}; the header has ${shown()}`);
      return index;
    }
    const named = lower.indexOf(DEFAULT_NAMES[fallback]!);
    if (named >= 0) return named;
    if (names.length < 3) throw new InputError(name, `the header has ${names.length} column${names.length === 1 ? '' : 's'} (${shown()}): a long CSV has an id, a timestamp and a value column`);
    return fallback;
  };
  const id = pick(options.idColumn, '--id-column', 0);
  const time = pick(options.timeColumn, '--time-column', 1);
  const value = pick(options.valueColumn, '--value-column', 2);
  if (id === time || id === value || time === value) throw new InputError(name, `the id, time and value columns must be three different columns; they are ${JSON.stringify(names[id])}, ${JSON.stringify(names[time])} and ${JSON.stringify(names[value])}`);
  return { id, time, value, names };
}

/** The sort command for a file with this separator, keeping its header line. */
export function sortHint(separator: string): string {
  const t = separator === '\t' ? "$'\\t'" : separator === ';' ? "';'" : ',';
  return `(head -n1 FILE; tail -n+2 FILE | sort -t${t} -k1,1 -s) > sorted.csv`;
}

/** The header line of an open file and its separator. Throws InputError. */
export function headerLine(fd: number, name: string, options: WideCsvOptions): { line: string; separator: string } {
  const head = Buffer.alloc(CHUNK);
  let headText = '';
  for (let position = 0; ; ) {
    const n = readSync(fd, head, 0, CHUNK, position);
    position += n;
    headText += head.subarray(0, n).toString('utf8');
    if (n === 0 || firstLineEnd(headText) >= 0) break;
    if (position > MAX_HEADER_BYTES) throw new InputError(name, `no line break in the first ${MAX_HEADER_BYTES >> 20} MiB: this is not a CSV meter export`);
  }
  headText = headText.replace(/^\uFEFF/, '');
  const end = firstLineEnd(headText);
  const line = end < 0 ? headText : headText.slice(0, end);
  if (line.trim() === '') throw new InputError(name, headText === '' ? 'the file is empty' : 'the first line is empty: a long CSV starts with its header (id, timestamp and value columns)');
  const separator = options.separator ?? sniffSeparator(line);
  if (separator === undefined) throw new InputError(name, `the header line has no separator (, ; or tab): a long CSV has an id, a timestamp and a value column (${JSON.stringify(line.slice(0, 60))})`);
  return { line, separator };
}
