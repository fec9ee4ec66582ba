import { describe, expect, it } from 'vitest';
import { gridcode } from '#gen/scoring.js';
import { changesOf, Transitions, type Change } from './transitions.js';

const { CODE_GREEN: GREEN, CODE_YELLOW: YELLOW, CODE_RED: RED, CODE_GRAY: GRAY } = gridcode.v1.Code;
const { WATCH_STATUS_UNSPECIFIED: NONE, WATCH_STATUS_RECTIFIED: RECTIFIED, WATCH_STATUS_CLOSED: CLOSED, WATCH_STATUS_RESTRICTED: RESTRICTED, WATCH_STATUS_CLEARED: CLEARED } =
  gridcode.v1.WatchStatus;
const ABSENT = undefined;
/** A status number this build has no name for (the engine holds 255 for it). */
const UNKNOWN_STATUS = 255;

describe('the transitions of a consumer', () => {
  // before, now, watch status → changes
  const table: [number | undefined, number, number, Change[]][] = [
    [GREEN, GREEN, NONE, []],
    [GREEN, RED, NONE, ['new_red']],
    [YELLOW, RED, NONE, ['new_red']],
    [GRAY, RED, NONE, ['new_red']],
    [ABSENT, RED, NONE, ['new_red']],
    [RED, RED, NONE, []],
    [RED, GREEN, NONE, ['red_to_green']],
    [RED, YELLOW, NONE, ['red_to_yellow']],
    [RED, GRAY, NONE, ['newly_gray']],
    [GREEN, GRAY, NONE, ['newly_gray']],
    [ABSENT, GRAY, NONE, ['newly_gray']],
    [GRAY, GRAY, NONE, []],
    [GREEN, YELLOW, NONE, []],
    [YELLOW, GREEN, NONE, []],
    [ABSENT, GREEN, NONE, []],
    [ABSENT, YELLOW, NONE, []],
    // A watched site that was quiet (GREEN, or not in the last run) and is flagged now: a relapse.
    [GREEN, RED, CLOSED, ['new_red', 'relapse']],
    [ABSENT, RED, CLOSED, ['new_red', 'relapse']],
    [GREEN, YELLOW, CLOSED, ['relapse']],
    [GREEN, YELLOW, RECTIFIED, ['relapse']],
    [ABSENT, YELLOW, RESTRICTED, ['relapse']],
    [GREEN, RED, RESTRICTED, ['new_red', 'relapse']],
    // Flagged before already, quiet now, or not judged: no relapse.
    [YELLOW, RED, CLOSED, ['new_red']],
    [YELLOW, YELLOW, RECTIFIED, []],
    [RED, YELLOW, CLOSED, ['red_to_yellow']],
    [GRAY, RED, CLOSED, ['new_red']],
    [GREEN, GREEN, CLOSED, []],
    [GREEN, GRAY, RECTIFIED, ['newly_gray']],
    // Cleared sites were false alarms, and a status without a name is none of the three.
    [GREEN, RED, CLEARED, ['new_red']],
    [GREEN, YELLOW, CLEARED, []],
    [GREEN, YELLOW, UNKNOWN_STATUS, []],
  ];
  it.each(table)('%s → %s with watch %s: %j', (before, now, watch, changes) => {
    expect(changesOf(before, now, watch)).toEqual(changes);
  });
});

describe('Transitions', () => {
  it('lists only consumers with a change, in the order added, and counts each change', () => {
    const transitions = new Transitions('run-1.json');
    transitions.add('a', GREEN, GREEN, NONE);
    transitions.add('b "2"', GREEN, RED, CLOSED);
    transitions.add('c', ABSENT, GRAY, NONE);
    transitions.add('d', RED, GREEN, NONE);
    transitions.summary.gone = 2;
    expect(transitions.count).toBe(3);
    expect(transitions.json()).toBe(
      '{"previous":"run-1.json","summary":{"new_red":1,"red_to_green":1,"red_to_yellow":0,"newly_gray":1,"relapse":1,"gone":2},"consumers":[\n' +
        '{"id":"b \\"2\\"","from":"CODE_GREEN","to":"CODE_RED","changes":["new_red","relapse"]},\n' +
        '{"id":"c","from":null,"to":"CODE_GRAY","changes":["newly_gray"]},\n' +
        '{"id":"d","from":"CODE_RED","to":"CODE_GREEN","changes":["red_to_green"]}\n' +
        ']}',
    );
    expect(transitions.line()).toBe('since run-1.json: 1 new RED, 1 RED → GREEN, 0 RED → YELLOW, 1 newly GRAY, 1 relapse of watched sites, 2 gone');
  });

  it('writes an empty list when nothing changed', () => {
    const transitions = new Transitions('p.pb');
    transitions.add('a', RED, RED, NONE);
    expect(JSON.parse(transitions.json())).toEqual({ previous: 'p.pb', summary: { new_red: 0, red_to_green: 0, red_to_yellow: 0, newly_gray: 0, relapse: 0, gone: 0 }, consumers: [] });
    expect(transitions.line()).toMatch(/0 relapses of watched sites, 0 gone$/);
  });
});
