// compareWithServer (check --server): what the server would make of a file
// that compiles here, given the server's list. The file's bases are compared
// with the list whether or not the server has the file itself.
import { describe, expect, test } from 'vitest';
import { compareWithServer, type ServedRuleSet } from './server-rule-sets.js';

const SERVER = 'http://gw';
const BASE: ServedRuleSet = { id: 'default', version: '2026.12.2', digest: 'a'.repeat(64) };
const CITY: ServedRuleSet = { id: 'city', version: '1', digest: 'c'.repeat(64) };

describe('compareWithServer', () => {
  test('a new file whose base the server has under the same id@version with another digest is refused: the server would compile it against its own base', () => {
    const here = { ...BASE, digest: 'b'.repeat(64) };
    const { line, refused } = compareWithServer([BASE], CITY, SERVER, [here]);
    expect(refused).toBe(true);
    expect(line).toContain(`would compile city@1 against its own base`);
    expect(line).toContain(`its base default@2026.12.2 here (sha256:${here.digest}) is not the server's (sha256:${BASE.digest})`);
  });

  test('a new file whose base the server does not list passes, with a note that the base must be deployed with it', () => {
    const other = { ...BASE, version: '2027.1.0', digest: 'd'.repeat(64) };
    const { line, refused } = compareWithServer([BASE], CITY, SERVER, [other]);
    expect(refused).toBe(false);
    expect(line).toContain('city@1 is new to the server http://gw');
    expect(line).toContain('does not list its base default@2027.1.0');
    expect(line).toContain('deploy it with (or before) this file');
  });

  test('a new file on the server\'s own base is new, without a note; one the server has with this digest is the same', () => {
    expect(compareWithServer([BASE], CITY, SERVER, [BASE])).toEqual({ refused: false, line: 'city@1 is new to the server http://gw' });
    expect(compareWithServer([BASE, CITY], CITY, SERVER, [BASE])).toEqual({ refused: false, line: 'the server http://gw has city@1 with this digest' });
  });

  test('a file the server has with another digest is refused as changed without a new version, naming a differing base', () => {
    const here = { ...BASE, digest: 'b'.repeat(64) };
    const { line, refused } = compareWithServer([BASE, { ...CITY, digest: 'e'.repeat(64) }], CITY, SERVER, [here]);
    expect(refused).toBe(true);
    expect(line).toMatch(/^error: changed without a new version: .*; its base default@2026\.12\.2 here/);
  });
});
