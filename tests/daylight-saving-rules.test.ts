// The hand-written daylight-saving rules that the --tz tests take as their
// oracle (tests/support/daylight-saving.ts) against the time-zone data of
// this Node.js: if they part, the oracle is wrong (or the tz data changed),
// not the readers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { offsetAt, ZONES, type Zone } from './support/daylight-saving.js';

const MINUTE_MS = 60_000;

describe('the hand-written daylight-saving rules (the oracle)', () => {
  it('agree with the time-zone data of this Node.js around every change of 2013–2026 and at random instants', () => {
    const offsetOfIntl = (zone: string, instant: number) => {
      const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' }).formatToParts(instant).map((p) => [p.type, p.value]));
      return (Date.UTC(Number(parts['year']), Number(parts['month']) - 1, Number(parts['day']), Number(parts['hour']), Number(parts['minute'])) - instant) / MINUTE_MS;
    };
    for (const zone of ZONES) {
      for (let year = 2013; year <= 2026; year++) {
        for (const kind of ['spring', 'autumn'] as const) {
          const change = zone.rule?.[kind](year) ?? Date.UTC(year, kind === 'spring' ? 2 : 9, 28);
          for (let t = change - 2 * 3_600_000; t <= change + 2 * 3_600_000; t += 15 * MINUTE_MS) expect(offsetAt(zone, t), `${zone.name} ${new Date(t).toISOString()}`).toBe(offsetOfIntl(zone.name, t));
        }
      }
    }
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: Date.UTC(2013, 0, 1) / MINUTE_MS, max: Date.UTC(2026, 11, 31) / MINUTE_MS }), (zone: Zone, minute) => {
        expect(offsetAt(zone, minute * MINUTE_MS)).toBe(offsetOfIntl(zone.name, minute * MINUTE_MS));
      }),
      { numRuns: 2000 },
    );
  });
});
