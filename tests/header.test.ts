// The batch header (points per day, start date) and template validation.
import { describe, expect, it } from 'vitest';
import { BatchError, TemplateError, TemplateSet, parseBatchHeader } from '../engine/src/index.js';
import { isoWeekday } from './reference/index.js';
import { batchError as batchErrorOf } from './support/wire.js';


describe('parseBatchHeader', () => {
  it.each([24, 48, 96, 288])('accepts %i points per day', (P) => {
    expect(parseBatchHeader(P, '2024-01-01').pointsPerDay).toBe(P);
  });
  it('reads 0 points per day as 96', () => {
    expect(parseBatchHeader(0, '2024-01-01').pointsPerDay).toBe(96);
  });
  it.each([1, 12, 23, 25, 72, 144, 192, 287, 289, 1440, -24, -96, 24.5, NaN, Infinity])('refuses %s points per day', (P) => {
    expect(batchErrorOf(() => parseBatchHeader(P, '2024-01-01')).code).toBe('invalid_argument');
  });
  it.each(['2023-02-29', '2024-13-01', '2024-00-10', '2024-04-31', '2024-01-00', '2024-01-32', '1900-02-29', '', 'garbage', '2024-1-1', '20240101', '2024-01-01T00:00', ' 2024-01-01', '2024/01/01', '0000-01-01'])(
    'refuses start date %j',
    (date) => {
      expect(batchErrorOf(() => parseBatchHeader(96, date)).code).toBe('invalid_argument');
    },
  );
  it.each([
    ['2024-01-01', 0], // Monday
    ['2024-01-06', 5], // Saturday
    ['2024-02-29', 3], // Thursday, leap day
    ['2000-02-28', 0],
    ['2000-03-04', 5],
    ['1999-12-31', 4], // Friday
    ['2013-01-01', 1], // Tuesday (the London data)
    ['2019-01-01', 1], // Tuesday (the Cambridge data)
    ['2100-03-01', 0],
    ['1900-01-01', 0],
    ['0001-01-01', 0],
    ['9999-12-31', 4],
  ])('%s has weekday %i (0 = Monday)', (date, weekday) => {
    const header = parseBatchHeader(96, date);
    expect(header.startWeekday).toBe(weekday);
    expect(header.startDate).toBe(date);
    expect(isoWeekday(date)).toBe(weekday); // the reference's own calendar agrees
  });
  it('does not depend on the host time zone', () => {
    const before = process.env.TZ;
    try {
      for (const tz of ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'UTC']) {
        process.env.TZ = tz;
        expect(parseBatchHeader(24, '2024-03-31').startWeekday).toBe(6);
      }
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });
});

describe('TemplateSet.from', () => {
  const ok = Array.from({ length: 96 }, (_, i) => i);
  it('keeps names in order', () => {
    expect(TemplateSet.from({ residential: ok, industrial_1shift: ok }).names).toEqual(['residential', 'industrial_1shift']);
  });
  it.each([
    ['95 values', { residential: ok.slice(1) }],
    ['97 values', { residential: [...ok, 1] }],
    ['no values', { residential: [] }],
    ['a NaN', { residential: ok.map((v, i) => (i === 50 ? NaN : v)) }],
    ['an Infinity', { residential: ok.map((v, i) => (i === 0 ? Infinity : v)) }],
    ['a string', { residential: ok.map((v, i) => (i === 3 ? '3' : v)) }],
    ['null', { residential: null }],
    ['a name with a capital', { Residential: ok }],
    ['a name with a dash', { 'one-shift': ok }],
    ['a name starting with a digit', { '2shift': ok }],
    ['an empty name', { '': ok }],
  ])('refuses %s with a TemplateError', (_, templates) => {
    expect(() => TemplateSet.from(templates as unknown as Record<string, number[]>)).toThrow(TemplateError);
  });
});
