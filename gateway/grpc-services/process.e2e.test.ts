// Health and reflection end to end: the built gateway (node dist/gateway/main.js,
// 1 worker, a tokens file) called as operators and integrators call it:
// `buf curl` with server reflection and no proto file (listing the methods,
// a health check, a ScoreBatch with a bearer token), and @grpc/grpc-js
// Watch calls through SIGTERM, which must end them so that the process exits
// 0 well before its shutdown timeout. Needs the build (npm run build): without dist/ the run stops at once.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { packageRoot } from '../../engine/src/package-root.js';
import { startGatewayProcess, type GatewayProcess } from '../../lib/gateway-process.js';
import { hashToken } from '../ops/tenants.js';
import { grpcClients, insecure } from '../../tests/support/gateway/test-server.js';

const execFileAsync = promisify(execFile);
const BUF = join(packageRoot, 'node_modules', '.bin', 'buf');
const TOKEN = `t-${randomBytes(12).toString('hex')}`;
const SHUTDOWN_TIMEOUT_MS = 10_000;
const DRAIN_DELAY_MS = 300;

let tmp: string;
let gw: GatewayProcess;

/** `buf curl` over gRPC on h2c with server reflection (no --schema); resolves to its exit code and output. */
async function bufCurl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(BUF, ['curl', '--protocol', 'grpc', '--http2-prior-knowledge', '--reflect', ...args], { timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('the built gateway', () => {
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'gridcode-grpc-services-'));
    const tokens = join(tmp, 'tokens.yaml');
    await writeFile(tokens, ['tenants:', '  - id: district-a', `    tokens: ["${hashToken(TOKEN)}"]`, '    rule_sets: [default]', ''].join('\n'));
    gw = await startGatewayProcess([
      '--workers', '1', '--tokens-file', tokens, '--drain-delay-ms', String(DRAIN_DELAY_MS), '--shutdown-timeout-ms', String(SHUTDOWN_TIMEOUT_MS), '--log-level', 'info',
    ]);
  }, 60_000);
  afterAll(async () => {
    await gw?.stop(1_000); // only if a failure left it running
    await rm(tmp, { recursive: true, force: true });
  });

  it('lists every method through reflection, without a token', async () => {
    const listed = await bufCurl(['--list-methods', gw.h2]);
    expect(listed.stderr).toBe('');
    expect(listed.stdout.trim().split('\n')).toEqual(
      expect.arrayContaining([
        'gridcode.v1.ScoringService/ScoreBatch',
        'gridcode.v1.ScoringService/ListRuleSets',
        'gridcode.v1.ScoringService/ValidateRuleSet',
        'grpc.health.v1.Health/Check',
        'grpc.health.v1.Health/Watch',
        'grpc.reflection.v1.ServerReflection/ServerReflectionInfo',
        'grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo',
      ]),
    );
  });

  it('answers a health check SERVING, without a token', async () => {
    const checked = await bufCurl([`${gw.h2}/grpc.health.v1.Health/Check`]);
    expect([checked.code, JSON.parse(checked.stdout)]).toEqual([0, { status: 'SERVING' }]);
  });

  it('scores a batch described by reflection (the call itself needs the token)', async () => {
    const batch = { startDate: '2026-03-02', pointsPerDay: 24, consumers: [{ id: 'shop-1', category: 'CATEGORY_RESIDENTIAL', capacityKw: 10, loadKw: Array.from({ length: 24 }, (_, i) => i + 1) }] };
    const url = `${gw.h2}/gridcode.v1.ScoringService/ScoreBatch`;
    const scored = await bufCurl(['-H', `authorization: Bearer ${TOKEN}`, '-d', JSON.stringify(batch), url]);
    expect(scored.stderr).toBe('');
    const response = JSON.parse(scored.stdout) as { ruleSet: string; results: { id: string; code: string }[]; summary: { total: number } };
    expect(response.ruleSet).toMatch(/^default@/);
    expect(response.results.map((r) => r.id)).toEqual(['shop-1']);
    expect(response.results[0]?.code).toMatch(/^CODE_(GREEN|YELLOW|RED|GRAY)$/);
    expect(response.summary.total).toBe(1);
    // Without a token, reflection still works and the call is refused: exit code = gRPC code << 3.
    const refused = await bufCurl(['-d', JSON.stringify(batch), url]);
    expect(refused.code).toBe(grpc.status.UNAUTHENTICATED << 3);
  });

  it('ends open Watch calls on SIGTERM (NOT_SERVING, then UNAVAILABLE) and exits 0 without waiting for its timeout', async () => {
    const { Health } = grpcClients();
    const client = new Health(gw.h2.replace('http://', ''), insecure()) as unknown as grpc.Client & {
      Watch(request: { service: string }): grpc.ClientReadableStream<{ status: string }>;
    };
    try {
      const watches = ['', 'gridcode.v1.ScoringService'].map((service) => {
        const call = client.Watch({ service });
        const statuses: string[] = [];
        call.on('data', (m) => statuses.push(m.status));
        call.on('error', () => {}); // carried by 'status'
        return { statuses, ended: new Promise<grpc.StatusObject>((resolve) => call.on('status', resolve)) };
      });
      await vi.waitFor(() => expect(watches.map((w) => w.statuses)).toEqual([['SERVING'], ['SERVING']]));
      const sigterm = performance.now();
      gw.child.kill('SIGTERM');
      for (const watch of watches) {
        const status = await watch.ended;
        expect([status.code, status.details]).toEqual([grpc.status.UNAVAILABLE, 'the server is shutting down; watch another instance']);
        // NOT_SERVING came with the drain delay, before the servers stopped accepting.
        expect(watch.statuses).toEqual(['SERVING', 'NOT_SERVING']);
      }
      expect(await gw.exit).toBe(0);
      expect(performance.now() - sigterm).toBeLessThan(SHUTDOWN_TIMEOUT_MS / 2);
      expect(gw.stderr()).toMatch(/"msg":"stopped"/);
      expect(gw.stderr()).not.toMatch(/shutdown timeout/);
    } finally {
      client.close();
    }
  });
});
