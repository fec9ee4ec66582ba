// The daylight-saving changes the report names, against the published rules:
// EU (last Sunday of March and October at 01:00 UTC), US (second Sunday of
// March and first of November at 02:00 local), Sydney (first Sunday of
// October and April), and none where the zone keeps one offset.
import { describe, expect, it } from 'vitest';
import { clockChanges } from './clock-changes.js';
import { clockDay } from './timestamps.js';

const day = (date: string) => clockDay(Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10)))!;

describe('clockChanges', () => {
  it('London 2013: forward on 31 March at 01:00, back on 27 October at 02:00 (half-hourly grid: 2 grid times each)', () => {
    expect(clockChanges('Europe/London', day('2013-01-01'), 365, 30)).toEqual([
      { date: '2013-03-31', direction: 'forward', from: '01:00', to: '02:00', gridTimes: 2 },
      { date: '2013-10-27', direction: 'back', from: '02:00', to: '01:00', gridTimes: 2 },
    ]);
  });

  it('New York 2024 on a 15-minute grid; Sydney 2024 (southern hemisphere: back in April, forward in October)', () => {
    expect(clockChanges('America/New_York', day('2024-03-01'), 300, 15)).toEqual([
      { date: '2024-03-10', direction: 'forward', from: '02:00', to: '03:00', gridTimes: 4 },
      { date: '2024-11-03', direction: 'back', from: '02:00', to: '01:00', gridTimes: 4 },
    ]);
    expect(clockChanges('Australia/Sydney', day('2024-01-01'), 366, 60)).toEqual([
      { date: '2024-04-07', direction: 'back', from: '03:00', to: '02:00', gridTimes: 1 },
      { date: '2024-10-06', direction: 'forward', from: '02:00', to: '03:00', gridTimes: 1 },
    ]);
  });

  it('only the changes within the window; none in a zone without daylight saving', () => {
    expect(clockChanges('Europe/Berlin', day('2024-03-31'), 1, 60).map((c) => c.date)).toEqual(['2024-03-31']);
    expect(clockChanges('Europe/Berlin', day('2024-04-01'), 100, 60)).toEqual([]);
    expect(clockChanges('Asia/Shanghai', day('2024-01-01'), 366, 15)).toEqual([]);
    expect(clockChanges('UTC', day('2024-01-01'), 366, 15)).toEqual([]);
  });
});
