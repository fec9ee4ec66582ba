// A gateway set up so that every series of the Grafana dashboard and the
// alert rules has data, and the traffic that gives it data: for the test that
// every metric they name is exported (tests/ops/monitoring-names.e2e.test.ts)
// and for bench/monitoring, which evaluates the panels against Prometheus.
//
// The setup: a rules directory with the default rule set and one broken file
// (gridcode_rule_files_broken, gridcode_rule_set_load_failures_total), a
// tokens file of two tenants (gridcode_tenant_requests_total), one worker,
// a queue of 1 and a 4 MiB byte budget (so that a burst is refused). The
// traffic: Connect JSON calls over HTTP/1.1 that score, list, fail
// (invalid_argument, not_found, unauthenticated) and burst.
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../engine/src/package-root.js';
import { hashToken } from '../gateway/ops/tenants.js';
import { knownConsumers, requestJson } from './score-requests.js';

const SERVICE = '/gridcode.v1.ScoringService/';
/** 2026-11-02 is a Monday: knownConsumers' weekday 0. */
const START = '2026-11-02';

export interface MonitoringLab {
  /** Flags for `node dist/gateway/main.js` (startGatewayProcess adds the ports). */
  readonly args: readonly string[];
  /** Tenant id → bearer token. */
  readonly tokens: Readonly<Record<string, string>>;
  remove(): Promise<void>;
}

export async function monitoringLab(): Promise<MonitoringLab> {
  const dir = await mkdtemp(join(tmpdir(), 'gridcode-monitoring-'));
  const rules = join(dir, 'rules');
  await mkdir(rules);
  await copyFile(join(packageRoot, 'rules', 'default.yaml'), join(rules, 'default.yaml'));
  await writeFile(join(rules, 'broken.yaml'), 'id: broken\nversion: 1\nrules: [this is not a rule\n');
  const tokens = { 'district-a': 'token-of-district-a', 'district-b': 'token-of-district-b' };
  const tenants = Object.entries(tokens).map(([id, token]) => `  - id: ${id}\n    tokens: ["${hashToken(token)}"]\n    rule_sets: "*"\n`);
  await writeFile(join(dir, 'tokens.yaml'), `tenants:\n${tenants.join('')}`);
  return {
    args: ['--rules-dir', rules, '--tokens-file', join(dir, 'tokens.yaml'), '--workers', '1', '--max-queue', '1', '--max-body-bytes', '4MiB', '--max-inflight-bytes', '4MiB', '--log-level', 'error'],
    tokens,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Codes of the answers of one round, `method code` → count. */
export type RoundCounts = Map<string, number>;

async function call(base: string, method: string, body: string, token: string | undefined, counts: RoundCounts): Promise<void> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  let code: string;
  try {
    const response = await fetch(base + SERVICE + method, { method: 'POST', headers, body });
    const text = await response.text();
    code = response.ok ? 'ok' : String((JSON.parse(text) as { code?: unknown }).code ?? response.status);
  } catch (error) {
    code = `no answer (${(error as Error).message})`;
  }
  const key = `${method} ${code}`;
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

const small = requestJson({ startDate: START }, knownConsumers(14, 0));
/** About 3 MB of JSON (weighted thrice: the whole byte budget), ~0.1 s of scoring. */
const large = repeated(60);

function repeated(times: number): string {
  return requestJson({ startDate: START }, Array.from({ length: times }, (_, k) => knownConsumers(14, 0).map((c) => ({ ...c, id: `${c.id}-${k}` }))).flat());
}

/**
 * One round of calls: per tenant a scored batch (rule hits, every code),
 * a ListRuleSets, an invalid and an unknown-rule-set batch; one call without
 * a token; then, with `burst`, four large batches at once (one is scored,
 * the others refused: inflight_bytes).
 * (queue_full is not reached this way: the byte budget refuses first.)
 */
export async function trafficRound(base: string, tokens: Readonly<Record<string, string>>, burst: boolean, counts: RoundCounts = new Map()): Promise<RoundCounts> {
  for (const token of Object.values(tokens)) {
    await call(base, 'ScoreBatch', small, token, counts);
    await call(base, 'ListRuleSets', '{}', token, counts);
    await call(base, 'ScoreBatch', '{"startDate":"not a date","consumers":[]}', token, counts);
    await call(base, 'ScoreBatch', requestJson({ startDate: START, ruleSet: 'no-such-rule-set' }, knownConsumers(7, 0).slice(0, 1)), token, counts);
  }
  await call(base, 'ListRuleSets', '{}', undefined, counts);
  if (burst) {
    const first = Object.values(tokens)[0];
    await Promise.all(Array.from({ length: 4 }, () => call(base, 'ScoreBatch', large, first, counts)));
  }
  return counts;
}
