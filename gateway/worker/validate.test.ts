// ValidateRuleSet's `extends` (validate.ts catalogResolver): a base is found
// as the registry finds it when it loads the file (among every loaded rule set
// and the bases they carry), but a draft's own base must be one the caller may
// use, and one it may not use reads exactly like one that does not exist.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { gridcode } from '#gen/scoring.js';
import { packageRoot } from '../../engine/src/package-root.js';
import { validateRuleSet, type LoadedRuleSets } from './validate.js';

const DEFAULT = readFileSync(join(packageRoot, 'rules', 'default.yaml'), 'utf8');
const DEFAULT_VERSION = /^version: (.+)$/m.exec(DEFAULT)![1]!;
const DEFAULT_REF = `default@${DEFAULT_VERSION}`;
const derived = (id: string, base: string) => `id: ${id}\nversion: "1"\nextends: ${base}\nthresholds: { yellow: 40, red: 70 }\nrules:\n  - id: r\n    when: corr_industrial_1shift > 0.8\n    score: 50\n`;

/** The loaded rule sets: the default, and district-a (which extends it, and carries it as its base). */
function loaded(mayUse: (id: string) => boolean): LoadedRuleSets {
  const texts = [DEFAULT, derived('district-a', DEFAULT_REF)].map((t) => new TextEncoder().encode(t));
  const sources = new SharedArrayBuffer(texts[0]!.length + texts[1]!.length);
  new Uint8Array(sources).set(texts[0]!, 0);
  new Uint8Array(sources).set(texts[1]!, texts[0]!.length);
  const defaultEntry = { id: 'default', version: DEFAULT_VERSION, digest: '', start: 0, end: texts[0]!.length };
  const district = { id: 'district-a', version: '1', digest: '', start: texts[0]!.length, end: texts[0]!.length + texts[1]!.length, bases: [{ ref: DEFAULT_REF, start: 0, end: texts[0]!.length }] };
  return { catalog: { sources, entries: [defaultEntry, district] }, mayUse };
}

function validate(source: string, rights: LoadedRuleSets): gridcode.v1.ValidateRuleSetResponse {
  return gridcode.v1.ValidateRuleSetResponse.decode(validateRuleSet(gridcode.v1.ValidateRuleSetRequest.encode({ source }).finish(), 'proto', rights));
}

describe('ValidateRuleSet: extends and the caller\'s rights', () => {
  const onlyDistrictA = loaded((id) => id === 'district-a');

  test('a draft on a base the caller may use is valid, even when that base extends one the caller may not use (the registry loads it)', () => {
    const response = validate(derived('district-b', 'district-a@1'), onlyDistrictA);
    expect(response.errors).toEqual([]);
    expect(response.valid).toBe(true);
  });

  test('a base the caller may not use reads exactly like one that does not exist', () => {
    const hidden = validate(derived('district-b', DEFAULT_REF), onlyDistrictA);
    const missing = validate(derived('district-b', 'nosuch@1'), onlyDistrictA);
    expect(hidden.valid).toBe(false);
    // The first line of each (the caret line under the ref differs only in length).
    const messages = [hidden, missing].map((r) => r.errors.map((e) => [e.code, e.message!.split('\n')[0]]));
    expect(messages[0]).toEqual(messages[1]!.map(([code, message]) => [code, message!.replaceAll('nosuch@1', DEFAULT_REF)]));
    expect(messages[0]![0]![1]).toContain('unknown base');
    expect(messages[0]![0]![1]).toContain('that this caller may use');
  });

  test('a caller who may use every rule set extends the default', () => {
    expect(validate(derived('district-b', DEFAULT_REF), loaded(() => true)).valid).toBe(true);
  });
});
