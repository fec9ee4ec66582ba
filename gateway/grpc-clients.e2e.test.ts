// The gRPC port as integrators call it: @grpc/grpc-js, the standard Node
// client this project did not write, against the built gateway. Every method,
// every error class of api.md with its code and message (grpc-js reports
// INTERNAL "Call ended without gRPC status" when a status does not arrive the
// way the gRPC spec says), deadlines, the retry pushback of a full server, and
// responses the client refuses (over its receive limit) followed by calls on
// the same channel. Needs the build (npm run build): without dist/ the run stops at once.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { gridcode } from '#gen/scoring.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../engine/src/package-root.js';
import { valueOf } from '../lib/prometheus-text.js';
import { startGatewayProcess, type GatewayProcess } from '../lib/gateway-process.js';
import { hashToken } from './ops/tenants.js';

const TOKEN_A = `ta-${randomBytes(12).toString('hex')}`;
const MAX_BODY = 2 * 1024 * 1024;
const MAX_CONSUMERS = 20_000;
const SERVICE = '/gridcode.v1.ScoringService/';

let gw: GatewayProcess;
let tmp: string;
const clients: grpc.Client[] = [];

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'gridcode-grpc-js-'));
  const rulesDir = join(tmp, 'rules');
  await mkdir(rulesDir);
  const defaultSource = await readFile(join(packageRoot, 'rules', 'default.yaml'), 'utf8');
  await writeFile(join(rulesDir, 'default.yaml'), defaultSource);
  await writeFile(join(rulesDir, 'district-b.yaml'), defaultSource.replace(/^id: default$/m, 'id: district-b'));
  const tokens = join(tmp, 'tokens.yaml');
  await writeFile(tokens, ['tenants:', '  - id: district-a', `    tokens: ["${hashToken(TOKEN_A)}"]`, '    rule_sets: [default]', ''].join('\n'));
  gw = await startGatewayProcess([
    '--workers', '1', '--tokens-file', tokens, '--rules-dir', rulesDir, '--log-level', 'warn',
    '--max-body-bytes', String(MAX_BODY), '--max-inflight-bytes', String(MAX_BODY), '--max-consumers', String(MAX_CONSUMERS),
  ]);
}, 60_000);

afterAll(async () => {
  for (const client of clients) client.close();
  // grpc-js keeps its connections open after close(): the gateway must still drain and exit 0.
  if (gw) expect(await gw.stop(), gw.stderr().slice(-2000)).toBe(0);
  if (tmp) await rm(tmp, { recursive: true, force: true });
}, 30_000);

/** A grpc-js client that sends and receives raw message bytes: requests any client could send, however malformed. */
function rawClient(options: grpc.ClientOptions = {}): grpc.Client {
  const client = new grpc.Client(gw.h2.replace('http://', ''), grpc.credentials.createInsecure(), options);
  clients.push(client);
  return client;
}

interface Outcome {
  readonly code: string;
  readonly details: string;
  readonly response?: Buffer;
}

function call(client: grpc.Client, method: string, message: Uint8Array, options: { token?: string | null; deadlineMs?: number } = {}): Promise<Outcome> {
  const metadata = new grpc.Metadata();
  const token = options.token === undefined ? TOKEN_A : options.token;
  if (token !== null) metadata.set('authorization', `Bearer ${token}`);
  const callOptions: grpc.CallOptions = options.deadlineMs === undefined ? {} : { deadline: Date.now() + options.deadlineMs };
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      SERVICE + method,
      (bytes: Uint8Array) => Buffer.from(bytes),
      (bytes: Buffer) => bytes,
      message,
      metadata,
      callOptions,
      (error, response) => resolve(error ? { code: grpc.status[error.code], details: error.details } : { code: 'OK', details: '', response: response! }),
    );
  });
}

const encode = (request: gridcode.v1.IScoreBatchRequest): Uint8Array => gridcode.v1.ScoreBatchRequest.encode(request).finish();
const curve = (n: number, kw: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => kw(i));
const workshop = { id: 'workshop-7', category: 1, zone: 1, capacityKw: 10, loadKw: curve(24, (h) => (h >= 8 && h < 18 ? 18 : 0.4)) };
const home = { id: 'home-1', category: 1, loadKw: curve(24, (h) => (h >= 18 && h < 23 ? 2.5 : 0.3)) };
const small = (extra: gridcode.v1.IScoreBatchRequest = {}): Uint8Array => encode({ startDate: '2026-11-02', pointsPerDay: 24, consumers: [home, workshop], ...extra });

/** `n` one-day consumers with long ids and every feature: a response of about 190 bytes each that gzip barely shrinks. */
function featureBatch(n: number): Uint8Array {
  const consumers = Array.from({ length: n }, (_, c) => ({
    id: `meter-${randomBytes(14).toString('hex')}`,
    category: 1 + (c % 3),
    loadKw: curve(24, (h) => 0.2 + ((c * 7919 + h * 104_729) % 1000) / 97),
  }));
  return encode({ startDate: '2026-11-02', pointsPerDay: 24, includeFeatures: true, consumers });
}

describe('@grpc/grpc-js against the gRPC port', () => {
  it('calls every method', async () => {
    const client = rawClient();
    const scored = await call(client, 'ScoreBatch', small());
    expect(scored.code).toBe('OK');
    const response = gridcode.v1.ScoreBatchResponse.decode(scored.response!);
    expect(response.results.map((r) => [r.id, gridcode.v1.Code[r.code ?? 0]])).toEqual([
      ['home-1', 'CODE_GREEN'],
      ['workshop-7', 'CODE_RED'],
    ]);
    const listed = await call(client, 'ListRuleSets', new Uint8Array(0));
    expect(gridcode.v1.ListRuleSetsResponse.decode(listed.response!).ruleSets.map((r) => r.id)).toEqual(['default']);
    const validated = await call(client, 'ValidateRuleSet', gridcode.v1.ValidateRuleSetRequest.encode({ source: 'id: x\nversion: 1\nrules: []\n' }).finish());
    expect(validated.code).toBe('OK');
  });

  it('reads every error class with its code and message', async () => {
    const client = rawClient();
    const cases: [string, Promise<Outcome>, string, RegExp][] = [
      ['points_per_day 7', call(client, 'ScoreBatch', small({ pointsPerDay: 7 })), 'INVALID_ARGUMENT', /points_per_day 7 is not supported/],
      ['a bad date', call(client, 'ScoreBatch', small({ startDate: '2026-02-30' })), 'INVALID_ARGUMENT', /start_date 2026-02-30 is not a calendar date/],
      ['undecodable bytes', call(client, 'ScoreBatch', Uint8Array.of(0x0f, 0xff, 0xff)), 'INVALID_ARGUMENT', /malformed protobuf/],
      ['too many consumers', call(client, 'ScoreBatch', encode({ startDate: '2026-11-02', pointsPerDay: 24, consumers: Array.from({ length: MAX_CONSUMERS + 1 }, (_, i) => ({ id: `c${i}` })) })), 'INVALID_ARGUMENT', new RegExp(`the limit is ${MAX_CONSUMERS}`)],
      ['a body over the limit', call(client, 'ValidateRuleSet', gridcode.v1.ValidateRuleSetRequest.encode({ source: `# ${randomBytes(MAX_BODY).toString('base64')}` }).finish()), 'INVALID_ARGUMENT', new RegExp(`limit of ${MAX_BODY} bytes`)],
      ['an unknown rule set', call(client, 'ScoreBatch', small({ ruleSet: 'nope' })), 'NOT_FOUND', /nope/],
      // Answered as if it did not exist: a tenant cannot learn another's rule sets.
      ['another tenant\'s rule set', call(client, 'ScoreBatch', small({ ruleSet: 'district-b' })), 'NOT_FOUND', /^no rule set "district-b"; available: default@/],
      ['an unknown method', call(client, 'ScoreEverything', new Uint8Array(0)), 'UNIMPLEMENTED', /ScoreEverything/],
      ['no token', call(client, 'ListRuleSets', new Uint8Array(0), { token: null }), 'UNAUTHENTICATED', /token/i],
      ['a wrong token', call(client, 'ListRuleSets', new Uint8Array(0), { token: 'not-a-token' }), 'UNAUTHENTICATED', /token/i],
    ];
    for (const [what, outcome, code, message] of cases) {
      const { code: got, details = '' } = await outcome;
      expect([what, got], details).toEqual([what, code]);
      expect(details, what).toMatch(message);
    }
    // The channel is fine after all of them.
    expect((await call(client, 'ListRuleSets', new Uint8Array(0))).code).toBe('OK');
  });

  it('gets DEADLINE_EXCEEDED for a deadline that passes during the upload or the scoring, and the channel stays usable', async () => {
    const client = rawClient();
    const body = featureBatch(11_000); // about 1.9 MB: uploads and scores for longer than the deadlines below
    expect(body.byteLength).toBeLessThan(MAX_BODY);
    for (const deadlineMs of [1, 20, 60]) {
      const outcome = await call(client, 'ScoreBatch', body, { deadlineMs });
      expect([deadlineMs, outcome.code], outcome.details).toEqual([deadlineMs, 'DEADLINE_EXCEEDED']);
    }
    expect((await call(client, 'ScoreBatch', small())).code).toBe('OK');
  });

  it('reads RESOURCE_EXHAUSTED from a full server, with when to retry', async () => {
    const client = rawClient();
    const body = featureBatch(8_000); // over half the byte budget: two cannot be in flight at once
    expect(body.byteLength * 2).toBeGreaterThan(MAX_BODY);
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => call(client, 'ScoreBatch', body)));
    const refused = outcomes.filter((o) => o.code === 'RESOURCE_EXHAUSTED');
    expect(outcomes.filter((o) => o.code === 'OK').length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    expect(outcomes.every((o) => o.code === 'OK' || o.code === 'RESOURCE_EXHAUSTED')).toBe(true);
    // grpc-js consumes grpc-retry-pushback-ms itself (its retry policy): grpc-frames.e2e.test.ts reads it raw.
    for (const o of refused) expect(o.details).toMatch(/the server is busy: .*retry after 1 s/);
  });

  it('refuses responses over its receive limit, 40 times, and every later call on the same channel succeeds', async () => {
    const before = await (await fetch(`${gw.base}/metrics`)).text();
    // 256 KiB: far below the response, so grpc-js gives up at the message's length prefix with most of it unsent.
    const client = rawClient({ 'grpc.max_receive_message_length': 256 * 1024 });
    const big = featureBatch(10_000);
    for (let i = 0; i < 40; i++) {
      const refused = await call(client, 'ScoreBatch', big);
      expect([i, refused.code]).toEqual([i, 'RESOURCE_EXHAUSTED']);
      expect(refused.details).toMatch(/larger than max/);
      const next = await call(client, 'ListRuleSets', new Uint8Array(0));
      expect([i, next.code], next.details).toEqual([i, 'OK']);
    }
    // The server logged and counted each abandoned response as canceled.
    const after = await (await fetch(`${gw.base}/metrics`)).text();
    const labels = { method: 'ScoreBatch', protocol: 'grpc', code: 'canceled' };
    expect(valueOf(after, 'gridcode_requests_total', labels) - valueOf(before, 'gridcode_requests_total', labels)).toBe(40);
  });
});
