import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../engine/src/package-root.js';
import { describe, expect, it } from 'vitest';
import type { CompiledRuleSet, RegistryEvent } from '../../engine/src/index.js';
import type { FileStatus } from '../../engine/src/index.js';
import { ERROR_CODES } from '../rpc/codes.js';
import { readBuildInfo } from './build-info.js';
import { GatewayMetrics, REJECTED_DEFAULT_METRICS } from './metrics.js';

interface Family {
  type: string;
  help: string;
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

/** A small parser of the Prometheus text format (0.0.4), enough to check names, types and values. */
function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const familyOf = (sample: string): Family | undefined => {
    for (const suffix of ['', '_bucket', '_sum', '_count']) {
      if (suffix && !sample.endsWith(suffix)) continue;
      const family = families.get(sample.slice(0, sample.length - suffix.length));
      if (family) return family;
    }
    return undefined;
  };
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta) {
      const [, kind, name, rest] = meta as unknown as [string, string, string, string];
      const family = families.get(name) ?? { type: '', help: '', samples: [] };
      if (kind === 'TYPE') family.type = rest;
      else family.help = rest;
      families.set(name, family);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!sample) throw new Error(`not a sample line: ${line}`);
    const [, name, labelText, value] = sample as unknown as [string, string, string | undefined, string];
    const labels: Record<string, string> = {};
    for (const m of (labelText ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[m[1]!] = m[2]!;
    const family = familyOf(name);
    if (!family) throw new Error(`sample ${name} has no # TYPE`);
    family.samples.push({ name, labels, value: Number(value) });
  }
  return families;
}

const ruleSet = { id: 'default', version: '2026.11.0', digest: 'ab'.repeat(32) } as CompiledRuleSet;

function exercised(): GatewayMetrics {
  const metrics = new GatewayMetrics({
    poolStats: () => ({ queueSize: 3, busySeconds: 12.5, threads: 2 }),
    ruleSets: () => [ruleSet],
    ruleFiles: () => [{ file: 'broken.yaml', current: false, failures: 1 }],
    ready: () => true,
    buildInfo: { version: '1.2.3', commit: 'ab12cd3', node: 'v20.20.0' },
  });
  metrics.setTenants(['district-a']);
  metrics.observeRequest({ method: 'ScoreBatch', protocol: 'connect', code: 'ok', seconds: 0.12, tenant: 'district-a' });
  metrics.observeRequest({ method: 'ScoreBatch', protocol: 'grpc', code: 'invalid_argument', seconds: 0.001 });
  metrics.observeRequest({ method: '/etc/passwd', protocol: 'carrier-pigeon', code: 'teapot', seconds: 0.5 });
  metrics.observeBatch({ ruleSet: 'default', consumers: 10, codes: { green: 7, yellow: 1, red: 1, gray: 1 }, ruleHits: { night_shift: 2, flat_load: 0 }, engineSeconds: 0.01 });
  metrics.onRegistryEvent({ type: 'failed', file: 'broken.yaml', error: 'x', diagnostics: [], failures: 1 } satisfies RegistryEvent);
  metrics.onRegistryEvent({ type: 'loaded', file: 'default.yaml', ruleSet } satisfies RegistryEvent);
  return metrics;
}

describe('GET /metrics exposition', () => {
  it('has the gateway metrics with the right types', async () => {
    const families = parseExposition(await exercised().metrics());
    const expected: Record<string, string> = {
      gridcode_requests_total: 'counter',
      gridcode_request_duration_seconds: 'histogram',
      gridcode_consumers_scored_total: 'counter',
      gridcode_batch_consumers: 'histogram',
      gridcode_engine_seconds: 'histogram',
      gridcode_pool_queue_depth: 'gauge',
      gridcode_pool_busy_seconds_total: 'counter',
      gridcode_pool_workers: 'gauge',
      gridcode_rule_hits_total: 'counter',
      gridcode_rule_set_info: 'gauge',
      gridcode_rule_set_load_failures_total: 'counter',
      gridcode_rule_set_loads_total: 'counter',
      gridcode_ready: 'gauge',
      gridcode_build_info: 'gauge',
      gridcode_tokens_reload_failures_total: 'counter',
      gridcode_rule_files_broken: 'gauge',
      gridcode_tenant_requests_total: 'counter',
      process_cpu_seconds_total: 'counter',
      process_resident_memory_bytes: 'gauge',
      nodejs_eventloop_lag_seconds: 'gauge',
      nodejs_heap_size_used_bytes: 'gauge',
    };
    for (const [name, type] of Object.entries(expected)) expect(families.get(name)?.type, name).toBe(type);
  });

  it('follows the naming conventions: _total exactly on counters, help on every family', async () => {
    const families = parseExposition(await exercised().metrics());
    for (const [name, family] of families) {
      expect(name).toMatch(/^[a-z_][a-z0-9_]*$/);
      expect(family.help, name).not.toBe('');
      if (family.type === 'counter') expect(name, name).toMatch(/_total$/);
      else expect(name, `${name} is a ${family.type}`).not.toMatch(/_total$/);
      if (name.startsWith('gridcode_') && /duration|seconds|time/.test(name)) expect(name).toMatch(family.type === 'counter' ? /_seconds_total$/ : /_seconds$/);
    }
  });

  it('leaves out the default gauges promtool rejects', async () => {
    const text = await exercised().metrics();
    for (const name of REJECTED_DEFAULT_METRICS) expect(text).not.toContain(name);
    expect(text).toMatch(/^# TYPE nodejs_active_handles gauge$/m); // the conforming twin stays
  });

  it('counts requests, batches, rule hits and registry events with bounded labels', async () => {
    const families = parseExposition(await exercised().metrics());
    const value = (family: string, labels: Record<string, string>, name = family) =>
      families.get(family)?.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    expect(value('gridcode_requests_total', { method: 'ScoreBatch', protocol: 'connect', code: 'ok' })).toBe(1);
    expect(value('gridcode_requests_total', { method: 'ScoreBatch', protocol: 'grpc', code: 'invalid_argument' })).toBe(1);
    expect(value('gridcode_requests_total', { method: 'other', protocol: 'other', code: 'unknown' })).toBe(1);
    expect(value('gridcode_request_duration_seconds', { method: 'ScoreBatch', protocol: 'connect' }, 'gridcode_request_duration_seconds_count')).toBe(1);
    expect(value('gridcode_consumers_scored_total', { code: 'green' })).toBe(7);
    expect(value('gridcode_consumers_scored_total', { code: 'gray' })).toBe(1);
    expect(value('gridcode_batch_consumers', {}, 'gridcode_batch_consumers_sum')).toBe(10);
    expect(value('gridcode_engine_seconds', {}, 'gridcode_engine_seconds_count')).toBe(1);
    expect(value('gridcode_rule_hits_total', { rule_set: 'default', rule: 'night_shift' })).toBe(2);
    expect(families.get('gridcode_rule_hits_total')?.samples.some((s) => s.labels['rule'] === 'flat_load')).toBe(false);
    expect(value('gridcode_rule_set_info', { id: 'default', version: '2026.11.0', digest: 'ab'.repeat(32) })).toBe(1);
    expect(value('gridcode_rule_set_load_failures_total', { file: 'broken.yaml' })).toBe(1);
    expect(value('gridcode_rule_set_load_failures_total', { file: 'default.yaml' })).toBe(0);
    expect(value('gridcode_pool_queue_depth', {})).toBe(3);
    expect(value('gridcode_pool_busy_seconds_total', {})).toBe(12.5);
    expect(value('gridcode_pool_workers', {})).toBe(2);
    expect(value('gridcode_ready', {})).toBe(1);
    expect(value('gridcode_build_info', { version: '1.2.3', commit: 'ab12cd3', node: 'v20.20.0' })).toBe(1);
    expect(value('gridcode_rule_files_broken', {})).toBe(1);
    expect(value('gridcode_tokens_reload_failures_total', {})).toBe(0);
    expect(value('gridcode_tenant_requests_total', { tenant: 'district-a', code: 'ok' })).toBe(1);
  });

  /** Every sample of a family, as `labels value` lines sorted, for whole-set comparisons. */
  const samplesOf = async (metrics: GatewayMetrics, family: string) =>
    (parseExposition(await metrics.metrics()).get(family)?.samples ?? []).map((s) => `${JSON.stringify(s.labels)} ${s.value}`).sort();

  it('counts requests by tenant only for the tenants of the tokens file, and drops a removed tenant', async () => {
    const metrics = new GatewayMetrics({ processMetrics: false });
    metrics.setTenants(['district-a', 'district-b']);
    const observe = (tenant: string | undefined, code: string) => metrics.observeRequest({ method: 'ScoreBatch', protocol: 'grpc', code, seconds: 0, ...(tenant === undefined ? {} : { tenant }) });
    observe('district-a', 'ok');
    observe('district-a', 'ok');
    observe('district-b', 'not_found');
    observe(undefined, 'unauthenticated'); // no tenant: not any tenant's traffic
    observe('intruder', 'ok'); // never in the file: no series
    observe('district-b', 'teapot'); // codes stay bounded like gridcode_requests_total's
    expect(await samplesOf(metrics, 'gridcode_tenant_requests_total')).toEqual(
      [
        '{"tenant":"district-a","code":"ok"} 2',
        '{"tenant":"district-b","code":"ok"} 0',
        '{"tenant":"district-b","code":"not_found"} 1',
        '{"tenant":"district-b","code":"unknown"} 1',
      ].sort(),
    );
    // A reload without district-b: its series go, and a late answer for it is not counted.
    metrics.setTenants(['district-a', 'district-c']);
    observe('district-b', 'ok');
    observe('district-a', 'ok');
    expect(await samplesOf(metrics, 'gridcode_tenant_requests_total')).toEqual(['{"tenant":"district-a","code":"ok"} 3', '{"tenant":"district-c","code":"ok"} 0'].sort());
    // However many requests, the series are bounded by tenants × (ok + error codes).
    for (let i = 0; i < 500; i++) observe(`tenant-${i}`, 'ok');
    expect((await samplesOf(metrics, 'gridcode_tenant_requests_total')).length).toBeLessThanOrEqual(2 * (1 + Object.keys(ERROR_CODES).length));
  });

  it('calls every authenticated call anonymous without a tokens file', async () => {
    const metrics = new GatewayMetrics({ processMetrics: false });
    metrics.setTenants(undefined);
    metrics.observeRequest({ method: 'ListRuleSets', protocol: 'connect', code: 'ok', seconds: 0, tenant: 'local' });
    metrics.observeRequest({ method: 'ScoreBatch', protocol: 'connect', code: 'invalid_argument', seconds: 0, tenant: 'local' });
    metrics.observeRequest({ method: 'ScoreBatch', protocol: 'connect', code: 'invalid_argument', seconds: 0 });
    expect(await samplesOf(metrics, 'gridcode_tenant_requests_total')).toEqual(['{"tenant":"anonymous","code":"ok"} 1', '{"tenant":"anonymous","code":"invalid_argument"} 1'].sort());
  });

  it('counts rule files whose last load failed, at scrape time, back to 0 once fixed', async () => {
    let files: FileStatus[] = [
      { file: 'default.yaml', current: true, failures: 0 },
      { file: 'a.yaml', current: false, failures: 2, lastError: 'x' },
      { file: 'b.yaml', current: false, failures: 1, lastError: 'y' },
      { file: 'new.yaml', current: false, failures: 0 }, // being read for the first time: not failed
      { file: 'fixed.yaml', current: true, failures: 3 }, // failed before, loads now
    ];
    const metrics = new GatewayMetrics({ processMetrics: false, ruleFiles: () => files });
    const broken = files.filter((f) => f.file === 'a.yaml' || f.file === 'b.yaml').length;
    expect(await samplesOf(metrics, 'gridcode_rule_files_broken')).toEqual([`{} ${broken}`]);
    files = files.map((f) => ({ ...f, current: true }));
    expect(await samplesOf(metrics, 'gridcode_rule_files_broken')).toEqual(['{} 0']);
  });

  it('counts failed token rereads', async () => {
    const metrics = new GatewayMetrics({ processMetrics: false });
    metrics.observeTokensReloadFailure();
    metrics.observeTokensReloadFailure();
    expect(await samplesOf(metrics, 'gridcode_tokens_reload_failures_total')).toEqual(['{} 2']);
  });

  it('says which build runs: package version, commit from GRIDCODE_COMMIT or the build, Node.js version', async () => {
    const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string };
    expect(readBuildInfo({ GRIDCODE_COMMIT: 'ABCDEF1234' })).toEqual({ version: pkg.version, commit: 'abcdef1234', node: process.version });
    // Not a commit hash: never put as it is in a label.
    expect(readBuildInfo({ GRIDCODE_COMMIT: 'v1"\n' }).commit).toBe('unknown');
    const empty = mkdtempSync(join(tmpdir(), 'gridcode-build-info-'));
    try {
      writeFileSync(join(empty, 'package.json'), '{"version":"9.8.7"}');
      expect(readBuildInfo({}, empty)).toEqual({ version: '9.8.7', commit: 'unknown', node: process.version });
      mkdirSync(join(empty, 'gen'));
      writeFileSync(join(empty, 'gen', 'build-commit.txt'), 'deadbeefcafe\n');
      expect(readBuildInfo({}, empty).commit).toBe('deadbeefcafe');
      expect(readBuildInfo({ GRIDCODE_COMMIT: '0123456' }, empty).commit).toBe('0123456');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    const metrics = new GatewayMetrics({ processMetrics: false, buildInfo: { version: '0.1.0', commit: 'unknown', node: 'v20.20.0' } });
    expect(await samplesOf(metrics, 'gridcode_build_info')).toEqual(['{"version":"0.1.0","commit":"unknown","node":"v20.20.0"} 1']);
  });

  it('reads the rule sets, the pool and readiness at scrape time', async () => {
    let list: CompiledRuleSet[] = [ruleSet];
    const metrics = new GatewayMetrics({ ruleSets: () => list, processMetrics: false });
    expect(await metrics.metrics()).toContain('gridcode_rule_set_info{id="default",version="2026.11.0"');
    list = [{ ...ruleSet, version: '2026.12.0' }];
    const text = await metrics.metrics();
    expect(text).toContain('version="2026.12.0"');
    expect(text).not.toContain('version="2026.11.0"');
    expect(text).toMatch(/^gridcode_pool_workers 0$/m);
    metrics.bind({ poolStats: () => ({ queueSize: 0, busySeconds: 1, threads: 4 }), ready: () => false });
    expect(await metrics.metrics()).toMatch(/^gridcode_pool_workers 4$/m);
    expect(await metrics.metrics()).toMatch(/^gridcode_ready 0$/m);
  });

  it('keeps separate instances apart (no global registry)', async () => {
    const a = new GatewayMetrics({ processMetrics: false });
    const b = new GatewayMetrics({ processMetrics: false });
    a.observeRequest({ method: 'ListRuleSets', protocol: 'connect', code: 'ok', seconds: 0 });
    expect(await b.metrics()).not.toContain('ListRuleSets');
  });

  it('shows the request byte budget and counts refusals by reason', async () => {
    const metrics = new GatewayMetrics({ processMetrics: false });
    let stats = { inFlight: 0, limit: 0, peak: 0 };
    metrics.bind({ admission: () => stats });
    stats = { inFlight: 3000, limit: 8192, peak: 5000 };
    metrics.observeRefusal('inflight_bytes');
    metrics.observeRefusal('inflight_bytes');
    metrics.observeRefusal('queue_full');
    const families = parseExposition(await metrics.metrics());
    const value = (name: string, labels: Record<string, string> = {}) =>
      families.get(name)?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    expect(value('gridcode_inflight_request_bytes')).toBe(3000);
    expect(value('gridcode_inflight_request_bytes_limit')).toBe(8192);
    expect(value('gridcode_inflight_request_bytes_peak')).toBe(5000);
    expect(families.get('gridcode_requests_refused_total')?.type).toBe('counter');
    expect(value('gridcode_requests_refused_total', { reason: 'inflight_bytes' })).toBe(2);
    expect(value('gridcode_requests_refused_total', { reason: 'queue_full' })).toBe(1);
  });

  const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  const hasPromtool = promtool.status === 0;
  if (!hasPromtool) console.warn('metrics.test: promtool not found, skipping `promtool check metrics` (apt-get install prometheus to run it)');

  it.skipIf(!hasPromtool)('passes promtool check metrics', async () => {
    const text = await exercised().metrics();
    const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(`${result.stdout}${result.stderr}`.trim()).toBe('');
    expect(result.status).toBe(0);
  });
});
