// Real runs of the built command line (`npm run build` first; `npm test` does)
// on small batches and rule sets written to a temporary folder.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gridcode } from '#gen/scoring.js';
import { namedRules, yamlRuleInfosJson, type RuleInfoJson } from '../tests/support/rule-info.js';
import { runCli } from '../tests/support/cli.js';
import { NIGHT_LOAD_RULES } from '../tests/support/night-load-rules.js';

const root = fileURLToPath(new URL('..', import.meta.url));
let dir: string;
let rulesDir: string;

const RULES = `# The test's criteria.
id: test
version: "1.0"
description: criteria of the score command's tests
thresholds: { yellow: 40, red: 70 }
min_valid_share: 0.5
rules:
${NIGHT_LOAD_RULES}  - id: park
    when: zone == industrial_park
    effect: exempt
    reason: Licensed industrial park
`;

beforeAll(() => {
  if (!existsSync(join(root, 'dist/cli/main.js'))) throw new Error('dist/cli/main.js is missing: run npm run build first');
  dir = mkdtempSync(join(tmpdir(), 'gridcode-score-'));
  rulesDir = join(dir, 'rules');
  mkdirSync(rulesDir);
  writeFileSync(join(rulesDir, 'test-1.0.yaml'), RULES);
  // A newer version that codes nothing RED: `test` means this one, `test@1.0` the one above.
  writeFileSync(join(rulesDir, 'test-1.1.yaml'), RULES.replace('version: "1.0"', 'version: "1.1"').replace('red: 70', 'red: 100'));
  writeFileSync(join(rulesDir, 'default.yaml'), RULES.replace('id: test', 'id: default').replace('score: 50', 'score: 10'));
  writeFileSync(join(dir, 'rules.yaml'), RULES);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function gridcodeRun(...args: string[]) {
  return runCli(dir, args);
}

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** Two days at 96 points: `day` kW from 06:00 to 22:00, `night` kW otherwise. */
function curve(day: number, night: number, readings = 192): number[] {
  return Array.from({ length: readings }, (_, t) => {
    const hour = (t % 96) / 4;
    return hour >= 22 || hour < 6 ? night : day;
  });
}

const consumers: gridcode.v1.Consumer.$Properties[] = [
  { id: 'night-house', category: 1, zone: 1, capacityKw: 8, loadKw: curve(1, 3) }, // night_share 0.6: YELLOW
  { id: 'day-house', category: 1, zone: 1, capacityKw: 8, loadKw: curve(1, 0.1) }, // GREEN
  { id: 'short', category: 1, loadKw: curve(1, 1, 95) }, // not a whole day: GRAY
  { id: 'park-factory', category: 3, zone: 2, capacityKw: 10, loadKw: curve(5, 5) }, // 80 points but exempt: GREEN
  { id: 'factory', category: 3, zone: 1, capacityKw: 10, loadKw: curve(5, 5) }, // night_share 1/3 and mean 5: RED
  { id: 'empty', category: 1 }, // GRAY
];

type Request = Omit<gridcode.v1.ScoreBatchRequest.$Properties, 'consumers' | 'startDate' | 'pointsPerDay'>;

function jsonBatch(name: string, request: Request = {}): string {
  const body = {
    ...request,
    startDate: '2026-03-02',
    pointsPerDay: 96,
    consumers: consumers.map((c) => ({
      id: c.id,
      category: gridcode.v1.Category[c.category ?? 0],
      ...(c.zone ? { zone: gridcode.v1.Zone[c.zone] } : {}),
      ...(c.capacityKw ? { capacityKw: c.capacityKw } : {}),
      ...(c.loadKw ? { loadKw: c.loadKw } : {}),
    })),
  };
  return file(name, JSON.stringify(body, null, 1));
}

function pbBatch(name: string, request: Request = {}): string {
  return file(name, gridcode.v1.ScoreBatchRequest.encode({ ...request, startDate: '2026-03-02', pointsPerDay: 96, consumers }).finish());
}

interface Result {
  id?: string;
  code: string;
  score?: number;
  reasons?: string[];
  features?: Array<number | string>;
  note?: string;
  evidence?: Array<{ rule: string; values?: Record<string, number | string> }>;
}
interface Response {
  ruleSet: string;
  ruleSetDigest: string;
  results?: Result[];
  summary: { total?: number; green?: number; yellow?: number; red?: number; gray?: number; ruleHits?: Record<string, number> };
  featureNames?: string[];
  rules?: RuleInfoJson[];
}

function score(...args: string[]): Response {
  const run = gridcodeRun('score', ...args);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout) as Response;
}

const byId = (response: Response) => new Map((response.results ?? []).map((result) => [result.id, result]));

describe('gridcode score', () => {
  it('codes every consumer in request order, with reasons, and GRAY with a note for unusable ones', () => {
    const response = score('--input', jsonBatch('batch.json'), '--rule-set', join(dir, 'rules.yaml'));
    expect(response.ruleSet).toBe('test@1.0');
    expect(response.ruleSetDigest).toMatch(/^(sha256:)?[0-9a-f]{64}$/);
    expect(response.results).toEqual([
      { id: 'night-house', code: 'CODE_YELLOW', score: 50, reasons: ['night-load'] },
      { id: 'day-house', code: 'CODE_GREEN' },
      { id: 'short', code: 'CODE_GRAY', note: expect.stringMatching(/95 readings is not a whole number of days/) as unknown as string },
      { id: 'park-factory', code: 'CODE_GREEN', score: 80, reasons: ['park', 'night-load', 'big-mean'] },
      { id: 'factory', code: 'CODE_RED', score: 80, reasons: ['night-load', 'big-mean'] },
      { id: 'empty', code: 'CODE_GRAY', note: 'no readings' },
    ]);
    expect(response.summary).toEqual({ total: 6, green: 2, yellow: 1, red: 1, gray: 2, ruleHits: { 'night-load': 3, 'big-mean': 2, park: 1 } });
    expect(response.featureNames).toBeUndefined();
    // Every rule is named (park by the GREEN park-factory), described as the rule file says.
    expect(response.rules).toEqual(yamlRuleInfosJson(RULES));
    // The same batch as protobuf gives the same response.
    const fromPb = gridcodeRun('score', '--input', pbBatch('batch.pb'), '--rule-set', 'rules.yaml');
    expect(fromPb.stderr).toBe('');
    expect(JSON.parse(fromPb.stdout)).toEqual(response);
  });

  it('leaves GREEN results out with --flagged-only, and the summary still counts them', () => {
    const all = score('-i', jsonBatch('flagged.json'), '-r', 'rules.yaml');
    const flagged = score('-i', jsonBatch('flagged.json'), '-r', 'rules.yaml', '--flagged-only');
    expect(flagged.results!.map((result) => result.id)).toEqual(['night-house', 'short', 'factory', 'empty']);
    expect(flagged.results).toEqual(all.results!.filter((result) => result.code !== 'CODE_GREEN'));
    expect(flagged.summary).toEqual(all.summary);
    // park is named only by park-factory, a GREEN result left out: the response does not describe it.
    expect(flagged.rules).toEqual(namedRules(yamlRuleInfosJson(RULES), flagged.results!));
    expect(flagged.rules!.map((rule) => rule.id)).toEqual(['night-load', 'big-mean']);
  });

  it('gives the feature names and each result\'s values in their order with --include-features', () => {
    const batch = jsonBatch('features.json');
    const response = score('-i', batch, '-r', 'rules.yaml', '--include-features');
    const names = response.featureNames!;
    expect(names).toContain('night_share');
    expect(names).toContain('mean_kw');
    for (const result of response.results!) expect(result.features).toHaveLength(names.length);
    const house = byId(response).get('night-house')!;
    expect(house.features![names.indexOf('night_share')]).toBeCloseTo(0.6, 6);
    expect(house.features![names.indexOf('days')]).toBe(2);
    expect(byId(response).get('factory')!.features![names.indexOf('mean_kw')]).toBe(5);
    expect(byId(response).get('empty')!.features!.every((value) => value === 'NaN')).toBe(true);
    // The same values as `gridcode features`, as float32.
    const lines = gridcodeRun('features', '-i', batch)
      .stdout.trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; features: Record<string, number | string> });
    for (const line of lines) {
      const result = byId(response).get(line.id)!;
      for (const [name, value] of Object.entries(line.features)) {
        if (!names.includes(name)) continue;
        const scored = result.features![names.indexOf(name)]!;
        expect([line.id, name, typeof value === 'number' ? Math.fround(value) : value]).toEqual([line.id, name, typeof scored === 'number' ? Math.fround(scored) : scored]);
      }
    }
  });

  it('gives for each fired rule the values it read with --include-evidence', () => {
    const response = score('-i', jsonBatch('evidence.json'), '-r', 'rules.yaml', '--include-evidence');
    const results = byId(response);
    expect(results.get('night-house')!.evidence).toEqual([{ rule: 'night-load', values: { night_share: 0.6 } }]);
    expect(results.get('factory')!.evidence).toEqual([
      { rule: 'night-load', values: { night_share: 0.33333334 } },
      { rule: 'big-mean', values: { mean_kw: 5, capacity_kw: 10 } },
    ]);
    expect(results.get('park-factory')!.evidence![0]).toEqual({ rule: 'park' }); // it reads only the zone, an enum
    expect(results.get('day-house')!.evidence).toBeUndefined();
  });

  it('writes binary protobuf to --output x.pb, the same content as --output x.json', () => {
    const batch = pbBatch('output.pb');
    const flags = ['--include-features', '--include-evidence'];
    const jsonOut = join(dir, 'response.json');
    const pbOut = join(dir, 'response.pb');
    for (const output of [jsonOut, pbOut]) {
      const run = gridcodeRun('score', '-i', batch, '-r', 'rules.yaml', '-o', output, ...flags);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toBe('');
    }
    const json = readFileSync(jsonOut, 'utf8');
    expect(json).toBe(gridcodeRun('score', '-i', batch, '-r', 'rules.yaml', ...flags).stdout);
    const bytes = readFileSync(pbOut);
    const decoded = gridcode.v1.ScoreBatchResponse.decode(bytes);
    expect(decoded.results.map((result) => result.id)).toEqual(consumers.map((c) => c.id));
    expect(decoded.results[4]!.code).toBe(gridcode.v1.Code.CODE_RED);
    // The JSON, read by protobufjs, encodes to the very same bytes.
    const fromJson = gridcode.v1.ScoreBatchResponse.fromObject(JSON.parse(json) as gridcode.v1.ScoreBatchResponse.$Shape);
    expect(Buffer.from(gridcode.v1.ScoreBatchResponse.encode(fromJson).finish()).equals(bytes)).toBe(true);
    // And the decoded message in protobufjs's JSON form is the same content (floats compared as float32).
    const float32 = (x: unknown): unknown =>
      typeof x === 'number' ? Math.fround(x) : Array.isArray(x) ? x.map(float32) : x && typeof x === 'object' ? Object.fromEntries(Object.entries(x).map(([k, v]) => [k, float32(v)])) : x;
    expect(float32(gridcode.v1.ScoreBatchResponse.toObject(decoded, { enums: String, json: true }))).toEqual(float32(JSON.parse(json)));
  });

  it('notes a judged result whose zone is unspecified or whose meter read 0 kW, in JSON and in protobuf output', () => {
    const noted: gridcode.v1.Consumer.$Properties[] = [
      { id: 'no-zone', category: 1, capacityKw: 8, loadKw: curve(1, 0.1) }, // GREEN; park reads the zone
      { id: 'vacant', category: 1, zone: 1, capacityKw: 8, loadKw: curve(0, 0) }, // GREEN, 0 kW throughout
      { id: 'night-no-zone', category: 1, capacityKw: 8, loadKw: curve(1, 3) }, // YELLOW
      { id: 'short', category: 1, loadKw: curve(1, 1, 95) }, // GRAY: its own note only
    ];
    const batch = file('noted.pb', gridcode.v1.ScoreBatchRequest.encode({ startDate: '2026-03-02', pointsPerDay: 96, consumers: noted }).finish());
    const noZone = 'zone unspecified (no zone from upstream): 1 rule that reads zone did not fire: park';
    const json = score('-i', batch, '-r', 'rules.yaml');
    expect(json.results).toEqual([
      { id: 'no-zone', code: 'CODE_GREEN', note: noZone },
      { id: 'vacant', code: 'CODE_GREEN', note: 'the meter read 0 kW for the whole window (192 valid readings): vacant premises, a disconnected supply or a stuck meter' },
      { id: 'night-no-zone', code: 'CODE_YELLOW', score: 50, reasons: ['night-load'], note: noZone },
      { id: 'short', code: 'CODE_GRAY', note: expect.stringMatching(/^95 readings is not a whole number of days/) as unknown as string },
    ]);
    const pbOut = join(dir, 'noted-response.pb');
    expect(gridcodeRun('score', '-i', batch, '-r', 'rules.yaml', '-o', pbOut).status).toBe(0);
    const decoded = gridcode.v1.ScoreBatchResponse.decode(readFileSync(pbOut));
    expect(decoded.results.map((result) => result.note)).toEqual(json.results!.map((result) => result.note));
  });

  it('takes the rule set and the flags from the request, a flag on the command line turning one on', () => {
    for (const batch of [jsonBatch('request.json', { ruleSet: 'test@1.0', flaggedOnly: true, includeEvidence: true }), pbBatch('request.pb', { ruleSet: 'test@1.0', flaggedOnly: true, includeEvidence: true })]) {
      const response = score('-i', batch, '--rules-dir', rulesDir);
      expect(response.ruleSet).toBe('test@1.0');
      expect(response.results!.map((result) => result.id)).toEqual(['night-house', 'short', 'factory', 'empty']);
      expect(response.results![0]!.evidence).toEqual([{ rule: 'night-load', values: { night_share: 0.6 } }]);
      expect(response.featureNames).toBeUndefined();
      expect(score('-i', batch, '--rules-dir', rulesDir, '--include-features').featureNames).toContain('night_share');
      // --rule-set wins over the request's.
      expect(score('-i', batch, '--rules-dir', rulesDir, '-r', 'default').ruleSet).toBe('default@1.0');
    }
  });

  it('resolves an id to its newest version, id@version to that one, and nothing to the default', () => {
    const batch = pbBatch('versions.pb');
    const newest = score('-i', batch, '--rules-dir', rulesDir, '-r', 'test');
    expect(newest.ruleSet).toBe('test@1.1');
    expect(byId(newest).get('factory')!.code).toBe('CODE_YELLOW'); // red at 100 in 1.1
    const older = score('-i', batch, '--rules-dir', rulesDir, '-r', 'test@1.0');
    expect(older.ruleSet).toBe('test@1.0');
    expect(byId(older).get('factory')!.code).toBe('CODE_RED');
    expect(newest.ruleSetDigest).not.toBe(older.ruleSetDigest);
    expect(score('-i', batch, '--rules-dir', rulesDir).ruleSet).toBe('default@1.0');
  });

  it('fails on an unknown rule set, naming the loaded ones', () => {
    const batch = pbBatch('unknown.pb');
    const unknown = gridcodeRun('score', '-i', batch, '--rules-dir', rulesDir, '-r', 'nosuch');
    expect(unknown.status).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toBe(`gridcode: ${rulesDir}: no rule set "nosuch"; loaded: default@1.0, test@1.0, test@1.1\n`);
    const version = gridcodeRun('score', '-i', batch, '--rules-dir', rulesDir, '-r', 'test@9');
    expect(version.status).toBe(1);
    expect(version.stderr).toMatch(/no rule set "test@9"; loaded: default@1\.0, test@1\.0, test@1\.1/);
    const fromRequest = gridcodeRun('score', '-i', pbBatch('unknown-request.pb', { ruleSet: 'other' }), '--rules-dir', rulesDir);
    expect(fromRequest.status).toBe(1);
    expect(fromRequest.stderr).toMatch(/no rule set "other"; loaded: /);
    const missing = gridcodeRun('score', '-i', batch, '-r', 'missing.yaml');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe('gridcode: missing.yaml: no such file\n');
  });

  it('fails on a rule-set file with errors, showing each with a caret', () => {
    const bad = file('bad.yaml', RULES.replace('when: night_share > 0.3', 'when: nigth_share > 0.3').replace('when: zone == industrial_park', 'when: zone == 3'));
    const run = gridcodeRun('score', '-i', pbBatch('bad.pb'), '-r', bad);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`${bad}:9:11: error[unknown_name] (rule night-load): unknown name \`nigth_share\`; did you mean \`night_share\`?\n 9 |     when: nigth_share > 0.3\n   |           ^~~~~~~~~~~\n`);
    expect(run.stderr).toContain(`${bad}:17:11: error[type_mismatch] (rule park): `);
    expect(run.stderr).toMatch(/\n 17 \|     when: zone == 3\n    \|           \^~+\n/);
    expect(run.stderr.endsWith(`gridcode: ${bad}: the rule set does not compile (2 errors)\n`)).toBe(true);
  });

  it('fails on a bad command line with status 2, and on a bad batch with status 1', () => {
    const noInput = gridcodeRun('score', '-r', 'rules.yaml');
    expect(noInput.status).toBe(2);
    expect(noInput.stderr).toMatch(/score needs --input BATCH\nRun 'gridcode score --help'/);
    expect(gridcodeRun('score', '-i', 'x.pb', '--frobnicate').status).toBe(2);
    const help = gridcodeRun('score', '--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: gridcode score --input BATCH/);
    const badBatch = gridcodeRun('score', '-i', file('bad-batch.json', '{"startDate": "2026-02-30", "consumers": []}'), '-r', 'rules.yaml');
    expect(badBatch.status).toBe(1);
    expect(badBatch.stderr).toMatch(/^gridcode: .*bad-batch\.json: /);
    const badFlag = gridcodeRun('score', '-i', file('bad-flag.json', '{"startDate": "2026-03-02", "flaggedOnly": "yes", "consumers": []}'), '-r', 'rules.yaml');
    expect(badFlag.status).toBe(1);
    expect(badFlag.stderr).toMatch(/flaggedOnly: expected true or false/);
  });

  it('scores a batch of several blocks in request order and sums their summaries', () => {
    const many = Array.from({ length: 4500 }, (_, i) => ({ ...consumers[i % consumers.length]!, id: `c${i}` }));
    const batch = file('many.pb', gridcode.v1.ScoreBatchRequest.encode({ startDate: '2026-03-02', pointsPerDay: 96, consumers: many }).finish());
    const response = score('-i', batch, '-r', 'rules.yaml', '--flagged-only');
    const single = score('-i', pbBatch('one.pb'), '-r', 'rules.yaml');
    const expected = many.map((c, i) => ({ id: c.id, code: single.results![i % consumers.length]!.code })).filter((result) => result.code !== 'CODE_GREEN');
    expect(response.results!.map(({ id, code }) => ({ id, code }))).toEqual(expected);
    expect(response.summary).toEqual({ total: 4500, green: 1500, yellow: 750, red: 750, gray: 1500, ruleHits: { 'night-load': 2250, 'big-mean': 1500, park: 750 } });
  });

  it('writes an empty batch as its rule set and a summary of nothing', () => {
    const response = score('-i', file('empty.json', '{"startDate": "2026-03-02", "consumers": []}'), '-r', 'rules.yaml');
    expect(response).toEqual({ ruleSet: 'test@1.0', ruleSetDigest: expect.any(String) as unknown as string, summary: {} });
  });
});
