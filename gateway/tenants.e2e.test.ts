// Tenants and logs end to end: the built gateway (1 worker) with a tokens file
// of two districts (A: the default rule set; B: default and its own
// district-b), called over Connect proto, Connect JSON, gRPC-Web and gRPC by
// @connectrpc/connect-node. A can neither list nor use B's rule set; a
// missing, wrong or malformed token, or B's stored hash sent as a token, is
// `unauthenticated`, all with the same message. Then the process's stderr:
// one line per RPC with request id, tenant, method, protocol, code, sizes and
// duration, and no token, token hash, Authorization header, reading or
// consumer id anywhere. Needs the build (npm run build): without dist/ the run stops at once.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DescService } from '@bufbuild/protobuf';
import { ConnectError, createClient, type Transport } from '@connectrpc/connect';
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport, Http2SessionManager } from '@connectrpc/connect-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { packageRoot } from '../engine/src/package-root.js';
import { startGatewayProcess, type GatewayProcess } from '../lib/gateway-process.js';
import { requestInit, type ConsumerData } from '../lib/score-requests.js';
import { GRPC_CODE_NAMES } from '../lib/wire-calls.js';
import { hashToken, UNAUTHENTICATED_MESSAGE } from './ops/tenants.js';
import { loadRegistry } from '../lib/proto-registry.js';

const TOKEN_A = `ta-${randomBytes(12).toString('hex')}`;
const TOKEN_B = `tb-${randomBytes(12).toString('hex')}`;
const HASH_B = hashToken(TOKEN_B);
/** Readings no log line can hold by chance (each also checked in its float32 form). */
const READINGS = [4321.123, 8765.431, 2718.2817];
const WATER = [5791.357];
const CONSUMER_IDS = ['meter-qz81-alpha', 'meter-qz81-beta'];

const consumers: ConsumerData[] = CONSUMER_IDS.map((id, n) => ({
  id,
  category: 1,
  zone: 1,
  capacityKw: 8,
  loadKw: Array.from({ length: 96 }, (_, i) => (i % 10 === n ? READINGS[i % READINGS.length]! : 0.3)),
  waterM3: [WATER[0]!],
}));
const batch = (ruleSet: string) => requestInit({ ruleSet, startDate: '2026-03-02', pointsPerDay: 96 }, consumers);

let gw: GatewayProcess;
let tmp: string;
let service: DescService;
let districtSource: string;
let districtVersion: string;
const closers: (() => void)[] = [];

const PROTOCOLS: Record<string, () => Transport> = {
  'connect-proto': () => createConnectTransport({ baseUrl: gw.base, httpVersion: '1.1', useBinaryFormat: true, nodeOptions: { agent: agent() } }),
  'connect-json': () => createConnectTransport({ baseUrl: gw.base, httpVersion: '1.1', useBinaryFormat: false, nodeOptions: { agent: agent() } }),
  'grpc-web': () => createGrpcWebTransport({ baseUrl: gw.base, httpVersion: '1.1', nodeOptions: { agent: agent() } }),
  grpc: () => {
    const sessionManager = new Http2SessionManager(gw.h2);
    closers.push(() => sessionManager.abort());
    return createGrpcTransport({ baseUrl: gw.h2, sessionManager });
  },
};

function agent(): Agent {
  const created = new Agent({ keepAlive: true });
  closers.push(() => created.destroy());
  return created;
}

type AnyClient = Record<string, (input: Record<string, unknown>, options?: { headers?: Record<string, string> }) => Promise<Record<string, unknown>>>;

/** The outcome of one call: 'ok' with the response, or the error code and the message the client sees. */
async function call(client: AnyClient, method: string, input: Record<string, unknown>, headers: Record<string, string>) {
  try {
    return { code: 'ok', message: '', details: 0, response: await client[method]!(input, { headers }) };
  } catch (error) {
    const err = ConnectError.from(error);
    return { code: GRPC_CODE_NAMES[err.code] ?? String(err.code), message: err.rawMessage, details: err.details.length, response: undefined };
  }
}

/** An error's fields with the rule set asked for taken out of the message: what must not differ between a missing and another tenant's rule set. */
function asMissing(outcome: { code: string; message: string; details?: number }, ruleSet: string) {
  return { ...outcome, message: outcome.message.replace(JSON.stringify(ruleSet), '"<asked>"'), response: undefined };
}

/** Every request id sent with x-request-id, and who sent it. */
const sentIds: { id: string; tenant: string | null; method: string }[] = [];
let calls = 0;

describe('tenants and logs, end to end', () => {
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'gridcode-tenants-'));
    const rulesDir = join(tmp, 'rules');
    await mkdir(rulesDir);
    const defaultSource = await readFile(join(packageRoot, 'rules', 'default.yaml'), 'utf8');
    districtVersion = `${/^version: (.*)$/m.exec(defaultSource)![1]!.trim()}-b`;
    districtSource = defaultSource.replace(/^id: default$/m, 'id: district-b').replace(/^version: .*$/m, `version: ${districtVersion}`);
    await writeFile(join(rulesDir, 'default.yaml'), defaultSource);
    await writeFile(join(rulesDir, 'district-b.yaml'), districtSource);
    const tokens = join(tmp, 'tokens.yaml');
    const tenants = ['tenants:', '  - id: district-a', `    tokens: ["${hashToken(TOKEN_A)}"]`, '    rule_sets: [default]'];
    tenants.push('  - id: district-b', `    tokens: ["${HASH_B}"]`, '    rule_sets: [default, district-b]', '    default_rule_set: district-b', '');
    await writeFile(tokens, tenants.join('\n'));
    const starting = startGatewayProcess(['--workers', '1', '--tokens-file', tokens, '--rules-dir', rulesDir, '--log-level', 'info']);
    service = loadRegistry().getService('gridcode.v1.ScoringService')!;
    gw = await starting;
  }, 60_000);

  afterAll(async () => {
    for (const close of closers.splice(0)) close();
    if (gw) await gw.stop(5_000);
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it.each(Object.keys(PROTOCOLS))('%s: A sees and uses only its own rule sets', async (name) => {
    const client = createClient(service, PROTOCOLS[name]!()) as unknown as AnyClient;
    const A = (id?: string) => ({ authorization: `Bearer ${TOKEN_A}`, ...(id ? { 'x-request-id': id } : {}) });
    const listA = await call(client, 'listRuleSets', {}, A(`${name}-list-a`));
    const listB = await call(client, 'listRuleSets', {}, { authorization: `Bearer ${TOKEN_B}`, 'x-request-id': `${name}-list-b` });
    sentIds.push({ id: `${name}-list-a`, tenant: 'district-a', method: 'ListRuleSets' }, { id: `${name}-list-b`, tenant: 'district-b', method: 'ListRuleSets' });
    const ids = (list: typeof listA) => (list.response!['ruleSets'] as { id: string }[]).map((r) => r.id).sort();
    expect([ids(listA), ids(listB)]).toEqual([['default'], ['default', 'district-b']]);

    // B's rule set, any version of it, is answered exactly as one that does not exist (issue 16), field by field:
    // the code, and the message but for the name asked for. So A cannot tell which rule sets or versions B has.
    const unknown = await call(client, 'scoreBatch', batch('no-such-set'), A());
    expect(unknown.code).toBe('not_found');
    expect(unknown.message).not.toContain('district-b');
    for (const ruleSet of ['district-b', `district-b@${districtVersion}`, 'district-b@1999.1.1']) {
      const denied = await call(client, 'scoreBatch', batch(ruleSet), A());
      expect([ruleSet, asMissing(denied, ruleSet)]).toEqual([ruleSet, asMissing(unknown, 'no-such-set')]);
    }

    const scored = await call(client, 'scoreBatch', batch(''), A(`${name}-score-a`));
    sentIds.push({ id: `${name}-score-a`, tenant: 'district-a', method: 'ScoreBatch' });
    expect(scored.code).toBe('ok');
    const validated = await call(client, 'validateRuleSet', { source: districtSource }, A());
    expect([validated.code, validated.response?.['valid'], validated.response?.['id']]).toEqual(['ok', true, 'district-b']);
    // A refused batch carries the readings too: its log line must not.
    const invalid = await call(client, 'scoreBatch', { ...batch(''), startDate: '2026-02-30' }, A());
    expect(invalid.code).toBe('invalid_argument');
    calls += 8;
  });

  it.each(['grpc', 'connect-h2'])('%s ScoreStream: another tenant’s rule set is answered as a missing one', async (name) => {
    const transport =
      name === 'grpc'
        ? PROTOCOLS['grpc']!()
        : (() => {
            const sessionManager = new Http2SessionManager(gw.h2);
            closers.push(() => sessionManager.abort());
            return createConnectTransport({ baseUrl: gw.h2, httpVersion: '2', useBinaryFormat: true, sessionManager });
          })();
    const client = createClient(service, transport) as unknown as { scoreStream(input: AsyncIterable<Record<string, unknown>>, options?: { headers?: Record<string, string> }): AsyncIterable<unknown> };
    const stream = async (ruleSet: string) => {
      async function* one() {
        yield batch(ruleSet);
      }
      try {
        for await (const _ of client.scoreStream(one(), { headers: { authorization: `Bearer ${TOKEN_A}` } })) void _;
        return { code: 'ok', message: '', details: 0 };
      } catch (error) {
        const err = ConnectError.from(error);
        return { code: GRPC_CODE_NAMES[err.code] ?? String(err.code), message: err.rawMessage, details: err.details.length };
      }
    };
    const unknown = await stream('no-such-set');
    expect(unknown.code).toBe('not_found');
    for (const ruleSet of ['district-b', `district-b@${districtVersion}`, 'district-b@1999.1.1']) {
      const denied = await stream(ruleSet);
      expect([ruleSet, asMissing(denied, ruleSet)]).toEqual([ruleSet, asMissing(unknown, 'no-such-set')]);
    }
    expect((await stream('')).code).toBe('ok');
    calls += 5;
  });

  it.each(Object.keys(PROTOCOLS))('%s: no token, a wrong or malformed one, or a stored hash: unauthenticated, all alike', async (name) => {
    const client = createClient(service, PROTOCOLS[name]!()) as unknown as AnyClient;
    const attempts: Record<string, string>[] = [
      {},
      { authorization: `Bearer ${TOKEN_A}x` },
      { authorization: 'Bearer' },
      { authorization: `Bearer ${TOKEN_A} ${TOKEN_A}` },
      { authorization: `Basic ${TOKEN_A}` },
      { authorization: TOKEN_A },
      { authorization: `Bearer ${HASH_B}` },
      { authorization: `Bearer ${HASH_B.slice('sha256:'.length)}` },
    ];
    const outcomes = [];
    for (const [i, headers] of attempts.entries()) {
      const id = `${name}-unauth-${i}`;
      sentIds.push({ id, tenant: null, method: 'ScoreBatch' });
      outcomes.push(await call(client, 'scoreBatch', batch('district-b'), { ...headers, 'x-request-id': id }));
    }
    expect(outcomes.map((o) => [o.code, o.message])).toEqual(attempts.map(() => ['unauthenticated', UNAUTHENTICATED_MESSAGE]));
    calls += attempts.length;
  });

  it('logs one line per RPC with its request id, tenant, method, protocol, code, sizes and duration', async () => {
    const lines = () => gw.stderr().split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
    // A line is written once its reply has gone out (over HTTP/2, once the stream is done): wait for every one.
    await vi.waitFor(() => {
      const logged = new Set(lines().map((l) => l['requestId']));
      expect(sentIds.filter((sent) => !logged.has(sent.id)).map((sent) => sent.id)).toEqual([]);
    });
    expect(lines().filter((l) => l['msg'] === 'request').length).toBeGreaterThanOrEqual(calls);
    const rpc = lines().filter((l) => l['msg'] === 'request');
    for (const line of rpc) {
      expect(line).toMatchObject({ requestId: expect.any(String), method: expect.any(String), protocol: expect.stringMatching(/^(connect|grpc-web|grpc)$/), code: expect.any(String) });
      expect(line).toMatchObject({ requestBytes: expect.any(Number), responseBytes: expect.any(Number), durationMs: expect.any(Number) });
      expect(Object.keys(line)).toContain('tenant');
    }
    const byId = new Map(rpc.map((l) => [l['requestId'], l]));
    for (const sent of sentIds) {
      expect([sent.id, byId.get(sent.id)?.['tenant'], byId.get(sent.id)?.['method']]).toEqual([sent.id, sent.tenant, sent.method]);
    }
    expect(rpc.filter((l) => l['code'] === 'ok' && l['method'] === 'ScoreBatch').every((l) => (l['requestBytes'] as number) > 0 && (l['responseBytes'] as number) > 0)).toBe(true);
  });

  it('logs no token, token hash, Authorization header, reading or consumer id', () => {
    const log = gw.stderr();
    const secrets = [TOKEN_A, TOKEN_B, hashToken(TOKEN_A), HASH_B, HASH_B.slice('sha256:'.length), hashToken(TOKEN_A).slice(7)];
    for (const secret of secrets) expect(log).not.toContain(secret);
    expect(log).not.toMatch(/authorization|bearer|basic /i);
    for (const value of [...READINGS, ...WATER]) {
      // Any printing of the value or its float32 (4321.123, 4321.12304...) starts like this.
      for (const text of [value.toFixed(2), Math.fround(value).toFixed(2)]) expect([value, log.includes(text)]).toEqual([value, false]);
    }
    for (const id of CONSUMER_IDS) expect(log).not.toContain(id);
  });
});
