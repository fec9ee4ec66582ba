// `gridcode score --server`: the same batch files scored here and by a running
// gateway through ScoreStream give the same output, byte for byte, in JSON and
// binary protobuf; a wrong port, an unknown rule set or a rule-set file with
// --server are clear errors.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create, toBinary } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, startGatewayProcess, type GatewayProcess } from '../lib/gateway-process.js';
import { messageSchema } from '../lib/proto-registry.js';
import { requestInit, requestJson } from '../lib/score-requests.js';
import { populationConsumers } from '../tests/support/gateway/population.js';

let gw: GatewayProcess;
let dir: string;

/** 2,500 consumers: more than one block of the command line, so several stream messages. */
const CONSUMERS = populationConsumers(0, 2_500, { days: 14, seed: 5, startWeekday: 0, prefix: 'remote' });
const OPTIONS = { startDate: '2026-03-02', includeEvidence: true };

beforeAll(async () => {
  gw = await startGatewayProcess(['--workers', '2', '--log-level', 'warn']);
  dir = mkdtempSync(join(tmpdir(), 'gridcode-remote-'));
  writeFileSync(join(dir, 'batch.pb'), toBinary(messageSchema('ScoreBatchRequest'), create(messageSchema('ScoreBatchRequest'), requestInit(OPTIONS, CONSUMERS))));
  writeFileSync(join(dir, 'batch.json'), requestJson(OPTIONS, CONSUMERS));
}, 60_000);

afterAll(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (gw) expect(await gw.stop()).toBe(0);
});

function run(args: readonly string[]): Promise<{ status: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args]);
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('close', (status) => resolve({ status, stdout: Buffer.concat(out), stderr: err }));
  });
}

describe('gridcode score --server', () => {
  it('writes what a local score writes, byte for byte (JSON and protobuf, from .pb and .json input)', async () => {
    for (const input of ['batch.pb', 'batch.json']) {
      const here = await run(['score', '--input', join(dir, input), '--include-features']);
      const there = await run(['score', '--input', join(dir, input), '--include-features', '--server', gw.h2]);
      expect([input, there.status, there.stderr]).toEqual([input, 0, '']);
      expect(there.stdout.equals(here.stdout), input).toBe(true);
      const localPb = join(dir, `here-${input}.pb`);
      const remotePb = join(dir, `there-${input}.pb`);
      expect((await run(['score', '--input', join(dir, input), '--flagged-only', '--output', localPb])).status).toBe(0);
      expect((await run(['score', '--input', join(dir, input), '--flagged-only', '--output', remotePb, '--server', gw.h2])).status).toBe(0);
      expect(readFileSync(remotePb).equals(readFileSync(localPb)), input).toBe(true);
    }
    const summary = JSON.parse((await run(['score', '--input', join(dir, 'batch.pb'), '--server', gw.h2])).stdout.toString()).summary;
    expect(summary.total).toBe(CONSUMERS.length);
  }, 120_000);

  it('says clearly what went wrong', async () => {
    const input = join(dir, 'batch.pb');
    const wrongPort = await run(['score', '--input', input, '--server', gw.base]);
    expect([wrongPort.status, wrongPort.stderr]).toEqual([1, expect.stringMatching(/gRPC port/)]);
    const unknown = await run(['score', '--input', input, '--server', gw.h2, '--rule-set', 'district-nowhere']);
    expect([unknown.status, unknown.stderr]).toEqual([1, expect.stringMatching(/not_found: .*district-nowhere/)]);
    const file = await run(['score', '--input', input, '--server', gw.h2, '--rule-set', join(dir, 'mine.yaml')]);
    expect([file.status, file.stderr]).toEqual([2, expect.stringMatching(/with --server, --rule-set names a rule set the gateway serves/)]);
  }, 60_000);
});
