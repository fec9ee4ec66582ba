// `gridcode score` (the built command line) on a batch whose consumers carry
// a district (Consumer field 10): the response, JSON and binary, echoes each
// one in its result (read back by @bufbuild/protobuf and by gen/, not by the
// codec that wrote it), scored here or by a running gateway (--server), and
// such a response is a valid --previous file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromJsonString, toJson } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gridcode } from '#gen/scoring.js';
import { startGatewayProcess, type GatewayProcess } from '../lib/gateway-process.js';
import { messageSchema } from '../lib/proto-registry.js';
import { requestJson, type ConsumerData } from '../lib/score-requests.js';
import { followUpConsumers, FOLLOW_UP_HEADER } from '../tests/support/follow-up-batch.js';
import { cliWorkspace } from '../tests/support/cli.js';

const DISTRICTS = ['海淀区', undefined, 'Kreis "4"', ''];
const CONSUMERS: ConsumerData[] = followUpConsumers(40, 'cli-district').map((c, i) => {
  const district = DISTRICTS[i % DISTRICTS.length];
  return district === undefined ? c : { ...c, district };
});
const SENT = CONSUMERS.map((c) => [c.id, c.district ?? '']);
const cli = cliWorkspace('gridcode-district-');
let gw: GatewayProcess;

beforeAll(async () => {
  gw = await startGatewayProcess(['--workers', '1', '--log-level', 'warn']);
}, 60_000);
afterAll(async () => {
  if (gw) expect(await gw.stop()).toBe(0);
});

function ok(...args: string[]): string {
  const run = cli.run('score', ...args);
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
}

describe('gridcode score with districts', () => {
  it('echoes every district in the JSON and the binary response, and reads either back as --previous', () => {
    const batch = cli.file('batch.json', requestJson({ ...FOLLOW_UP_HEADER, includeEvidence: false }, CONSUMERS));
    const schema = messageSchema('ScoreBatchResponse');
    const json = toJson(schema, fromJsonString(schema, ok('-i', batch))) as { results: { id: string; district?: string }[] };
    expect(json.results.map((r) => [r.id, r.district ?? ''])).toEqual(SENT);

    ok('-i', batch, '-o', 'out.pb');
    ok('-i', batch, '-o', 'out.json');
    const binary = gridcode.v1.ScoreBatchResponse.decode(readFileSync(join(cli.dir(), 'out.pb')));
    expect(binary.results.map((r) => [r.id, r.district])).toEqual(SENT);

    for (const previous of ['out.pb', 'out.json']) {
      const again = JSON.parse(ok('-i', batch, '--previous', previous)) as { results: { id: string; district?: string }[]; transitions?: unknown };
      expect(again.results.map((r) => [r.id, r.district ?? '']), previous).toEqual(SENT);
    }

    // --server: the gateway's ScoreStream answers, re-encoded by the command line, give the same output.
    expect(ok('-i', batch, '--server', gw.h2)).toBe(ok('-i', batch));
    ok('-i', batch, '--server', gw.h2, '-o', 'remote.pb');
    expect(gridcode.v1.ScoreBatchResponse.decode(readFileSync(join(cli.dir(), 'remote.pb'))).results.map((r) => [r.id, r.district])).toEqual(SENT);
  });
});
