// Real runs of the built command line (`npm run build` first; `npm test` does)
// on small batches written to a temporary folder.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gridcode } from '#gen/scoring.js';
import { defaultTemplates } from './templates-file.js';
import { runCli } from '../tests/support/cli.js';

const root = fileURLToPath(new URL('..', import.meta.url));
let dir: string;

beforeAll(() => {
  if (!existsSync(join(root, 'dist/cli/main.js'))) throw new Error('dist/cli/main.js is missing: run npm run build first');
  dir = mkdtempSync(join(tmpdir(), 'gridcode-cli-'));
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

/** Two days at P = 96 of a household-like curve, scaled; a few readings missing. */
function curve(scale: number, readings = 192): number[] {
  return Array.from({ length: readings }, (_, t) => (t % 37 === 5 ? NaN : scale * (1 + Math.sin((t / 96) * 2 * Math.PI) + (t % 96 >= 72 ? 1 : 0))));
}

const consumers = [
  { id: 'house-1', category: 1, zone: 1, capacityKw: 8, loadKw: curve(0.5) },
  { id: 'workshop-2', category: 3, zone: 1, capacityKw: 20, loadKw: curve(4) },
  { id: 'short-3', loadKw: curve(1, 95) }, // unusable: not a whole day at 96 points
  { id: 'empty-4' },
  { id: 'flat-5', category: 2, loadKw: Array<number>(192).fill(2), waterM3: [1, 1.5] },
];

const jsonFloat = (v: number) => (Number.isNaN(v) ? 'NaN' : Math.fround(v));
/** The batch as canonical proto3 JSON, with the field names given by `name`. */
function jsonBatch(name: (camel: string, snake: string) => string, headerLast = false): string {
  const header = { [name('startDate', 'start_date')]: '2026-03-02', [name('pointsPerDay', 'points_per_day')]: 96 };
  const list = consumers.map((c) => ({
    id: c.id,
    ...(c.category ? { category: gridcode.v1.Category[c.category] } : {}),
    ...(c.zone ? { zone: c.zone } : {}), // enums as numbers are valid too
    ...(c.capacityKw ? { [name('capacityKw', 'capacity_kw')]: String(c.capacityKw) } : {}), // and numbers as strings
    ...(c.loadKw ? { [name('loadKw', 'load_kw')]: c.loadKw.map(jsonFloat) } : {}),
    ...(c.waterM3 ? { [name('waterM3', 'water_m3')]: c.waterM3 } : {}),
  }));
  return JSON.stringify(headerLast ? { consumers: list, ...header } : { ...header, consumers: list }, null, 1);
}
const camel = (c: string) => c;
const snake = (_: string, s: string) => s;

function pbBatch(): Uint8Array {
  return gridcode.v1.ScoreBatchRequest.encode({ startDate: '2026-03-02', pointsPerDay: 96, consumers }).finish();
}

function lines(stdout: string): Array<{ id: string; features: Record<string, number | string>; note?: string }> {
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { id: string; features: Record<string, number | string>; note?: string });
}

describe('gridcode features', () => {
  it('gives the same lines for a JSON batch and the same batch as protobuf', () => {
    const fromJson = gridcodeRun('features', '--input', file('batch.json', jsonBatch(camel)));
    const fromPb = gridcodeRun('features', '--input', file('batch.pb', pbBatch()));
    expect(fromJson.stderr).toBe('');
    expect(fromJson.status).toBe(0);
    expect(fromPb.stderr).toBe('');
    expect(fromPb.stdout).toBe(fromJson.stdout);
  });

  it('writes one line per consumer in request order, NaN as "NaN", a note for an unusable consumer', () => {
    const { stdout, status } = gridcodeRun('features', '--input', file('order.pb', pbBatch()));
    expect(status).toBe(0);
    const out = lines(stdout);
    expect(out.map((line) => line.id)).toEqual(consumers.map((c) => c.id));
    expect(out[0]!.features.days).toBe(2);
    expect(out[0]!.features.acf_week).toBe('NaN'); // undefined for fewer than 14 days
    expect(typeof out[0]!.features.mean_kw).toBe('number');
    expect(out[0]!.note).toBeUndefined();
    expect(out[2]!.note).toMatch(/95 readings is not a whole number of days at 96 points per day/);
    expect(Object.values(out[2]!.features).every((v) => v === 'NaN')).toBe(true);
    expect(out[3]!.note).toBe('no readings');
    expect(out[4]!.features.max_kw).toBe(2);
    expect(out[4]!.features.water_per_kwh).toBeCloseTo(2.5 / (0.25 * 192 * 2), 6); // water ÷ energy_kwh
    // Without --templates: a corr_ feature for each template of the default rule set, in its order.
    const defaults = defaultTemplates().names.map((name) => `corr_${name}`);
    expect(defaults.length).toBeGreaterThan(0);
    expect(Object.keys(out[1]!.features).filter((name) => name.startsWith('corr_'))).toEqual(defaults);
  });

  it('accepts snake_case and lowerCamelCase field names, and header members after the consumers', () => {
    const reference = gridcodeRun('features', '--input', file('camel.json', jsonBatch(camel))).stdout;
    expect(gridcodeRun('features', '--input', file('snake.json', jsonBatch(snake))).stdout).toBe(reference);
    expect(gridcodeRun('features', '--input', file('last.json', jsonBatch(camel, true))).stdout).toBe(reference);
    // In protobuf too: a serialized message followed by more fields is the merged message.
    const consumersFirst = gridcodeRun('features', '--input', file('last.pb', Buffer.concat([gridcode.v1.ScoreBatchRequest.encode({ consumers }).finish(), gridcode.v1.ScoreBatchRequest.encode({ startDate: '2026-03-02', pointsPerDay: 96 }).finish()])));
    expect(consumersFirst.stderr).toBe('');
    expect(consumersFirst.stdout).toBe(reference);
  });

  it('adds corr_<name> for each template and writes --output', () => {
    const household = Array.from({ length: 96 }, (_, s) => 1 + Math.sin((s / 96) * 2 * Math.PI) + (s >= 72 ? 1 : 0)); // the shape of curve()
    const templates = file('templates.json', JSON.stringify({ household, daytime: Array.from({ length: 96 }, (_, s) => (s >= 36 && s < 72 ? 3 : 1)) }));
    const output = join(dir, 'features.jsonl');
    const run = gridcodeRun('features', '-i', file('t.pb', pbBatch()), '--templates', templates, '--output', output);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
    const out = lines(readFileSync(output, 'utf8'));
    expect(out).toHaveLength(consumers.length);
    expect(Object.keys(out[0]!.features).slice(-2)).toEqual(['corr_household', 'corr_daytime']);
    expect(out[0]!.features.corr_household).toBeCloseTo(1, 4);
    expect(out[4]!.features.corr_household).toBe('NaN'); // a flat curve has no correlation
  });

  it.each([
    ['truncated protobuf', 'bad.pb', () => pbBatch().subarray(0, 300), /^gridcode: .*bad\.pb: malformed protobuf at byte \d+: field 4 \(consumers\) has length \d+, which runs past the end of the file/],
    ['JSON given as protobuf', 'json.pb', () => jsonBatch(camel), /malformed protobuf at byte 0: .*looks like JSON/],
    ['bad JSON', 'bad.json', () => '{\n "startDate": "2026-03-02",\n "consumers": [{"id": "a",}]\n}', /^gridcode: .*bad\.json: invalid JSON at line 3, column 27 \(byte \d+\): expected a member name in double quotes, got '\}'/],
    ['consumer with a bad field', 'field.pb', () => Buffer.concat([pbBatch(), Uint8Array.of(0x22, 7, 0x0a, 3, 0x62, 0x61, 0x64, 0x28, 1)]), /field\.pb: malformed protobuf in consumers\[5\] at byte \d+: field load_kw has wire type 0/],
    ['bad start_date', 'date.json', () => '{"startDate": "2026-02-30", "consumers": []}', /date\.json: start_date 2026-02-30 is not a calendar date/],
    ['missing start_date', 'nodate.pb', () => gridcode.v1.ScoreBatchRequest.encode({ consumers }).finish(), /nodate\.pb: start_date is missing/],
    ['bad points_per_day', 'points.pb', () => gridcode.v1.ScoreBatchRequest.encode({ startDate: '2026-03-02', pointsPerDay: 60 }).finish(), /points\.pb: points_per_day 60 is not supported/],
    // 2^64 − 1 as a 10-byte varint: a uint32 keeps the low 32 bits exactly (not 0, which would mean 96).
    ['points_per_day wider than 32 bits', 'wide.pb', () => Buffer.concat([gridcode.v1.ScoreBatchRequest.encode({ startDate: '2026-03-02' }).finish(), Uint8Array.of(0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)]), /wide\.pb: points_per_day 4294967295 is not supported/],
    ['bad reading', 'reading.json', () => '{"startDate":"2026-03-02","consumers":[{"id":"a"},{"loadKw":[1,2,true]}]}', /reading\.json: consumers\[1\]\.loadKw\[2\]: expected a number or "NaN"\/"Infinity", got true/],
    ['unknown field', 'field.json', () => '{"startDate":"2026-03-02","consumers":[{"id":"a","load":[1]}]}', /consumers\[0\]: unknown field "load"; a Consumer has id, category, zone, capacityKw, loadKw, waterM3/],
    ['bad enum', 'enum.json', () => '{"startDate":"2026-03-02","consumers":[{"category":"HOUSE"}]}', /consumers\[0\]\.category: expected one of CATEGORY_UNSPECIFIED/],
  ])('fails with a message naming the file and the problem: %s', (_, name, content, message) => {
    const run = gridcodeRun('features', '--input', file(name, content()));
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('fails on a missing batch or a bad templates file, and leaves no partial output', () => {
    expect(gridcodeRun('features', '--input', join(dir, 'nothing.pb')).stderr).toMatch(/nothing\.pb: no such file/);
    const templates = file('short.json', JSON.stringify({ evening: [1, 2, 3] }));
    const output = join(dir, 'never.jsonl');
    const run = gridcodeRun('features', '--input', file('ok.pb', pbBatch()), '--templates', templates, '--output', output);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/short\.json: template evening has 3 values; it needs 96/);
    expect(existsSync(output)).toBe(false);
    // The bad consumer comes after a first block has been written.
    const late = gridcodeRun('features', '--input', file('late.json', `{"startDate":"2026-03-02","consumers":[${Array(2500).fill('{}')},{"loadKw":[null]}]}`), '--output', output);
    expect(late.stderr).toMatch(/consumers\[2500\]\.loadKw\[0\]: expected a number/);
    expect(existsSync(output)).toBe(false);
    expect(readdirSync(dir).filter((name) => name.includes('partial'))).toEqual([]);
  });

  it('prints usage for --help, and exit status 2 for a bad command line', () => {
    const help = gridcodeRun('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Usage: gridcode <command>/);
    const featuresHelp = gridcodeRun('features', '--help');
    expect(featuresHelp.status).toBe(0);
    expect(featuresHelp.stdout).toMatch(/Usage: gridcode features --input BATCH \[--templates FILE\] \[--output FILE\]/);
    expect(gridcodeRun('features').stderr).toMatch(/features needs --input BATCH/);
    const unknown = gridcodeRun('features', '--input', 'x.pb', '--fast');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/--fast/);
    expect(gridcodeRun('score').status).toBe(2);
  });
});
