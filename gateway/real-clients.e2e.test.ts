// End to end: the built gateway (node dist/gateway/main.js, 2 workers, a
// tokens file with two tenants, a rules directory with the default rule set and
// a district rule set only tenant B may use) and real clients:
// @connectrpc/connect-node's Connect (binary and JSON), gRPC-Web and gRPC
// transports, plain fetch with hand-written Connect JSON, node:http2 for
// hand-made gRPC frames, and `gridcode score` on the same batch.
// Needs the build (npm run build): without dist/ the run stops at once.
import { execFile } from 'node:child_process';
import { Agent } from 'node:http';
import { connect as http2Connect, constants as http2Constants } from 'node:http2';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompressSync, brotliDecompressSync, gzipSync } from 'node:zlib';
import { create, fromBinary, fromJsonString, toBinary, type DescMessage, type DescService, type Message } from '@bufbuild/protobuf';
import { ConnectError, createClient, type Transport } from '@connectrpc/connect';
import type { Compression } from '@connectrpc/connect/protocol';
import { compressionGzip, createConnectTransport, createGrpcTransport, createGrpcWebTransport, Http2SessionManager } from '@connectrpc/connect-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { packageRoot } from '../engine/src/package-root.js';
import { namedRules, ruleInfoFields, yamlRuleInfos, type RuleInfoFields } from '../tests/support/rule-info.js';
import { hashToken } from './ops/tenants.js';
import { loadRegistry } from '../lib/proto-registry.js';
import { CLI, startGatewayProcess, type GatewayProcess } from '../lib/gateway-process.js';
import { CATEGORY, knownConsumers, requestInit, requestJson, ZONE, type BatchOptions, type ConsumerData } from '../lib/score-requests.js';
import { populationConsumers } from '../tests/support/gateway/population.js';
import { samples, valueOf } from '../lib/prometheus-text.js';
import { closeSessions, CONNECT_HTTP_STATUS, connectCall, GRPC_CODE_NAMES, grpcCall, grpcWebCall, type WireOutcome } from '../lib/wire-calls.js';
import { grpcWebBinaryBody, grpcWebTextCall } from '../tests/support/gateway/grpc-web-text.js';

const execFileAsync = promisify(execFile);

/** Low enough that an over-limit body is cheap to send, high enough for the split batch in JSON. */
const MAX_BODY = 20 * 1024 * 1024;
/** Bodies from 8 MiB on are split across the workers here (--split-threshold-bytes; the default is 32 MiB). */
const SPLIT_THRESHOLD = 8 * 1024 * 1024;
const START_DATE = '2026-03-02'; // a Monday
const DAYS = 30;

const TOKEN_A = `a-${randomBytes(12).toString('hex')}`;
const TOKEN_B = `b-${randomBytes(12).toString('hex')}`;
const AUTH_A = { authorization: `Bearer ${TOKEN_A}` };
const AUTH_B = { authorization: `Bearer ${TOKEN_B}` };

// ---------------------------------------------------------------- messages

interface Evidence {
  rule: string;
  values: Record<string, number>;
}
interface ConsumerResult {
  id: string;
  code: number;
  score: number;
  reasons: string[];
  features: number[];
  note: string;
  evidence: Evidence[];
}
interface Summary {
  total: number;
  green: number;
  yellow: number;
  red: number;
  gray: number;
  ruleHits: Record<string, number>;
}
interface ScoreResponse {
  ruleSet: string;
  ruleSetDigest: string;
  results: ConsumerResult[];
  summary?: Summary;
  featureNames: string[];
  rules: RuleInfoFields[];
}
interface RuleSetInfo {
  id: string;
  version: string;
  digest: string;
  ruleIds: string[];
  featureNames: string[];
  isDefault: boolean;
  description: string;
  rules: RuleInfoFields[];
}
interface RuleSetError {
  rule: string;
  line: number;
  column: number;
  message: string;
  code: string;
}
interface ValidateResponse {
  valid: boolean;
  errors: RuleSetError[];
  id: string;
  version: string;
  ruleIds: string[];
}

const CODE = { green: 1, yellow: 2, red: 3, gray: 4 } as const;

let service: DescService;
let RequestSchema: DescMessage;
let ResponseSchema: DescMessage;

function schema(name: string): DescMessage {
  const found = loadRegistry().getMessage(`gridcode.v1.${name}`);
  if (!found) throw new Error(`no message gridcode.v1.${name}`);
  return found;
}

function requestMessage(options: BatchOptions, consumers: readonly ConsumerData[]): Message {
  return create(RequestSchema, requestInit(options, consumers));
}

function requestBytes(options: BatchOptions, consumers: readonly ConsumerData[]): Uint8Array {
  return toBinary(RequestSchema, requestMessage(options, consumers));
}

/**
 * The response as float32 values carry it: a message decoded from JSON holds
 * the printed decimals as doubles; encoding it to protobuf rounds each float
 * field to float32, as the server's own proto encoding does. Equal after this
 * means the JSON printed every float precisely enough to be the same float32.
 */
function normalise(message: Message): ScoreResponse {
  return fromBinary(ResponseSchema, toBinary(ResponseSchema, message)) as unknown as ScoreResponse;
}

function decodeResponse(bytes: Uint8Array): ScoreResponse {
  return fromBinary(ResponseSchema, bytes) as unknown as ScoreResponse;
}

function decodeJsonResponse(bytes: Uint8Array): ScoreResponse {
  return normalise(fromJsonString(ResponseSchema, new TextDecoder().decode(bytes)));
}

// ---------------------------------------------------------------- clients

type Protocol = 'connect' | 'grpc-web' | 'grpc';
interface ClientKind {
  readonly protocol: Protocol;
  readonly make: (extra?: Record<string, unknown>) => Transport;
}

let gw: GatewayProcess;
let tmp: string;
let rulesDir: string;

const CLIENTS: Record<string, ClientKind> = {
  'connect proto': { protocol: 'connect', make: (extra = {}) => createConnectTransport({ baseUrl: gw.base, httpVersion: '1.1', useBinaryFormat: true, ...extra }) },
  'connect json': { protocol: 'connect', make: (extra = {}) => createConnectTransport({ baseUrl: gw.base, httpVersion: '1.1', useBinaryFormat: false, ...extra }) },
  'grpc-web': { protocol: 'grpc-web', make: (extra = {}) => createGrpcWebTransport({ baseUrl: gw.base, httpVersion: '1.1', useBinaryFormat: true, ...extra }) },
  grpc: { protocol: 'grpc', make: (extra = {}) => createGrpcTransport({ baseUrl: gw.h2, ...extra }) },
};
const CLIENT_NAMES = Object.keys(CLIENTS);

type AnyClient = Record<string, (input: Record<string, unknown> | Message, options?: Record<string, unknown>) => Promise<Message>>;
const transportCache = new Map<string, Transport>();
/** Every connection the clients opened, so that they can be closed before the gateway drains. */
const sessionManagers: Http2SessionManager[] = [];
const agents: Agent[] = [];

/** A client of transport `name`; with `extra` (transport options, {} for none) a new transport on its own connections. */
function client(name: string, extra?: Record<string, unknown>): AnyClient {
  const kind = CLIENTS[name]!;
  let transport = extra ? undefined : transportCache.get(name);
  if (!transport) {
    let connection: Record<string, unknown>;
    if (kind.protocol === 'grpc') {
      const sessionManager = new Http2SessionManager(gw.h2);
      sessionManagers.push(sessionManager);
      connection = { sessionManager };
    } else {
      const agent = new Agent({ keepAlive: true });
      agents.push(agent);
      connection = { nodeOptions: { agent } };
    }
    transport = kind.make({ ...connection, ...extra });
    if (!extra) transportCache.set(name, transport);
  }
  return createClient(service, transport) as unknown as AnyClient;
}

function closeClients(): void {
  for (const manager of sessionManagers.splice(0)) manager.abort();
  for (const agent of agents.splice(0)) agent.destroy();
  transportCache.clear();
  closeSessions();
}

const brotli: Compression = {
  name: 'br',
  compress: async (bytes) => new Uint8Array(brotliCompressSync(bytes)),
  decompress: async (bytes) => new Uint8Array(brotliDecompressSync(bytes)),
};

// ---------------------------------------------------------------- what was sent, for the metrics

interface Expectation {
  certain: number;
  /** Calls whose outcome the server may have counted under this code, or not at all (the client gave up first). */
  possible: number;
}
const sent = new Map<string, Expectation>();
const scored = { total: 0, green: 0, yellow: 0, red: 0, gray: 0 };
/** Consumers of calls the server may have scored although the client gave up. */
let maybeScored = 0;

function count(method: string, protocol: Protocol, code: string, certain = true): void {
  const key = `${method}|${protocol}|${code}`;
  const entry = sent.get(key) ?? { certain: 0, possible: 0 };
  if (certain) entry.certain++;
  else entry.possible++;
  sent.set(key, entry);
}

function countScored(response: ScoreResponse): void {
  const s = response.summary!;
  scored.total += s.total;
  scored.green += s.green;
  scored.yellow += s.yellow;
  scored.red += s.red;
  scored.gray += s.gray;
}

interface Outcome<T> {
  readonly code: string;
  readonly message: string;
  readonly response?: T;
}

/** A call with a real client; its outcome counted for the metrics. */
async function call<T>(name: string, method: string, input: Record<string, unknown> | Message, options: Record<string, unknown> = {}, extra?: Record<string, unknown>): Promise<Outcome<T>> {
  const protocol = CLIENTS[name]!.protocol;
  const fn = client(name, extra)[method[0]!.toLowerCase() + method.slice(1)]!;
  try {
    const response = (await fn(input, options)) as unknown as T;
    count(method, protocol, 'ok');
    if (method === 'ScoreBatch') countScored(response as unknown as ScoreResponse);
    return { code: 'ok', message: '', response };
  } catch (error) {
    const err = ConnectError.from(error);
    const code = GRPC_CODE_NAMES[err.code] ?? String(err.code);
    count(method, protocol, code);
    return { code, message: err.rawMessage };
  }
}

/** A hand-made call; its outcome counted for the metrics. */
async function wire(method: string, protocol: Protocol, outcome: Promise<WireOutcome>): Promise<WireOutcome> {
  const result = await outcome;
  count(method, protocol, result.code);
  return result;
}

// ---------------------------------------------------------------- data

const scoreOptions: BatchOptions = { ruleSet: 'default', startDate: START_DATE, pointsPerDay: 96, includeFeatures: true, includeEvidence: true };
const tinyConsumers: ConsumerData[] = [{ id: 'tiny-1', category: 1, zone: 1, capacityKw: 8, loadKw: Array.from({ length: 96 }, (_, i) => (i >= 72 && i < 88 ? 1.5 : 0.3)), waterM3: [] }];

/** A few hundred consumers of every kind, with the known ones spread among them. */
function realisticBatch(): ConsumerData[] {
  const population = populationConsumers(0, 292, { days: DAYS, seed: 20261102, startWeekday: 0, prefix: 'acct' });
  const known = knownConsumers(DAYS, 0);
  const out: ConsumerData[] = [];
  population.forEach((c, i) => {
    if (i % 37 === 5 && known.length > 0) out.push(known.shift()!);
    out.push(c);
  });
  out.push(...known);
  return out;
}

let realistic: ConsumerData[];
let split: ConsumerData[];
let splitProto: Uint8Array;

// ---------------------------------------------------------------- the gateway

async function writeRulesAndTokens(): Promise<{ tokens: string; defaultSource: string; districtSource: string }> {
  const defaultSource = await readFile(join(packageRoot, 'rules', 'default.yaml'), 'utf8');
  DEFAULT_VERSION = String((parseYaml(defaultSource) as { version: unknown }).version);
  const districtSource = defaultSource
    .replace(/^id: default$/m, 'id: district-b')
    .replace(/^version: .*$/m, `version: ${DISTRICT_VERSION()}`)
    .replace(/^thresholds: .*$/m, 'thresholds: { yellow: 30, red: 60 }');
  if (districtSource === defaultSource || !districtSource.includes('id: district-b') || !districtSource.includes('yellow: 30')) throw new Error('rules/default.yaml changed shape: fix the district rule set of e2e.test.ts');
  await writeFile(join(rulesDir, 'default.yaml'), defaultSource);
  await writeFile(join(rulesDir, 'district-b.yaml'), districtSource);
  const tokens = join(tmp, 'tokens.yaml');
  await writeFile(
    tokens,
    [
      'tenants:',
      '  - id: district-a',
      `    tokens: ["${hashToken(TOKEN_A)}"]`,
      '    rule_sets: [default]',
      '  - id: district-b',
      `    tokens: ["${hashToken(TOKEN_B)}"]`,
      '    rule_sets: [default, district-b]',
      '    default_rule_set: district-b',
      '',
    ].join('\n'),
  );
  return { tokens, defaultSource, districtSource };
}

let sources: { tokens: string; defaultSource: string; districtSource: string };
/** The shipped default rule set's version (read from rules/default.yaml, which moves on), and the district copy's. */
let DEFAULT_VERSION = '';
const DISTRICT_VERSION = () => `${DEFAULT_VERSION}-b`;

describe('the built gateway with real clients', () => {
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'gridcode-e2e-'));
    rulesDir = join(tmp, 'rules');
    await (await import('node:fs/promises')).mkdir(rulesDir);
    sources = await writeRulesAndTokens();
    const starting = startGatewayProcess(['--workers', '2', '--tokens-file', sources.tokens, '--rules-dir', rulesDir, '--max-body-bytes', String(MAX_BODY), '--split-threshold-bytes', String(SPLIT_THRESHOLD), '--log-level', 'info']);
    const registry = loadRegistry();
    service = registry.getService('gridcode.v1.ScoringService')!;
    RequestSchema = schema('ScoreBatchRequest');
    ResponseSchema = schema('ScoreBatchResponse');
    realistic = realisticBatch();
    split = populationConsumers(100_000, 800, { days: DAYS, seed: 7, startWeekday: 0, prefix: 'split' });
    splitProto = requestBytes(scoreOptions, split);
    gw = await starting;
  }, 60_000);

  afterAll(async () => {
    closeClients();
    if (gw) await gw.stop(5_000);
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('starts with both tenants and both rule sets', () => {
    const sets = gw.readyLine.match(/rule sets (.*), 2 workers, 2 tenants$/)?.[1]?.split(' ').sort();
    expect(sets).toEqual([`default@${DEFAULT_VERSION}`, `district-b@${DISTRICT_VERSION()}`]);
  });

  it('gives the same results for the same batch over every protocol and from the command line', async () => {
    const message = requestMessage(scoreOptions, realistic);
    const proto = toBinary(RequestSchema, message);
    const json = requestJson(scoreOptions, realistic);
    // The hand-written JSON is the same request as the protobuf (every reading the same float32).
    expect(jsonConsumers(json)).toEqual(realistic.map((c) => ({ ...c, loadKw: c.loadKw.map(Math.fround), waterM3: c.waterM3.map(Math.fround), capacityKw: Math.fround(c.capacityKw) })));

    // The command line on the same bytes: the reference.
    const input = join(tmp, 'batch.pb');
    const output = join(tmp, 'cli.pb');
    await writeFile(input, proto);
    await execFileAsync(process.execPath, [CLI, 'score', '--input', input, '--rule-set', 'default', '--include-features', '--include-evidence', '--output', output], { cwd: packageRoot });
    const reference = decodeResponse(new Uint8Array(await readFile(output)));

    const responses: Record<string, ScoreResponse> = {};
    for (const name of CLIENT_NAMES) {
      const outcome = await call<Message>(name, 'ScoreBatch', message, { headers: AUTH_A });
      expect([name, outcome.code, outcome.message]).toEqual([name, 'ok', '']);
      responses[name] = normalise(outcome.response!);
    }
    const fetched = await wire('ScoreBatch', 'connect', connectCall(gw.base, 'ScoreBatch', json, { 'content-type': 'application/json', ...AUTH_A }));
    expect(fetched.code).toBe('ok');
    const fetchedResponse = decodeJsonResponse(fetched.body);
    countScored(fetchedResponse);
    responses['fetch json'] = fetchedResponse;

    // What the batch is: every code, the known consumers as expected, features and evidence.
    expect(reference.ruleSet).toBe(`default@${DEFAULT_VERSION}`);
    expect(reference.results.map((r) => r.id)).toEqual(realistic.map((c) => c.id));
    const s = reference.summary!;
    expect(s.total).toBe(realistic.length);
    expect(s.green + s.yellow + s.red + s.gray).toBe(s.total);
    expect(Math.min(s.green, s.yellow, s.red, s.gray)).toBeGreaterThan(0);
    const byId = new Map(reference.results.map((r) => [r.id, r]));
    expect(byId.get('known-workshop-in-housing')).toMatchObject({ code: CODE.red, reasons: expect.arrayContaining(['factory-curve-in-housing']) });
    expect(byId.get('known-unusable-partial-day')).toMatchObject({ code: CODE.gray, note: expect.stringMatching(/whole number of days/) });
    expect(byId.get('known-no-readings')).toMatchObject({ code: CODE.gray, note: expect.any(String) });
    expect(byId.get('known-missing-days')).toMatchObject({ code: CODE.gray, note: expect.stringMatching(/valid/) });
    expect(byId.get('known-missing-readings')!.code).not.toBe(CODE.gray);
    expect(byId.get('known-licensed-plant')).toMatchObject({ code: CODE.green, reasons: ['licensed-park-enterprise'] });
    expect(byId.get('known-household')).toMatchObject({ code: CODE.green, reasons: [], note: '' });
    // No silent GREEN: a household sent without category and zone is judged, and its note says what was missing.
    expect(byId.get('known-unspecified')).toMatchObject({
      code: CODE.green,
      note: expect.stringMatching(/^category unspecified \(no account type from upstream\): \d+ rules that read category did not fire: .+; zone unspecified \(no zone from upstream\): \d+ rules that read zone did not fire: /),
    });
    expect(reference.featureNames.length).toBeGreaterThan(10);
    for (const r of reference.results) {
      if (r.code !== CODE.gray) expect([r.id, r.features.length]).toEqual([r.id, reference.featureNames.length]);
      expect([r.id, r.evidence.map((e) => e.rule)]).toEqual([r.id, r.reasons]);
    }
    expect(reference.results.some((r) => r.features.some((f) => Number.isNaN(f)))).toBe(true); // undefined features travel as NaN
    // Each rule the results name, once, in file order, as rules/default.yaml says.
    expect(reference.rules.map(ruleInfoFields)).toEqual(namedRules(yamlRuleInfos(sources.defaultSource), reference.results));
    expect(reference.rules.length).toBeGreaterThan(3);

    for (const [name, response] of Object.entries(responses)) {
      expect({ name, response }).toEqual({ name, response: reference });
    }
  });

  it('scores a batch above the split threshold as the same consumers in small batches', async () => {
    expect(splitProto.byteLength).toBeGreaterThan(SPLIT_THRESHOLD);
    const json = requestJson(scoreOptions, split);
    expect(json.length).toBeGreaterThan(SPLIT_THRESHOLD);
    expect(json.length).toBeLessThan(MAX_BODY);

    // The same consumers, 100 at a time (each well under the threshold), merged.
    const parts: ScoreResponse[] = [];
    for (let i = 0; i < split.length; i += 100) {
      const outcome = await call<Message>('connect proto', 'ScoreBatch', requestMessage(scoreOptions, split.slice(i, i + 100)), { headers: AUTH_A });
      expect(outcome.code).toBe('ok');
      parts.push(normalise(outcome.response!));
    }
    const ruleHits: Record<string, number> = {};
    for (const part of parts) for (const [rule, n] of Object.entries(part.summary!.ruleHits)) ruleHits[rule] = (ruleHits[rule] ?? 0) + n;
    const sum = (key: 'total' | 'green' | 'yellow' | 'red' | 'gray') => parts.reduce((n, p) => n + p.summary![key], 0);
    // Each rule any part names, once, in file order.
    const described = new Map(parts.flatMap((p) => p.rules.map((rule) => [rule.id, rule] as const)));
    const merged = {
      ...parts[0]!,
      results: parts.flatMap((p) => p.results),
      rules: yamlRuleInfos(sources.defaultSource).flatMap((rule) => described.get(rule.id) ?? []),
      summary: { ...parts[0]!.summary!, total: sum('total'), green: sum('green'), yellow: sum('yellow'), red: sum('red'), gray: sum('gray'), ruleHits },
    };
    expect(merged.summary.total).toBe(split.length);
    expect(merged.summary.red).toBeGreaterThan(0);

    const big: Record<string, ScoreResponse> = {};
    const message = fromBinary(RequestSchema, splitProto);
    for (const name of ['grpc', 'grpc-web', 'connect proto']) {
      const outcome = await call<Message>(name, 'ScoreBatch', message, { headers: AUTH_A });
      expect([name, outcome.code, outcome.message]).toEqual([name, 'ok', '']);
      big[name] = normalise(outcome.response!);
    }
    const fetched = await wire('ScoreBatch', 'connect', connectCall(gw.base, 'ScoreBatch', json, { 'content-type': 'application/json', ...AUTH_A }));
    expect([fetched.code, fetched.message]).toEqual(['ok', '']);
    big['fetch json'] = decodeJsonResponse(fetched.body);
    countScored(big['fetch json']);
    for (const [name, response] of Object.entries(big)) expect({ name, response }).toEqual({ name, response: merged });
  });

  it('scores with each tenant’s default rule set when the request names none', async () => {
    const a = await call<ScoreResponse>('grpc', 'ScoreBatch', requestMessage({ startDate: START_DATE }, tinyConsumers), { headers: AUTH_A });
    const b = await call<ScoreResponse>('grpc', 'ScoreBatch', requestMessage({ startDate: START_DATE }, tinyConsumers), { headers: AUTH_B });
    expect(a.response?.ruleSet).toBe(`default@${DEFAULT_VERSION}`);
    expect(b.response?.ruleSet).toBe(`district-b@${DISTRICT_VERSION()}`);
    expect(b.response?.ruleSetDigest).not.toBe(a.response?.ruleSetDigest);
  });

  describe('lists and validates rule sets', () => {
    const draft = [
      'id: draft-x',
      'version: 0.1.0',
      'thresholds: { yellow: 40, red: 70 }',
      'rules:',
      '  - id: night-ish',
      '    when: category == residential and nigth_share > 0.4',
      '    score: 30',
      '  - id: mixed',
      '    when: zone == 3 and mean_kw > 1',
      '    score: 20',
      '  - id: wrong-enum',
      '    when: category == factory_floor',
      '    score: 10',
      '',
    ].join('\n');

    it.each(CLIENT_NAMES)('%s: ListRuleSets shows each tenant its own rule sets', async (name) => {
      const a = await call<{ ruleSets: RuleSetInfo[] }>(name, 'ListRuleSets', {}, { headers: AUTH_A });
      const b = await call<{ ruleSets: RuleSetInfo[] }>(name, 'ListRuleSets', {}, { headers: AUTH_B });
      expect(a.code).toBe('ok');
      expect(b.code).toBe('ok');
      expect(a.response!.ruleSets.map((r) => [r.id, r.version, r.isDefault])).toEqual([['default', DEFAULT_VERSION, true]]);
      const bSets = [...b.response!.ruleSets].sort((x, y) => x.id.localeCompare(y.id)).map((r) => [r.id, r.version, r.isDefault]);
      expect(bSets).toEqual([
        ['default', DEFAULT_VERSION, false],
        ['district-b', DISTRICT_VERSION(), true],
      ]);
      const info = a.response!.ruleSets[0]!;
      expect(info.digest).toMatch(/[0-9a-f]{64}/);
      expect(info.ruleIds).toContain('licensed-park-enterprise');
      expect(info.featureNames).toContain('mean_kw');
      expect(info.description).toMatch(/Baseline criteria/);
      // Every rule, in file order, as the rule file says.
      expect(info.rules.map(ruleInfoFields)).toEqual(yamlRuleInfos(sources.defaultSource));
    });

    it.each(CLIENT_NAMES)('%s: ValidateRuleSet reports the three mistakes of a draft with line and column', async (name) => {
      const outcome = await call<ValidateResponse>(name, 'ValidateRuleSet', { source: draft }, { headers: AUTH_A });
      expect(outcome.code).toBe('ok');
      const response = outcome.response!;
      expect(response.valid).toBe(false);
      expect(response.errors.map((e) => [e.rule, e.line, e.column, e.code])).toEqual([
        ['night-ish', 6, 39, 'unknown_name'],
        ['mixed', 9, 11, 'type_mismatch'],
        ['wrong-enum', 12, 23, 'unknown_enum'],
      ]);
      expect(response.errors[0]!.message).toMatch(/night_share/);
      const good = await call<ValidateResponse>(name, 'ValidateRuleSet', { source: sources.districtSource }, { headers: AUTH_B });
      expect(good.response).toMatchObject({ valid: true, id: 'district-b', version: DISTRICT_VERSION(), errors: [] });
    });
  });

  describe('errors, over each protocol', () => {
    const small = (fields: Partial<BatchOptions>) => requestMessage({ startDate: START_DATE, ...fields }, tinyConsumers);

    it.each(CLIENT_NAMES)('%s: invalid_argument for a bad start_date or points_per_day 50', async (name) => {
      for (const startDate of ['2026-02-30', '02.03.2026', '']) {
        const outcome = await call(name, 'ScoreBatch', small({ startDate }), { headers: AUTH_A });
        expect([name, startDate, outcome.code]).toEqual([name, startDate, 'invalid_argument']);
        expect(outcome.message).toMatch(/start_?date/i);
      }
      const outcome = await call(name, 'ScoreBatch', small({ pointsPerDay: 50 }), { headers: AUTH_A });
      expect(outcome.code).toBe('invalid_argument');
      expect(outcome.message).toMatch(/points_?per_?day|50/i);
    });

    it.each(CLIENT_NAMES)('%s: not_found for an unknown rule set and for another tenant’s, alike', async (name) => {
      // Another tenant's rule set is answered as a missing one (issue 16), so the caller cannot tell which exist.
      for (const ruleSet of ['no-such-rules', 'default@1999.1.1', 'district-b', `district-b@${DISTRICT_VERSION()}`]) {
        const outcome = await call(name, 'ScoreBatch', small({ ruleSet }), { headers: AUTH_A });
        expect([ruleSet, outcome.code]).toEqual([ruleSet, 'not_found']);
      }
      const allowed = await call(name, 'ScoreBatch', small({ ruleSet: 'district-b' }), { headers: AUTH_B });
      expect(allowed.code).toBe('ok');
    });

    it.each(CLIENT_NAMES)('%s: unauthenticated without a token or with a wrong one', async (name) => {
      for (const headers of [{}, { authorization: 'Bearer not-a-token' }, { authorization: TOKEN_A }, { authorization: `Basic ${TOKEN_A}` }]) {
        for (const method of ['ScoreBatch', 'ListRuleSets']) {
          const outcome = await call(name, method, method === 'ScoreBatch' ? small({}) : {}, { headers });
          expect([name, method, headers, outcome.code]).toEqual([name, method, headers, 'unauthenticated']);
        }
      }
    });

    it.each(CLIENT_NAMES)('%s: unimplemented for a compression the server does not support', async (name) => {
      const outcome = await call(name, 'ScoreBatch', small({}), { headers: AUTH_A }, { sendCompression: brotli, compressMinBytes: 0 });
      expect(outcome.code).toBe('unimplemented');
      expect(outcome.message).toMatch(/br/);
      // gzip is supported.
      const gzipped = await call(name, 'ScoreBatch', small({}), { headers: AUTH_A }, { sendCompression: compressionGzip, compressMinBytes: 0 });
      expect(gzipped.code).toBe('ok');
    });

    it.each(CLIENT_NAMES)('%s: invalid_argument naming the limit for a body over it, raw or inflated', async (name) => {
      // Each on new connections: see 'HTTP/2 connections' below for what an early answer does to a gRPC connection.
      const outcome = await call(name, 'ValidateRuleSet', { source: `# ${'x'.repeat(MAX_BODY)}` }, { headers: AUTH_A }, {});
      expect([name, outcome.code]).toEqual([name, 'invalid_argument']);
      expect(outcome.message).toContain(`limit of ${MAX_BODY} bytes`);
      // A gzip body far under the limit that inflates beyond it.
      const bomb = await call(name, 'ScoreBatch', zeroBatch(), { headers: AUTH_A }, { sendCompression: compressionGzip, compressMinBytes: 0 });
      expect([name, bomb.code]).toEqual([name, 'invalid_argument']);
      expect(bomb.message).toContain(`limit of ${MAX_BODY} bytes`);
    });

    it.each(CLIENT_NAMES)('%s: deadline_exceeded with timeoutMs 1 on a big batch', async (name) => {
      const protocol = CLIENTS[name]!.protocol;
      const fn = client(name, {}).scoreBatch!;
      let code: string;
      try {
        await fn(fromBinary(RequestSchema, splitProto), { headers: AUTH_A, timeoutMs: 1 });
        code = 'ok';
      } catch (error) {
        code = GRPC_CODE_NAMES[ConnectError.from(error).code] ?? 'other';
      }
      expect(code).toBe('deadline_exceeded');
      // The client may give up before the server answers: the server may count it either way, or not at all.
      count('ScoreBatch', protocol, 'deadline_exceeded', false);
      count('ScoreBatch', protocol, 'canceled', false);
      // BUG (see 'HTTP/2 connections'): over h2 a client that gives up mid-upload is counted as invalid_argument.
      if (protocol === 'grpc') count('ScoreBatch', protocol, 'invalid_argument', false);
      maybeScored += split.length;
    });

    describe('hand-made requests', () => {
      // Field 4 (consumers), length 5, but only one byte follows.
      const truncated = Uint8Array.of(0x12, 0x0a, ...new TextEncoder().encode('2026-03-02'), 0x22, 0x05, 0x0a);

      it('invalid_argument for a malformed message, in every protocol', async () => {
        const connectProto = await wire('ScoreBatch', 'connect', connectCall(gw.base, 'ScoreBatch', truncated, { 'content-type': 'application/proto', ...AUTH_A }));
        const connectJson = await wire('ScoreBatch', 'connect', connectCall(gw.base, 'ScoreBatch', '{"startDate": "2026-03-02", "consumers": [', { 'content-type': 'application/json', ...AUTH_A }));
        const grpcWeb = await wire('ScoreBatch', 'grpc-web', grpcWebCall(gw.base, 'ScoreBatch', truncated, AUTH_A));
        const grpc = await wire('ScoreBatch', 'grpc', grpcCall(gw.h2, 'ScoreBatch', truncated, AUTH_A));
        expect([connectProto, connectJson].map((o) => [o.httpStatus, o.code])).toEqual([
          [400, 'invalid_argument'],
          [400, 'invalid_argument'],
        ]);
        expect([grpcWeb, grpc].map((o) => [o.httpStatus, o.code])).toEqual([
          [200, 'invalid_argument'],
          [200, 'invalid_argument'],
        ]);
        for (const o of [connectProto, connectJson, grpcWeb, grpc]) expect(o.message).not.toBe('');
        // The server is still well: the next call works.
        expect((await wire('ListRuleSets', 'grpc', grpcCall(gw.h2, 'ListRuleSets', new Uint8Array(), AUTH_A))).code).toBe('ok');
      });

      it('the error codes with their HTTP status (Connect) and grpc-status (gRPC-Web, gRPC)', async () => {
        const cases: { name: string; code: string; message: Uint8Array; headers?: Record<string, string> }[] = [
          { name: 'bad start_date', code: 'invalid_argument', message: toBinary(RequestSchema, small({ startDate: '2026-13-01' })) },
          { name: 'points_per_day 50', code: 'invalid_argument', message: toBinary(RequestSchema, small({ pointsPerDay: 50 })) },
          { name: 'unknown rule set', code: 'not_found', message: toBinary(RequestSchema, small({ ruleSet: 'nope' })) },
          { name: 'another tenant’s rule set', code: 'not_found', message: toBinary(RequestSchema, small({ ruleSet: 'district-b' })) },
          { name: 'no token', code: 'unauthenticated', message: toBinary(RequestSchema, small({})), headers: {} },
          { name: 'wrong token', code: 'unauthenticated', message: toBinary(RequestSchema, small({})), headers: { authorization: 'Bearer x' } },
        ];
        for (const c of cases) {
          const headers = c.headers ?? AUTH_A;
          const connect = await wire('ScoreBatch', 'connect', connectCall(gw.base, 'ScoreBatch', c.message, { 'content-type': 'application/proto', ...headers }));
          const grpcWeb = await wire('ScoreBatch', 'grpc-web', grpcWebCall(gw.base, 'ScoreBatch', c.message, headers));
          const grpc = await wire('ScoreBatch', 'grpc', grpcCall(gw.h2, 'ScoreBatch', c.message, headers));
          expect([c.name, connect.httpStatus, connect.code]).toEqual([c.name, CONNECT_HTTP_STATUS[c.code], c.code]);
          expect([c.name, grpcWeb.httpStatus, grpcWeb.code]).toEqual([c.name, 200, c.code]);
          expect([c.name, grpc.httpStatus, grpc.code, grpc.trailersOnly]).toEqual([c.name, 200, c.code, true]);
        }
      });

      it('unimplemented for an unknown content encoding, in every protocol', async () => {
        const message = toBinary(RequestSchema, small({}));
        const br = new Uint8Array(brotliCompressSync(message));
        const json = new Uint8Array(brotliCompressSync(new TextEncoder().encode(requestJson({ startDate: START_DATE }, tinyConsumers))));
        const connectProto = await wire('ScoreBatch', 'connect', connectCall(gw.base, 'ScoreBatch', br, { 'content-type': 'application/proto', 'content-encoding': 'br', ...AUTH_A }));
        const connectJson = await wire('ScoreBatch', 'connect', connectCall(gw.base, 'ScoreBatch', json, { 'content-type': 'application/json', 'content-encoding': 'br', ...AUTH_A }));
        const framedBr = new Uint8Array(5 + br.byteLength);
        framedBr[0] = 1;
        new DataView(framedBr.buffer).setUint32(1, br.byteLength);
        framedBr.set(br, 5);
        const grpcWeb = await wire('ScoreBatch', 'grpc-web', grpcWebCall(gw.base, 'ScoreBatch', framedBr, { 'grpc-encoding': 'br', ...AUTH_A }, true));
        const grpc = await wire('ScoreBatch', 'grpc', grpcCall(gw.h2, 'ScoreBatch', framedBr, { 'grpc-encoding': 'br', ...AUTH_A }, true));
        expect([connectProto, connectJson].map((o) => [o.httpStatus, o.code])).toEqual([
          [501, 'unimplemented'],
          [501, 'unimplemented'],
        ]);
        expect([grpcWeb.code, grpc.code]).toEqual(['unimplemented', 'unimplemented']);
        // gzip is fine, also for hand-made Connect JSON.
        const gz = new Uint8Array(gzipSync(new TextEncoder().encode(requestJson({ startDate: START_DATE }, tinyConsumers))));
        const ok = await wire('ScoreBatch', 'connect', connectCall(gw.base, 'ScoreBatch', gz, { 'content-type': 'application/json', 'content-encoding': 'gzip', ...AUTH_A }));
        expect([ok.code, ok.message]).toEqual(['ok', '']);
        countScored(decodeJsonResponse(ok.body));
      });

      it('invalid_argument (never the retryable resource_exhausted) for a body over the limit, in every protocol', async () => {
        closeSessions(); // each on a new HTTP/2 connection: see 'HTTP/2 connections'
        const over = overLimitBody();
        const connect = await wire('ScoreBatch', 'connect', connectCall(gw.base, 'ScoreBatch', over, { 'content-type': 'application/proto', ...AUTH_A }));
        const grpcWeb = await wire('ScoreBatch', 'grpc-web', grpcWebCall(gw.base, 'ScoreBatch', over, AUTH_A));
        const grpc = await wire('ScoreBatch', 'grpc', grpcCall(gw.h2, 'ScoreBatch', over, AUTH_A));
        expect([connect.httpStatus, connect.code]).toEqual([400, 'invalid_argument']);
        expect([grpcWeb.code, grpc.code]).toEqual(['invalid_argument', 'invalid_argument']);
        for (const outcome of [connect, grpcWeb, grpc]) expect(outcome.message).toMatch(/larger than the limit of \d+ bytes/);
      });

      it('deadline_exceeded from the server for a deadline that passes while a big batch is read or scored', async () => {
        closeSessions();
        const connect = await wire('ScoreBatch', 'connect', connectCall(gw.base, 'ScoreBatch', splitProto, { 'content-type': 'application/proto', 'connect-timeout-ms': '1', ...AUTH_A }));
        const grpcWeb = await wire('ScoreBatch', 'grpc-web', grpcWebCall(gw.base, 'ScoreBatch', splitProto, { 'grpc-timeout': '1m', ...AUTH_A }));
        const grpc = await wire('ScoreBatch', 'grpc', grpcCall(gw.h2, 'ScoreBatch', splitProto, { 'grpc-timeout': '1m', ...AUTH_A }));
        closeSessions();
        expect([connect.httpStatus, connect.code]).toEqual([504, 'deadline_exceeded']);
        expect([grpcWeb.code, grpc.code]).toEqual(['deadline_exceeded', 'deadline_exceeded']);
        // ... and the same batch without a deadline is scored (the workers survived the aborts).
        const ok = await wire('ScoreBatch', 'grpc', grpcCall(gw.h2, 'ScoreBatch', splitProto, { 'grpc-timeout': '30S', ...AUTH_A }));
        expect([ok.code, ok.message]).toEqual(['ok', '']);
        countScored(decodeResponse(ok.body));
      });
    });
  });

  // An HTTP/2 request that the server answers before reading its whole body, or
  // that the client gives up mid-upload (see gateway/protocols/http2-upload.ts).
  describe('gRPC-Web text mode, as the grpc-web npm client sends it', () => {
    it('answers a batch sent in padded base64 chunks with the binary gRPC-Web answer, base64', async () => {
      const proto = requestBytes(scoreOptions, realistic);
      // Chunks of 1000 bytes: each ends in "==" padding, inside the body.
      const text = await grpcWebTextCall(gw.base, 'ScoreBatch', proto, AUTH_A, 1000);
      count('ScoreBatch', 'grpc-web', text.code);
      const binary = await grpcWebBinaryBody(gw.base, 'ScoreBatch', proto, AUTH_A);
      count('ScoreBatch', 'grpc-web', 'ok');
      expect([text.httpStatus, text.code, text.contentType]).toEqual([200, 'ok', 'application/grpc-web-text+proto']);
      expect(text.decoded).toEqual(binary);
      const response = decodeResponse(text.body);
      expect(response.results.map((r) => r.id)).toEqual(realistic.map((c) => c.id));
      countScored(response);
      countScored(response); // and the binary call's
    });

    it('sends errors in base64 too: a rule set that does not exist, and a body that is not base64', async () => {
      const unknown = await grpcWebTextCall(gw.base, 'ScoreBatch', requestBytes({ ...scoreOptions, ruleSet: 'nope' }, tinyConsumers), AUTH_A);
      count('ScoreBatch', 'grpc-web', unknown.code);
      expect([unknown.httpStatus, unknown.code, unknown.contentType]).toEqual([200, 'not_found', 'application/grpc-web-text+proto']);
      const garbled = await wire('ScoreBatch', 'grpc-web', grpcWebTextCall(gw.base, 'ScoreBatch', 'AAAA*AAA', AUTH_A));
      expect([garbled.code, garbled.message]).toEqual(['invalid_argument', expect.stringMatching(/not valid base64/)]);
    });
  });

  describe('HTTP/2 connections', () => {
    // Node's http2 client refuses an answer (ENHANCE_YOUR_CALM) while over 10 MB
    // of its upload is queued, and never un-counts what a destroyed stream had
    // queued: the server lets a refused upload finish before it answers.
    it('a gRPC connection stays usable after requests refused for their size', async () => {
      const c = client('grpc', {});
      // 28 MB: the client has sent well past what the server read when the refusal comes.
      const over = requestMessage({ startDate: START_DATE }, [...split, ...split, ...split]);
      const outcomes: string[] = [];
      for (const method of ['scoreBatch', 'scoreBatch', 'listRuleSets']) {
        try {
          await c[method]!(method === 'listRuleSets' ? {} : over, { headers: AUTH_A, timeoutMs: 10_000 });
          outcomes.push('ok');
        } catch (error) {
          const err = ConnectError.from(error);
          outcomes.push(`${GRPC_CODE_NAMES[err.code] ?? err.code}${err.code === 13 ? `: ${err.rawMessage}` : ''}`);
        }
      }
      // What the server may have counted (a stream it refused never reached the app).
      count('ScoreBatch', 'grpc', 'invalid_argument', false);
      count('ScoreBatch', 'grpc', 'invalid_argument', false);
      count('ListRuleSets', 'grpc', 'ok', false);
      expect(outcomes).toEqual(['invalid_argument', 'invalid_argument', 'ok']);
    });

    // stream.close(NGHTTP2_CANCEL) ends the body (END_STREAM) before it resets the
    // stream: the server waits briefly for the reset of a body cut short.
    it('a gRPC client that gives up mid-upload is counted as canceled, not as a malformed request', async () => {
      const before = await (await fetch(`${gw.base}/metrics`)).text();
      const labels = (code: string) => ({ method: 'ScoreBatch', protocol: 'grpc', code });
      const session = http2Connect(gw.h2);
      session.on('error', () => {});
      try {
        for (let i = 0; i < 2; i++) {
          const stream = session.request({ ':method': 'POST', ':path': '/gridcode.v1.ScoringService/ScoreBatch', 'content-type': 'application/grpc', te: 'trailers', ...AUTH_A });
          stream.on('error', () => {});
          stream.write(Buffer.concat([Buffer.from([0, 0, 0, 0x10, 0]), Buffer.alloc(100)])); // 100 bytes of a 4,096-byte message
          await new Promise((r) => setTimeout(r, 100));
          stream.close(http2Constants.NGHTTP2_CANCEL);
          count('ScoreBatch', 'grpc', 'canceled', false);
          count('ScoreBatch', 'grpc', 'invalid_argument', false);
        }
        await new Promise((r) => setTimeout(r, 200));
      } finally {
        session.destroy();
      }
      const after = await (await fetch(`${gw.base}/metrics`)).text();
      const delta = (code: string) => valueOf(after, 'gridcode_requests_total', labels(code)) - valueOf(before, 'gridcode_requests_total', labels(code));
      expect({ canceled: delta('canceled'), invalid_argument: delta('invalid_argument') }).toEqual({ canceled: 2, invalid_argument: 0 });
    });
  });

  describe('after the traffic', () => {
    let metrics: string;
    beforeAll(async () => {
      const response = await fetch(`${gw.base}/metrics`);
      expect(response.status).toBe(200);
      metrics = await response.text();
    });

    it('counts every request by method, protocol and code', () => {
      const problems: string[] = [];
      for (const [key, expected] of sent) {
        const [method, protocol, code] = key.split('|') as [string, string, string];
        const value = valueOf(metrics, 'gridcode_requests_total', { method, protocol, code });
        if (value < expected.certain || value > expected.certain + expected.possible) problems.push(`${key}: counted ${value}, sent ${expected.certain}${expected.possible ? ` (+${expected.possible} maybe)` : ''}`);
      }
      for (const sample of samples(metrics, 'gridcode_requests_total')) {
        const key = `${sample.labels['method']}|${sample.labels['protocol']}|${sample.labels['code']}`;
        if (sample.value > 0 && !sent.has(key)) problems.push(`${key}: counted ${sample.value}, sent none`);
      }
      expect(problems).toEqual([]);
      // The ok ones exactly.
      const ok = [...sent].filter(([key]) => key.endsWith('|ok'));
      expect(ok.length).toBeGreaterThanOrEqual(9);
    });

    it('counts the consumers scored, by code', () => {
      const byCode = (code: string) => valueOf(metrics, 'gridcode_consumers_scored_total', { code });
      const total = byCode('green') + byCode('yellow') + byCode('red') + byCode('gray');
      expect(total).toBeGreaterThanOrEqual(scored.total);
      expect(total).toBeLessThanOrEqual(scored.total + maybeScored);
      if (total === scored.total) {
        expect({ green: byCode('green'), yellow: byCode('yellow'), red: byCode('red'), gray: byCode('gray') }).toEqual({ green: scored.green, yellow: scored.yellow, red: scored.red, gray: scored.gray });
      }
      expect(scored.total).toBeGreaterThan(3 * realistic.length + 2 * split.length);
    });

    it('passes promtool check metrics', (context) => {
      if (spawnSync('promtool', ['--version']).status !== 0) {
        console.warn('e2e.test: promtool is not installed: skipping promtool check metrics');
        context.skip();
      }
      const check = spawnSync('promtool', ['check', 'metrics'], { input: metrics, encoding: 'utf8' });
      expect(`${check.stdout}${check.stderr}`.trim()).toBe('');
      expect(check.status).toBe(0);
    });

    it('drains and exits 0 on SIGTERM, with no token in its logs', async () => {
      // A client closes its connections in the end: the gateway must then drain them all.
      closeClients();
      const status = await gw.stop();
      const drain = gw.stderr().split('\n').filter((l) => /drain|shutdown|stopped|timeout/.test(l));
      expect({ status, drain }).toEqual({ status: 0, drain: expect.anything() });
      expect(gw.stderr()).not.toContain(TOKEN_A);
      expect(gw.stderr()).not.toContain(TOKEN_B);
    });
  });
});

/** The consumers of a JSON ScoreBatchRequest as the server reads them: enums by name, floats as float32. */
function jsonConsumers(json: string): ConsumerData[] {
  const float = (v: unknown) => Math.fround(typeof v === 'string' ? Number(v) : (v as number));
  const parsed = JSON.parse(json) as { consumers: Record<string, unknown>[] };
  return parsed.consumers.map((c) => ({
    id: c['id'] as string,
    category: c['category'] === undefined ? 0 : CATEGORY.indexOf(c['category'] as (typeof CATEGORY)[number]),
    zone: c['zone'] === undefined ? 0 : ZONE.indexOf(c['zone'] as (typeof ZONE)[number]),
    capacityKw: c['capacityKw'] === undefined ? 0 : float(c['capacityKw']),
    loadKw: ((c['loadKw'] ?? []) as unknown[]).map(float),
    waterM3: ((c['waterM3'] ?? []) as unknown[]).map(float),
  }));
}

/** A ScoreBatchRequest just over the body limit (real curves: it does not compress much). */
let overLimitCache: Uint8Array | undefined;
function overLimitBody(): Uint8Array {
  if (overLimitCache) return overLimitCache;
  const consumers: ConsumerData[] = [];
  let bytes = 0;
  for (let i = 0; bytes <= MAX_BODY + 64 * 1024; i++) {
    const c = split[i % split.length]!;
    consumers.push({ ...c, id: `${c.id}-${i}` });
    bytes += c.loadKw.length * 4 + 64;
  }
  overLimitCache = requestBytes({ startDate: START_DATE }, consumers);
  if (overLimitCache.byteLength <= MAX_BODY) throw new Error('the over-limit body is not over the limit');
  return overLimitCache;
}

/** Zero curves: over the limit when inflated, a few hundred KB gzipped. */
function zeroBatch(): Message {
  const zeros = new Array<number>(DAYS * 96).fill(0);
  // Zeros are 4 bytes each in protobuf, 2 ("0,") in JSON: over the limit in both.
  const count = Math.ceil(MAX_BODY / (zeros.length * 2)) + 1;
  return requestMessage({ startDate: START_DATE }, Array.from({ length: count }, (_, i) => ({ id: `zero-${i}`, category: 1, zone: 1, capacityKw: 8, loadKw: zeros, waterM3: [] })));
}
