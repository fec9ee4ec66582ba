// `gridcode score` and `gridcode features` (the built command line) on a
// batch with the follow-up fields (group, baseline_kw, watch), as a JSON file
// and as a protobuf file: the same output either way, and the same results as
// `score --server` sends through a running gateway's ScoreStream; the
// consumer whose `since` is not a calendar date is GRAY with its note.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create, toBinary } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../lib/gateway-process.js';
import { loadRegistry, messageSchema } from '../lib/proto-registry.js';
import { requestInit, requestJson } from '../lib/score-requests.js';
import { BAD_SINCE_NOTE, followUpConsumers, FOLLOW_UP_HEADER, WATCHES } from '../tests/support/follow-up-batch.js';
import { runCli } from '../tests/support/cli.js';

const CONSUMERS = followUpConsumers(120, 'cli');
let dir: string;
let json: string;
let pb: string;
let gw: GatewayProcess;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gridcode-follow-up-'));
  json = join(dir, 'batch.json');
  pb = join(dir, 'batch.pb');
  writeFileSync(json, requestJson(FOLLOW_UP_HEADER, CONSUMERS));
  const schema = messageSchema('ScoreBatchRequest');
  writeFileSync(pb, toBinary(schema, create(schema, requestInit(FOLLOW_UP_HEADER, CONSUMERS))));
  loadRegistry();
  gw = await startGatewayProcess(['--workers', '2']);
}, 60_000);

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  expect(await gw.stop()).toBe(0);
});

function gridcode(...args: string[]): string {
  const result = runCli(dir, args);
  expect(result.status, result.stderr).toBe(0);
  return result.stdout;
}

describe('gridcode with follow-up fields', () => {
  it('score: the JSON file, the protobuf file, and the protobuf file through the gateway give the same response', () => {
    const fromJson = gridcode('score', '--input', json, '--include-features');
    expect(gridcode('score', '--input', pb, '--include-features')).toBe(fromJson);
    expect(gridcode('score', '--input', pb, '--include-features', '--server', gw.h2)).toBe(fromJson);
    const results = (JSON.parse(fromJson) as { results: { id: string; code: string; note?: string }[] }).results;
    expect(results.map((r) => r.id)).toEqual(CONSUMERS.map((c) => c.id));
    CONSUMERS.forEach((c, i) => expect(results[i]!.code === 'CODE_GRAY' && results[i]!.note === BAD_SINCE_NOTE, c.id).toBe(c.watch === WATCHES[4]));
  });

  it('features: the same lines from either file; the bad since is a note', () => {
    const lines = gridcode('features', '--input', json);
    expect(gridcode('features', '--input', pb)).toBe(lines);
    const rows = lines.trim().split('\n').map((l) => JSON.parse(l) as { id: string; note?: string });
    CONSUMERS.forEach((c, i) => expect(rows[i]!.note === BAD_SINCE_NOTE, c.id).toBe(c.watch === WATCHES[4]));
  });
});
