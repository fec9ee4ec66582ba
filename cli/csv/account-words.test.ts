// The enum words of --category, --zone and an accounts file's cells: every
// accepted spelling of every word, built here from the engine's and the
// proto's own tables, and words that are none.
import { describe, expect, it } from 'vitest';
import { gridcode } from '#gen/scoring.js';
import { CATEGORY_WORDS, ZONE_WORDS } from '../../engine/src/index.js';
import { WATCH_WORDS } from '../../engine/src/rules/program.js';
import { UsageError } from '../errors.js';
import { CATEGORY, enumCode, WATCH, ZONE, type EnumWords } from './account-words.js';
import { wideCsvOptions } from './options.js';

/** The spellings of a rule-language word `word` (lower case, underscores) with proto prefix `prefix`. */
function spellings(word: string, prefix: string): string[] {
  const upper = word.toUpperCase();
  return [word, upper, `${prefix}${upper}`, `${prefix.toLowerCase()}${word}`, word.replace(/_/g, ' '), word.replace(/_/g, '-'), ` ${upper.replace(/_/g, ' ')} `, `${prefix}${upper}`.replace(/_/g, ' '), word[0]!.toUpperCase() + word.slice(1)];
}

const cases: [EnumWords, Readonly<Record<string, number>>][] = [
  [CATEGORY, CATEGORY_WORDS],
  [ZONE, ZONE_WORDS],
  [WATCH, WATCH_WORDS],
];

describe('enum words', () => {
  it.each(cases.map(([table, words]) => [table.name, table, words] as const))('%s: every rule-language word in every accepted spelling', (_, table, words) => {
    for (const [word, value] of Object.entries(words)) for (const text of spellings(word, table.prefix)) expect(enumCode(text, table), text).toBe(value);
  });

  it('watch: the names of the proto enum WatchStatus, as generated', () => {
    const proto = Object.entries(gridcode.v1.WatchStatus as unknown as Record<string, number>).filter(([, v]) => typeof v === 'number');
    expect(proto.length).toBe(5);
    for (const [name, value] of proto) {
      expect(enumCode(name, WATCH), name).toBe(value);
      expect(enumCode(name.slice('WATCH_STATUS_'.length).toLowerCase(), WATCH), name).toBe(value);
    }
  });

  it('the Chinese words of a Chinese utility export', () => {
    const category: [string, number][] = [['居民', 1], ['住宅', 1], ['商业', 2], ['工业', 3], ['农业', 4], ['其他', 5]];
    const zone: [string, number][] = [['居住区', 1], ['工业园区', 2], ['商业区', 3], ['农村', 4], ['其他', 5]];
    for (const [word, value] of category) expect(enumCode(` ${word} `, CATEGORY), word).toBe(value);
    for (const [word, value] of zone) expect(enumCode(word, ZONE), word).toBe(value);
    expect(gridcode.v1.Category[3]).toBe('CATEGORY_INDUSTRIAL');
    expect(gridcode.v1.Zone[2]).toBe('ZONE_INDUSTRIAL_PARK');
  });

  it('no word for anything else, nor for an empty cell', () => {
    for (const text of ['', '  ', 'house', 'resident', 'CATEGORY_', 'category', 'industrial park s', 'ZONE_RESIDENTIAL', 'residential_area', '居住', '1', '3', 'toString', '__proto__', 'constructor']) {
      expect(enumCode(text, CATEGORY), text).toBeUndefined();
    }
    expect(enumCode('residential', ZONE)).toBeUndefined();
    expect(enumCode('CATEGORY_RESIDENTIAL_AREA', ZONE)).toBeUndefined();
    expect(enumCode('watched', WATCH)).toBeUndefined();
  });

  it('are read the same way by --category and --zone, and an unknown one is a usage error naming the choices', () => {
    expect(wideCsvOptions({ category: '工业', zone: 'Industrial-Park' }, 'score')).toMatchObject({ category: 3, zone: 2 });
    expect(wideCsvOptions({ category: 'category_commercial', zone: 'ZONE_RURAL' }, 'score')).toMatchObject({ category: 2, zone: 4 });
    expect(() => wideCsvOptions({ zone: 'downtown' }, 'score')).toThrow(UsageError);
    expect(() => wideCsvOptions({ zone: 'downtown' }, 'score')).toThrow(/--zone "downtown": use one of residential_area, industrial_park, commercial_area, rural, other/);
  });
});
