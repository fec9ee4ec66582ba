// `gridcode score --previous FILE` (the built command line) on two runs of
// real batches: a consumer turned RED by its readings, one back to GREEN, one
// to YELLOW, a meter gone GRAY, a closed site drawing power again, a consumer
// gone and one new; the previous response as JSON and as protobuf, the output
// as JSON and as protobuf, scored here and by a running gateway; bad files.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromJsonString, toJsonString } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gridcode } from '#gen/scoring.js';
import { startGatewayProcess, type GatewayProcess } from '../lib/gateway-process.js';
import { messageSchema } from '../lib/proto-registry.js';
import { batchJson, batchPb, repeated, RULES, RUN_1, RUN_2 } from '../tests/support/score-previous-runs.js';
import { runCli } from '../tests/support/cli.js';

let dir: string;
let rulesDir: string;
let gw: GatewayProcess;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gridcode-previous-'));
  rulesDir = join(dir, 'rules');
  mkdirSync(rulesDir);
  writeFileSync(join(rulesDir, 'default.yaml'), RULES);
  writeFileSync(join(dir, 'run-1.json'), batchJson(RUN_1));
  writeFileSync(join(dir, 'run-2.json'), batchJson(RUN_2));
  writeFileSync(join(dir, 'run-2.pb'), batchPb(RUN_2));
  writeFileSync(join(dir, 'many-1.pb'), batchPb(repeated(RUN_1, 500)));
  writeFileSync(join(dir, 'many-2.json'), batchJson(repeated(RUN_2, 500)));
  gw = await startGatewayProcess(['--workers', '1', '--rules-dir', rulesDir, '--log-level', 'warn']);
}, 60_000);

afterAll(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (gw) expect(await gw.stop()).toBe(0);
});

function run(...args: string[]) {
  return runCli(dir, ['score', ...args]);
}

/** A run that must succeed. */
function ok(...args: string[]) {
  const result = run(...args);
  expect(result.status, result.stderr).toBe(0);
  return result;
}

const here = ['--rules-dir', 'rules'];
const path = (name: string) => join(dir, name);

const EXPECTED_CONSUMERS = [
  { id: 'turns-red', from: 'CODE_GREEN', to: 'CODE_RED', changes: ['new_red'] },
  { id: 'turns-green', from: 'CODE_RED', to: 'CODE_GREEN', changes: ['red_to_green'] },
  { id: 'turns-yellow', from: 'CODE_RED', to: 'CODE_YELLOW', changes: ['red_to_yellow'] },
  { id: 'meter-fails', from: 'CODE_GREEN', to: 'CODE_GRAY', changes: ['newly_gray'] },
  { id: 'closed-site', from: 'CODE_GREEN', to: 'CODE_RED', changes: ['new_red', 'relapse'] },
  { id: 'newcomer', from: null, to: 'CODE_RED', changes: ['new_red'] },
];
const EXPECTED_SUMMARY = { new_red: 3, red_to_green: 1, red_to_yellow: 1, newly_gray: 1, relapse: 1, gone: 1 };
const line = (previous: string) => `since ${previous}: 3 new RED, 1 RED → GREEN, 1 RED → YELLOW, 1 newly GRAY, 1 relapse of watched sites, 1 gone`;

describe('gridcode score --previous', () => {
  it('adds the transitions since a JSON response as the last member, the response before it byte for byte', () => {
    ok('-i', 'run-1.json', ...here, '-o', 'out-1.json');
    const plain = ok('-i', 'run-2.json', ...here).stdout;
    const withPrevious = ok('-i', 'run-2.json', ...here, '--previous', 'out-1.json');
    expect(withPrevious.stderr).toBe(`${line('out-1.json')}\n`);
    expect(withPrevious.stdout.startsWith(plain.slice(0, -2))).toBe(true);
    expect(withPrevious.stdout.slice(plain.length - 2)).toMatch(/^,"transitions":\{"previous":"out-1\.json","summary":\{[^\n]*\},"consumers":\[\n(\{[^\n]*\},\n)*\{[^\n]*\}\n\]\}\}\n$/);
    const output = JSON.parse(withPrevious.stdout) as { transitions: unknown; results: unknown };
    expect(output.transitions).toEqual({ previous: 'out-1.json', summary: EXPECTED_SUMMARY, consumers: EXPECTED_CONSUMERS });
    expect(Object.keys(output).at(-1)).toBe('transitions');
    // Read as a ScoreBatchResponse, the unknown member skipped: protobufjs by default, @bufbuild/protobuf when told to (docs/decisions.md).
    const asResponse = gridcode.v1.ScoreBatchResponse.fromObject(output as gridcode.v1.ScoreBatchResponse.$Shape);
    expect(asResponse.results.map((result) => result.id)).toEqual(RUN_2.map((consumer) => consumer.id));
    const schema = messageSchema('ScoreBatchResponse');
    expect(toJsonString(schema, fromJsonString(schema, withPrevious.stdout, { ignoreUnknownFields: true }))).toBe(toJsonString(schema, fromJsonString(schema, plain)));
    expect(() => fromJsonString(schema, withPrevious.stdout)).toThrow(/transitions/);
  });

  it('reads a protobuf previous response, and writes protobuf output with the transitions beside it', () => {
    ok('-i', 'run-1.json', ...here, '-o', 'out-1.pb');
    const fromPb = ok('-i', 'run-2.pb', ...here, '--previous', 'out-1.pb');
    expect(fromPb.stderr).toBe(`${line('out-1.pb')}\n`);
    expect((JSON.parse(fromPb.stdout) as { transitions: unknown }).transitions).toEqual({ previous: 'out-1.pb', summary: EXPECTED_SUMMARY, consumers: EXPECTED_CONSUMERS });

    ok('-i', 'run-2.pb', ...here, '-o', 'plain-2.pb');
    const pbOut = ok('-i', 'run-2.pb', ...here, '-o', 'out-2.pb', '--previous', 'out-1.json');
    expect(pbOut.stdout).toBe('');
    expect(pbOut.stderr).toBe(`${line('out-1.json')}; transitions written to out-2.pb.transitions.json\n`);
    expect(readFileSync(path('out-2.pb')).equals(readFileSync(path('plain-2.pb')))).toBe(true);
    expect(JSON.parse(readFileSync(path('out-2.pb.transitions.json'), 'utf8'))).toEqual({ previous: 'out-1.json', summary: EXPECTED_SUMMARY, consumers: EXPECTED_CONSUMERS });
  });

  it('takes a response that has transitions itself as the previous one (run after run)', () => {
    ok('-i', 'run-1.json', ...here, '-o', 'chain-1.json');
    ok('-i', 'run-2.json', ...here, '-o', 'chain-2.json', '--previous', 'chain-1.json');
    const third = ok('-i', 'run-2.json', ...here, '--previous', 'chain-2.json');
    expect((JSON.parse(third.stdout) as { transitions: unknown }).transitions).toEqual({
      previous: 'chain-2.json',
      summary: { new_red: 0, red_to_green: 0, red_to_yellow: 0, newly_gray: 0, relapse: 0, gone: 0 },
      consumers: [],
    });
  });

  it('with --flagged-only on both runs: GREEN consumers are known from the request, a missing one from before is "from": null', () => {
    ok('-i', 'run-1.json', ...here, '--flagged-only', '-o', 'flagged-1.json');
    const flagged = ok('-i', 'run-2.json', ...here, '--flagged-only', '--previous', 'flagged-1.json');
    expect(flagged.stderr).toMatch(/^gridcode: flagged-1\.json: has 3 results for 8 consumers \(written with --flagged-only\): .*\n/);
    expect(flagged.stderr.endsWith(`${line('flagged-1.json')}\n`)).toBe(true);
    const transitions = (JSON.parse(flagged.stdout) as { transitions: { summary: unknown; consumers: unknown } }).transitions;
    expect(transitions.summary).toEqual(EXPECTED_SUMMARY);
    expect(transitions.consumers).toEqual(EXPECTED_CONSUMERS.map((c) => (c.from === 'CODE_GREEN' ? { ...c, from: null } : c)));
  });

  it('compares every copy of an id the new batch repeats with its former code; refuses that with --flagged-only', () => {
    ok('-i', 'run-1.json', ...here, '-o', 'repeat-1.json');
    const twice = [...RUN_2, RUN_2.find((c) => c.id === 'turns-green')!];
    writeFileSync(path('repeat-2.json'), batchJson(twice));
    const result = ok('-i', 'repeat-2.json', ...here, '--previous', 'repeat-1.json');
    const transitions = (JSON.parse(result.stdout) as { transitions: { summary: Record<string, number>; consumers: { id: string; from: string | null; changes: string[] }[] } }).transitions;
    expect(transitions.consumers.filter((c) => c.id === 'turns-green')).toEqual([
      { id: 'turns-green', from: 'CODE_RED', to: 'CODE_GREEN', changes: ['red_to_green'] },
      { id: 'turns-green', from: 'CODE_RED', to: 'CODE_GREEN', changes: ['red_to_green'] },
    ]);
    expect(transitions.summary).toEqual({ ...EXPECTED_SUMMARY, red_to_green: 2 });
    const flagged = run('-i', 'repeat-2.json', ...here, '--previous', 'repeat-1.json', '--flagged-only');
    expect(flagged.status).toBe(1);
    expect(flagged.stderr).toMatch(/consumer id "turns-green" appears more than once in the batch \(again at consumers\[8\]\): with --flagged-only/);
  });

  it('says so when the previous response repeats an id, and uses the first', () => {
    const previous = { ruleSet: 'default@1.0', results: [
      { id: 'turns-green', code: 'CODE_RED' },
      { id: 'turns-green', code: 'CODE_GREEN' },
      { id: 'turns-yellow', code: 'CODE_YELLOW' },
    ], summary: { total: 3 } };
    writeFileSync(path('duplicate.json'), JSON.stringify(previous));
    const result = ok('-i', 'run-2.json', ...here, '--previous', 'duplicate.json');
    expect(result.stderr.split('\n')[0]).toBe('gridcode: duplicate.json: consumer "turns-green" appears more than once (again as results[1]); the first result of each id is used');
    const consumers = (JSON.parse(result.stdout) as { transitions: { consumers: { id: string; changes: string[] }[] } }).transitions.consumers;
    expect(consumers.find((c) => c.id === 'turns-green')!.changes).toEqual(['red_to_green']);
  });

  it('gives the same output and stderr with --server, the response from the gateway', () => {
    ok('-i', 'run-1.json', ...here, '-o', 'server-1.json');
    for (const input of ['run-2.json', 'run-2.pb']) {
      const local = ok('-i', input, ...here, '--previous', 'server-1.json', '--include-evidence');
      const remote = ok('-i', input, '--server', gw.h2, '--previous', 'server-1.json', '--include-evidence');
      expect(remote.stdout).toBe(local.stdout);
      expect(remote.stderr).toBe(`${line('server-1.json')}\n`);
      ok('-i', input, ...here, '--previous', 'server-1.json', '--flagged-only', '-o', 'local-2.pb');
      ok('-i', input, '--server', gw.h2, '--previous', 'server-1.json', '--flagged-only', '-o', 'remote-2.pb');
      expect(readFileSync(path('remote-2.pb')).equals(readFileSync(path('local-2.pb')))).toBe(true);
      expect(readFileSync(path('remote-2.pb.transitions.json'), 'utf8')).toBe(readFileSync(path('local-2.pb.transitions.json'), 'utf8'));
    }
  }, 60_000);

  it('joins batches of several blocks the same way, here and through the gateway', () => {
    ok('-i', 'many-1.pb', ...here, '-o', 'many-1.pb.out.pb');
    const local = ok('-i', 'many-2.json', ...here, '--previous', 'many-1.pb.out.pb');
    const remote = ok('-i', 'many-2.json', '--server', gw.h2, '--previous', 'many-1.pb.out.pb');
    expect(remote.stdout).toBe(local.stdout);
    const transitions = (JSON.parse(local.stdout) as { transitions: { summary: Record<string, number>; consumers: { id: string }[] } }).transitions;
    expect(transitions.summary).toEqual(Object.fromEntries(Object.entries(EXPECTED_SUMMARY).map(([name, n]) => [name, 500 * n])));
    expect(transitions.consumers.map((c) => c.id)).toEqual(Array.from({ length: 500 }, (_, k) => EXPECTED_CONSUMERS.map((c) => `${c.id}-${k}`)).flat());
  }, 60_000);

  it('fails with status 1 on a previous file that is not a response, naming the file and what is wrong', () => {
    ok('-i', 'run-1.json', ...here, '-o', 'good.pb');
    const good = readFileSync(path('good.pb'));
    writeFileSync(path('truncated.pb'), good.subarray(0, good.length - 3));
    writeFileSync(path('empty.pb'), '');
    writeFileSync(path('broken.json'), '{"ruleSet": "default@1.0", "results": [{"id": "a", "code": "CODE_RED"}');
    writeFileSync(path('purple.json'), '{"ruleSet": "default@1.0", "results": [{"id": "a", "code": "CODE_PURPLE"}], "summary": {"total": 1}}');
    writeFileSync(path('no-code.json'), '{"ruleSet": "default@1.0", "results": [{"id": "a"}]}');
    writeFileSync(path('list.json'), '[{"id": "a", "code": "CODE_RED"}]');
    writeFileSync(path('binary.json'), good);
    // proto3 JSON: a field given twice, by the same or by the other spelling, is refused.
    writeFileSync(path('two-features.json'), '{"ruleSet": "default@1.0", "featureNames": ["a"], "feature_names": ["b"], "results": []}');
    writeFileSync(path('two-rule-sets.json'), '{"ruleSet": "default@1.0", "rule_set": "default@1.0", "results": []}');
    // A batch without points_per_day (96 by default) has no varint field: its consumers are field 4, the summary's number.
    writeFileSync(path('batch-96.pb'), gridcode.v1.ScoreBatchRequest.encode({ startDate: '2026-03-02', consumers: RUN_2 }).finish());
    const cases: [string, RegExp][] = [
      ['missing.json', /^gridcode: missing\.json: no such file\n$/],
      ['run-1.json', /^gridcode: run-1\.json: not a ScoreBatchResponse: unknown member "startDate" \(this is a batch, a ScoreBatchRequest: --previous takes the response gridcode score wrote for it\); /],
      ['run-2.pb', /^gridcode: run-2\.pb: not a ScoreBatchResponse: field 3 at byte \d+ has wire type 0 \(varint\), where a response has results, length-delimited \(this looks like a batch, a ScoreBatchRequest/],
      ['batch-96.pb', /^gridcode: batch-96\.pb: not a ScoreBatchResponse: field 4 \(summary\) comes 8 times \(this looks like a batch/],
      ['truncated.pb', /^gridcode: truncated\.pb: malformed protobuf at byte \d+: field 6 \(rules\) has length \d+, which runs past the end of the file/],
      ['empty.pb', /^gridcode: empty\.pb: the file is empty; expected a ScoreBatchResponse/],
      ['broken.json', /^gridcode: broken\.json: invalid JSON at line 1, column \d+ \(byte \d+\): unexpected end of the file with 2 unclosed brackets\n$/],
      ['purple.json', /^gridcode: purple\.json: results\[0\] \(byte \d+\): code "CODE_PURPLE" is not a Code/],
      ['no-code.json', /^gridcode: no-code\.json: results\[0\] \(byte \d+\): result "a" has no code\n$/],
      ['list.json', /^gridcode: list\.json: invalid JSON at line 1, column 1 \(byte 0\): expected a JSON object/],
      ['binary.json', /^gridcode: binary\.json: invalid JSON at .*\(is this a binary protobuf response\? name it \.pb\)\n$/],
      ['rules', /^gridcode: rules: is not a regular file/],
      ['two-features.json', /^gridcode: two-features\.json: the response gives featureNames twice \(as "featureNames" and "feature_names"; /],
      ['two-rule-sets.json', /^gridcode: two-rule-sets\.json: the response gives ruleSet twice \(as "ruleSet" and "rule_set"; /],
    ];
    for (const [name, message] of cases) {
      const result = run('-i', 'run-2.json', ...here, '--previous', name);
      expect([name, result.status, result.stdout]).toEqual([name, 1, '']);
      expect(result.stderr, name).toMatch(message);
    }
  });
});
