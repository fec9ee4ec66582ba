// Faults seen by a client, in-process: createApp(...).request() over the real
// service and a real pool whose workers are the compiled worker wrapped by
// tests/support/gateway/faulty-worker.mjs (run `npm run build:ts` first). A worker
// that dies or traps mid-batch costs that request `internal` with a generic
// message (the detail and the request id go to the log) and nothing else;
// rule-set names from requests never reach the file system.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gridcode } from '#gen/scoring.js';
import { compileEngine, RuleSetRegistry, type RegistryEvent } from '../engine/src/index.js';
import { createApp } from './app.js';
import { GatewayMetrics } from './ops/metrics.js';
import { FAULTY_WORKER, faultBatch, runForeign } from '../tests/support/gateway/fault-batches.js';
import { createScoringPool, type ScoringPool } from './pool/pool.js';
import { createScoringService } from './service/scoring-service.js';
import type { Tenant } from './rpc/types.js';
import { BodyArena } from './service/body-arena.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const OPS: Tenant = { id: 'ops', ruleSets: '*', defaultRuleSet: 'default' };
const OUTSIDE = `id: outside
version: "1"
thresholds: { yellow: 40, red: 70 }
rules:
  - id: any
    when: mean_kw > 0
    score: 100
`;

let home: string;
let registry: RuleSetRegistry;
let pool: ScoringPool;
const events: RegistryEvent[] = [];
const logged: { fields: Record<string, unknown>; message: string }[] = [];
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'gridcode-faults-'));
  const dir = join(home, 'rules');
  mkdirSync(dir);
  copyFileSync(join(root, 'rules/default.yaml'), join(dir, 'default.yaml'));
  // What a path-like rule-set name would reach if names were paths.
  writeFileSync(join(home, 'outside.yaml'), OUTSIDE);
  writeFileSync(join(home, 'x'), OUTSIDE);
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
  registry = await RuleSetRegistry.open({ dir, watch: false, logger: quiet, onEvent: (event) => events.push(event) });
  pool = await createScoringPool({ threads: 2, module: await compileEngine(), workerFile: FAULTY_WORKER, logger: quiet });
  // Batches from 1 byte on are split over both workers (a SharedArrayBuffer body, k parts).
  const service = createScoringService({ pool, registry, logger: quiet, limits: { splitThresholdBytes: 1 } });
  app = createApp({
    service,
    authenticate: () => OPS,
    logger: { error: (fields, message) => logged.push({ fields, message }) },
    // Every body a shared slab, recycled: a part failing must not hand a slab to another request while a worker reads it.
    bodies: new BodyArena({ retainBytes: 1 << 30, minSlabBytes: 1 }),
  });
});
afterAll(async () => {
  await pool?.close();
  await registry?.close();
  rmSync(home, { recursive: true, force: true });
});

async function scoreBatch(bytes: Uint8Array, requestId: string) {
  const res = await app.request('http://gw/gridcode.v1.ScoringService/ScoreBatch', {
    method: 'POST',
    body: bytes as Uint8Array<ArrayBuffer>,
    headers: { authorization: 'Bearer x', 'content-type': 'application/proto', 'connect-protocol-version': '1', 'x-request-id': requestId },
  });
  const body = new Uint8Array(await res.arrayBuffer());
  if (res.status === 200) return { status: 200, response: gridcode.v1.ScoreBatchResponse.decode(body) };
  return { status: res.status, error: JSON.parse(new TextDecoder().decode(body)) as { code: string; message: string } };
}

describe('a worker fault in the middle of a split batch', () => {
  it.each([
    ['exits', 'fault:exit', /exited with code: 3/, 1],
    ['throws outside the task', 'fault:throw', /thrown outside the task/, 1],
    ['traps in WebAssembly', 'fault:trap', /RuntimeError: memory access out of bounds/, 0],
  ])('a worker that %s: internal for that request only, the detail in the log, the next request scored', async (_, fault, detail, deaths) => {
    const deathsBefore = pool.stats().workerDeaths;
    const requestId = `fault-${fault.slice(6)}`;
    // Consumers 0-1 go to part 0, 2-3 to part 1: only part 0 meets the fault; part 1 is aborted.
    const failed = await scoreBatch(faultBatch(['c0', fault, 'c2', 'c3']), requestId);
    expect(failed.status).toBe(500);
    expect(failed.error).toEqual({ code: 'internal', message: `internal error (request id ${requestId})` });
    const entry = logged.find((log) => log.fields.requestId === requestId);
    expect(entry).toBeDefined();
    expect(String((entry!.fields.err as Error).message)).toMatch(detail);
    expect(pool.stats().workerDeaths - deathsBefore).toBe(deaths);
    const metrics = new GatewayMetrics({ poolStats: () => pool.stats(), processMetrics: false });
    expect(await metrics.metrics()).toMatch(new RegExp(`^gridcode_worker_restarts_total ${pool.stats().workerDeaths}$`, 'm'));
    const next = await scoreBatch(faultBatch(['c0', 'c1', 'c2', 'c3']), `${requestId}-next`);
    expect(next.status).toBe(200);
    expect(next.response!.results.map((r) => r.id)).toEqual(['c0', 'c1', 'c2', 'c3']);
  });
});

describe('splitting a batch', () => {
  it('splits across both workers while both are idle; with one busy, the batch goes whole to the other', async () => {
    const bytes = faultBatch(['c0', 'c1', 'c2', 'c3']);
    let before = pool.stats().completed;
    const split = await scoreBatch(bytes, 'split-idle');
    expect(split.status).toBe(200);
    expect(pool.stats().completed - before).toBe(2); // one task per part
    before = pool.stats().completed;
    const busy = runForeign(pool, { kind: 'fault-sleep', ms: 300 });
    const whole = await scoreBatch(bytes, 'split-busy');
    await busy;
    expect(whole.status).toBe(200);
    expect(whole.response!.results).toEqual(split.response!.results);
    expect(pool.stats().completed - before).toBe(2); // the sleep, and the batch in one task
  });
});

describe('rule-set names from requests', () => {
  it.each([['../../etc/passwd'], ['../outside'], ['../outside.yaml'], ['default@../x'], ['default@../../rules/default.yaml'], ['outside'], ['default\0'], ['de\0fault@2026.11.1'], ['/etc/passwd']])(
    '%j is looked up in memory: not_found, nothing read',
    async (ref) => {
      const seen = events.length;
      const answer = await scoreBatch(faultBatch(['c0'], ref), 'ref');
      expect(answer.status).toBe(404);
      expect(answer.error!.code).toBe('not_found');
      // The message lists what is loaded: the default only, never a file's content from outside.
      expect(answer.error!.message).toMatch(/available: default@/);
      expect(answer.error!.message).not.toMatch(/outside@|any/);
      expect(() => registry.resolve(ref)).toThrow(/no rule set/);
      expect((await registry.reload()).list().map((r) => r.id)).toEqual(['default']);
      expect(events.length).toBe(seen);
    },
  );
});
