// /metrics as an SRE runs it (issue 16): the built gateway with tenants, /metrics
// on a listener of its own behind a metrics token, and the metrics that were
// missing, read from real scrapes: the build, requests by tenant (counted here
// by what the client saw), a rule file broken then fixed (gauge 1, then 0), a
// tokens file broken on SIGHUP (counter +1, the old tokens still work), a
// tenant removed by a reload (its series gone). Every scrape passes
// `promtool check metrics` when promtool is installed. Needs the build.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { packageRoot } from '../engine/src/package-root.js';
import { MAIN, startGatewayProcess, type GatewayProcess } from '../lib/gateway-process.js';
import { samples, valueOf } from '../lib/prometheus-text.js';
import { hashToken } from './ops/tenants.js';

const TOKEN_A = `ma-${randomBytes(12).toString('hex')}`;
const TOKEN_B = `mb-${randomBytes(12).toString('hex')}`;
const SCRAPE_TOKEN = `scrape-${randomBytes(12).toString('hex')}`;
const COMMIT = randomBytes(20).toString('hex');
const hasPromtool = spawnSync('promtool', ['--version']).status === 0;
if (!hasPromtool) console.warn('metrics.e2e: promtool not found, scrapes are not checked with `promtool check metrics` (apt-get install prometheus)');

let gw: GatewayProcess;
let tmp: string;
let metricsUrl: string;
let tokensFile: string;
let rulesDir: string;

const tenantsYaml = (tenants: readonly [string, string][]) =>
  ['tenants:', ...tenants.flatMap(([id, token]) => [`  - id: ${id}`, `    tokens: ["${hashToken(token)}"]`, '    rule_sets: [default]'])].join('\n') + '\n';

async function scrape(): Promise<string> {
  const res = await fetch(metricsUrl, { headers: { authorization: `Bearer ${SCRAPE_TOKEN}` } });
  expect(res.status).toBe(200);
  const text = await res.text();
  if (hasPromtool) {
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(`${check.stdout}${check.stderr}`.trim()).toBe('');
  }
  return text;
}

/** A Connect JSON call; its error code, or ok. */
async function rpc(method: string, body: unknown, token: string | undefined): Promise<string> {
  const res = await fetch(`${gw.base}/gridcode.v1.ScoringService/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { code?: string };
  return res.status === 200 ? 'ok' : (json.code ?? `http ${res.status}`);
}

describe('/metrics on its own listener, with a token, and the metrics that were missing', () => {
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'gridcode-metrics-'));
    rulesDir = join(tmp, 'rules');
    await mkdir(rulesDir);
    await writeFile(join(rulesDir, 'default.yaml'), await readFile(join(packageRoot, 'rules', 'default.yaml'), 'utf8'));
    tokensFile = join(tmp, 'tokens.yaml');
    await writeFile(tokensFile, tenantsYaml([['district-a', TOKEN_A], ['district-b', TOKEN_B]]));
    const metricsTokenFile = join(tmp, 'metrics-token.yaml');
    await writeFile(metricsTokenFile, `tokens: ["${hashToken(SCRAPE_TOKEN)}"]\n`);
    process.env['GRIDCODE_COMMIT'] = COMMIT; // the child inherits it
    const args = ['--workers', '1', '--tokens-file', tokensFile, '--rules-dir', rulesDir, '--metrics-port', '0', '--metrics-token-file', metricsTokenFile, '--log-level', 'warn'];
    gw = await startGatewayProcess(args);
    metricsUrl = /, metrics (http:\/\/127\.0\.0\.1:\d+\/metrics)$/.exec(gw.readyLine)![1]!;
  }, 60_000);

  afterAll(async () => {
    if (gw) await gw.stop(5_000);
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('serves /metrics only on the metrics port, and only with the metrics token', async () => {
    expect((await fetch(`${gw.base}/metrics`)).status).toBe(404);
    expect((await fetch(`${gw.base}/metrics`, { headers: { authorization: `Bearer ${SCRAPE_TOKEN}` } })).status).toBe(404);
    expect((await fetch(`${gw.base}/readyz`)).status).toBe(200); // load balancers still find it where it was
    for (const authorization of [undefined, `Bearer ${TOKEN_A}`, `Bearer ${hashToken(SCRAPE_TOKEN)}`, SCRAPE_TOKEN]) {
      const res = await fetch(metricsUrl, authorization === undefined ? {} : { headers: { authorization } });
      expect([authorization, res.status, res.headers.get('www-authenticate')]).toEqual([authorization, 401, 'Bearer realm="metrics"']);
      expect(await res.text()).not.toContain('gridcode_');
    }
    expect((await fetch(metricsUrl.replace(/\/metrics$/, '/readyz'))).status).toBe(404);
    expect(await scrape()).toMatch(/^gridcode_ready 1$/m);
  });

  it('refuses to start with /metrics on a public address without a metrics token (status 2, the ways out named)', () => {
    for (const args of [['--host', '0.0.0.0', '--tokens-file', tokensFile], ['--metrics-port', '0', '--metrics-host', '0.0.0.0']]) {
      const refused = spawnSync(process.execPath, [MAIN, '--port', '0', '--grpc-port', '0', ...args], { encoding: 'utf8' });
      expect([args.join(' '), refused.status]).toEqual([args.join(' '), 2]);
      expect(refused.stderr).toMatch(/refusing to serve \/metrics on 0\.0\.0\.0 without a metrics token.*--metrics-token-file.*--insecure-no-auth/);
    }
  });

  it('warns at start when --insecure-no-auth opens /metrics to the network, and not when it is on loopback', async () => {
    const open = await startGatewayProcess(['--port', '0', '--grpc-port', '0', '--metrics-port', '0', '--metrics-host', '0.0.0.0', '--insecure-no-auth', '--log-level', 'warn']);
    const closed = await startGatewayProcess(['--port', '0', '--grpc-port', '0', '--insecure-no-auth', '--log-level', 'warn']);
    try {
      expect(open.stderr()).toMatch(/\/metrics is served on 0\.0\.0\.0 without a metrics token \(--insecure-no-auth\)/);
      expect(closed.stderr()).not.toMatch(/\/metrics is served on/);
    } finally {
      await Promise.all([open.stop(), closed.stop()]);
    }
  });

  it('says which build runs', async () => {
    const version = (JSON.parse(await readFile(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
    expect(samples(await scrape(), 'gridcode_build_info')).toEqual([{ labels: { version, commit: COMMIT, node: process.version }, value: 1 }]);
  });

  it('counts requests by tenant as the clients saw them; calls without a valid token are no tenant’s', async () => {
    const seen = new Map<string, number>();
    const count = (tenant: string, code: string) => seen.set(`${tenant} ${code}`, (seen.get(`${tenant} ${code}`) ?? 0) + 1);
    for (let i = 0; i < 3; i++) count('district-a', await rpc('ListRuleSets', {}, TOKEN_A));
    count('district-b', await rpc('ListRuleSets', {}, TOKEN_B));
    count('district-b', await rpc('ScoreBatch', { ruleSet: 'no-such-set', startDate: '2026-03-02', pointsPerDay: 96 }, TOKEN_B));
    expect(await rpc('ListRuleSets', {}, 'not-a-token')).toBe('unauthenticated');
    expect(await rpc('ListRuleSets', {}, undefined)).toBe('unauthenticated');
    expect(seen.get('district-b not_found')).toBe(1);
    const text = await scrape();
    const counted = samples(text, 'gridcode_tenant_requests_total').filter((s) => s.value > 0);
    expect(new Map(counted.map((s) => [`${s.labels['tenant']} ${s.labels['code']}`, s.value]))).toEqual(seen);
    expect(valueOf(text, 'gridcode_requests_total', { code: 'unauthenticated' })).toBe(2);
  });

  it('shows a broken rule file at 1 until it is fixed, then 0', async () => {
    expect(valueOf(await scrape(), 'gridcode_rule_files_broken')).toBe(0);
    const file = join(rulesDir, 'extra.yaml');
    await writeFile(file, 'id: extra\nversion: 1.0.0\nrules: [this is not a rule\n');
    await vi.waitFor(async () => expect(valueOf(await scrape(), 'gridcode_rule_files_broken')).toBe(1), { timeout: 10_000, interval: 100 });
    const fixed = (await readFile(join(rulesDir, 'default.yaml'), 'utf8')).replace(/^id: default$/m, 'id: extra');
    await writeFile(file, fixed);
    await vi.waitFor(async () => expect(valueOf(await scrape(), 'gridcode_rule_files_broken')).toBe(0), { timeout: 10_000, interval: 100 });
    expect(samples(await scrape(), 'gridcode_rule_set_info').map((s) => s.labels['id']).sort()).toEqual(['default', 'extra']);
  });

  it('counts a tokens file broken on SIGHUP and keeps the old tokens; a tenant a reload removes loses its series', async () => {
    expect(valueOf(await scrape(), 'gridcode_tokens_reload_failures_total')).toBe(0);
    await writeFile(tokensFile, 'tenants:\n  - id: district-a\n    tokens: [plain-token-not-a-hash]\n');
    gw.child.kill('SIGHUP');
    await vi.waitFor(async () => expect(valueOf(await scrape(), 'gridcode_tokens_reload_failures_total')).toBe(1), { timeout: 10_000, interval: 100 });
    expect([await rpc('ListRuleSets', {}, TOKEN_A), await rpc('ListRuleSets', {}, TOKEN_B)]).toEqual(['ok', 'ok']);

    await writeFile(tokensFile, tenantsYaml([['district-a', TOKEN_A]]));
    gw.child.kill('SIGHUP');
    await vi.waitFor(async () => expect(await rpc('ListRuleSets', {}, TOKEN_B)).toBe('unauthenticated'), { timeout: 10_000, interval: 100 });
    const text = await scrape();
    expect(valueOf(text, 'gridcode_tokens_reload_failures_total')).toBe(1);
    expect(samples(text, 'gridcode_tenant_requests_total').some((s) => s.labels['tenant'] === 'district-b')).toBe(false);
    expect(valueOf(text, 'gridcode_tenant_requests_total', { tenant: 'district-a', code: 'ok' })).toBeGreaterThan(0);
  });
});
