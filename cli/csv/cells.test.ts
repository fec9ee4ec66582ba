// The cells, separators, timestamps and time zones of a meter export.
import { describe, expect, it } from 'vitest';
import { cellNumber, CellKind, firstLineEnd, sniffSeparator } from './cells.js';
import { clockDay, DAY_MS, parseTimestamp, validTimeZone, ZoneClock } from './timestamps.js';

const read = (text: string, comma = false) => {
  const out = { kind: CellKind.number as CellKind };
  const value = cellNumber(text, comma, out);
  return out.kind === CellKind.number ? value : out.kind === CellKind.empty ? 'empty' : 'unreadable';
};

describe('cells', () => {
  it('reads decimal numbers, signs and exponents, with spaces around', () => {
    expect(read('0.219')).toBe(0.219);
    expect(read(' 2.6070001 ')).toBe(2.6070001);
    expect(read('-1.5')).toBe(-1.5);
    expect(read('+3')).toBe(3);
    expect(read('.5')).toBe(0.5);
    expect(read('5.')).toBe(5);
    expect(read('1.5e2')).toBe(150);
    expect(read('7E-3')).toBe(0.007);
  });
  it('gives a missing reading for anything else, empty apart', () => {
    expect(read('')).toBe('empty');
    expect(read('   ')).toBe('empty');
    for (const text of ['null', 'Null', 'NA', 'NaN', 'n/a', '-', 'Infinity', '0x10', '1,5', '1.2.3', '1 000', 'e5', '--1', '12kW']) expect(read(text), text).toBe('unreadable');
  });
  it('reads a decimal comma when told, never a cell with a dot (a thousands separator, perhaps)', () => {
    expect(read('1,5', true)).toBe(1.5);
    expect(read('999,5', true)).toBe(999.5);
    expect(read('-0,25', true)).toBe(-0.25);
    expect(read('1.5', true)).toBe('unreadable');
    expect(read('1.000', true)).toBe('unreadable');
    expect(read('12.500', true)).toBe('unreadable');
    expect(read('1.5e2', true)).toBe('unreadable');
    expect(read('1.234,5', true)).toBe('unreadable');
    expect(read('1,2,3', true)).toBe('unreadable');
    expect(read(',', true)).toBe('unreadable');
  });
});

describe('the separator of a header line', () => {
  it('is the most frequent of , ; tab outside quotes', () => {
    expect(sniffSeparator('tstp,MAC000002,MAC000003')).toBe(',');
    expect(sniffSeparator('"";"MT_001";"MT_002"')).toBe(';');
    expect(sniffSeparator('time\ta,b\tc;d\te')).toBe('\t');
    expect(sniffSeparator('"time, local";a;b')).toBe(';');
    expect(sniffSeparator('timestamp')).toBeUndefined();
  });
  it('ends at the first line break outside quotes', () => {
    expect(firstLineEnd('a,b\r\n1,2')).toBe(3);
    expect(firstLineEnd('"a\nb",c\n1,2')).toBe(7);
    expect(firstLineEnd('a,b')).toBe(-1);
  });
});

describe('timestamps', () => {
  const clock = (text: string) => {
    const t = parseTimestamp(text);
    return t.kind === 'unreadable' ? t.kind : `${t.kind} ${new Date(t.ms).toISOString()}`;
  };
  it('reads clock times with a space or T, with or without seconds', () => {
    expect(clock('2013-01-01 00:30:00')).toBe('clock 2013-01-01T00:30:00.000Z');
    expect(clock('2013-01-01T23:45')).toBe('clock 2013-01-01T23:45:00.000Z');
    expect(clock(' 2024-02-29 12:00:07.250 ')).toBe('clock 2024-02-29T12:00:07.250Z');
  });
  it('reads Z and offsets as instants', () => {
    expect(clock('2013-06-01T12:00:00Z')).toBe('instant 2013-06-01T12:00:00.000Z');
    expect(clock('2013-06-01 12:00:00+01:00')).toBe('instant 2013-06-01T11:00:00.000Z');
    expect(clock('2013-06-01T12:00-0530')).toBe('instant 2013-06-01T17:30:00.000Z');
    expect(clock('2013-06-01T12:00:00+08')).toBe('instant 2013-06-01T04:00:00.000Z');
  });
  it('refuses what is not a calendar clock time', () => {
    for (const text of ['2013-02-29 00:00', '2013-13-01 00:00', '2013-01-01 24:00', '2013-01-01 12:60', '01/02/2013 00:00', '2013-01-01', '', 'tstp', '0000-01-01 00:00']) expect(clock(text), text).toBe('unreadable');
  });
  it('counts days from 1970-01-01', () => {
    expect(clockDay(1970, 1, 1)).toBe(0);
    expect(clockDay(2013, 1, 1)).toBe(15706);
    expect(clockDay(2013, 2, 29)).toBeUndefined();
    expect(clockDay(50, 3, 1)! * DAY_MS).toBe(Date.parse('0050-03-01T00:00:00Z'));
  });
});

describe('time zones', () => {
  const local = (zone: string, instant: string) => new Date(new ZoneClock(zone).clock(Date.parse(instant))).toISOString().slice(0, 19);
  it('turns instants into the clock time of a zone, daylight saving included', () => {
    expect(local('UTC', '2013-06-01T12:00:00Z')).toBe('2013-06-01T12:00:00');
    expect(local('Europe/London', '2013-01-15T12:00:00Z')).toBe('2013-01-15T12:00:00');
    expect(local('Europe/London', '2013-06-01T12:00:00Z')).toBe('2013-06-01T13:00:00');
    expect(local('Asia/Shanghai', '2013-06-01T20:30:00Z')).toBe('2013-06-02T04:30:00');
    expect(local('America/St_Johns', '2013-01-15T12:00:00Z')).toBe('2013-01-15T08:30:00');
    // Autumn: 00:30Z and 01:30Z are both 01:30 in London (BST ends at 01:00Z); spring: 01:00 local never happens.
    expect(local('Europe/London', '2013-10-27T00:30:00Z')).toBe('2013-10-27T01:30:00');
    expect(local('Europe/London', '2013-10-27T01:30:00Z')).toBe('2013-10-27T01:30:00');
    expect(local('Europe/London', '2013-03-31T00:59:59Z')).toBe('2013-03-31T00:59:59');
    expect(local('Europe/London', '2013-03-31T01:00:00Z')).toBe('2013-03-31T02:00:00');
  });
  it('keeps milliseconds, before 1970 too', () => {
    const zone = new ZoneClock('Europe/Paris');
    expect(new Date(zone.clock(Date.parse('2013-06-01T12:00:00.250Z'))).toISOString()).toBe('2013-06-01T14:00:00.250Z');
    expect(new Date(zone.clock(Date.parse('1960-06-01T12:00:00.250Z'))).toISOString()).toBe('1960-06-01T13:00:00.250Z');
  });
  it('knows IANA names only', () => {
    expect(validTimeZone('Europe/London')).toBe(true);
    expect(validTimeZone('UTC')).toBe(true);
    expect(validTimeZone('Mars/Olympus')).toBe(false);
  });
});
