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

  it('the peer features count each cohort: the others of its group and category that are not GRAY', () => {
    const rows = gridcode('features', '--input', json)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; note?: string; features: Record<string, number | string> });
    // Nobody's peer: unusable (the bad since), below the default rule set's min_valid_share 0.8, or without a mean.
    const unusable = new Set(rows.filter((r) => r.note === BAD_SINCE_NOTE).map((r) => r.id));
    const gray = new Set(rows.filter((r) => unusable.has(r.id) || Number(r.features.missing_share) > 0.2 || r.features.mean_kw === 'NaN').map((r) => r.id));
    CONSUMERS.forEach((c, i) => {
      const peers = c.group ? CONSUMERS.filter((o) => o !== c && o.group === c.group && o.category === c.category && !gray.has(o.id!)).length : 0;
      expect(rows[i]!.features.peer_count, c.id).toBe(unusable.has(c.id!) ? 'NaN' : peers);
    });
    expect(gray.size).toBeGreaterThan(unusable.size);
    expect(rows.filter((r) => typeof r.features.peer_ratio === 'number').length).toBeGreaterThan(50);
  });

  it('a group that comes back after another in a file is refused, naming it and the two positions, here and through the gateway', () => {
    // The first cohort's first consumer moved after the second cohort: "台区 A-01" ends at 58 and comes back at 114.
    const moved = [...CONSUMERS.slice(1, 115), CONSUMERS[0]!, ...CONSUMERS.slice(115)];
    const file = join(dir, 'not-contiguous.json');
    writeFileSync(file, requestJson(FOLLOW_UP_HEADER, moved));
    const expected = 'group "台区 A-01" is not contiguous: it ended at consumer 58 and comes back at consumer 114';
    for (const args of [['score', '--input', file], ['features', '--input', file], ['score', '--input', file, '--server', gw.h2]]) {
      const result = runCli(dir, args);
      expect(result.status, args.join(' ')).toBe(1);
      expect(result.stderr, args.join(' ')).toContain(expected);
    }
  });

  it('features: the same lines from either file; the bad since is a note', () => {
    const lines = gridcode('features', '--input', json);
    expect(gridcode('features', '--input', pb)).toBe(lines);
    const rows = lines.trim().split('\n').map((l) => JSON.parse(l) as { id: string; note?: string });
    CONSUMERS.forEach((c, i) => expect(rows[i]!.note === BAD_SINCE_NOTE, c.id).toBe(c.watch === WATCHES[4]));
  });
});
