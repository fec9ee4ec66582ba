// Every metric the Grafana dashboard and the alert rules name is one a real
// gateway exports: the built gateway (dist/) with a rules directory holding a
// broken file and a tokens file of two tenants, after a round of calls that
// score, fail and get refused; its /metrics must have samples of every name
// (a histogram's _bucket/_sum/_count count for the family). A panel or alert
// on a misspelt or removed metric would show nothing and never fire.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../../lib/gateway-process.js';
import { exportedNames, namedMetrics, readDashboard, ruleExprs } from '../../lib/monitoring-queries.js';
import { monitoringLab, trafficRound, type MonitoringLab } from '../../lib/monitoring-traffic.js';
import { valueOf } from '../../lib/prometheus-text.js';

let lab: MonitoringLab;
let gw: GatewayProcess;
let exposition: string;

beforeAll(async () => {
  lab = await monitoringLab();
  gw = await startGatewayProcess(lab.args);
  await trafficRound(gw.base, lab.tokens, true);
  exposition = await (await fetch(`${gw.base}/metrics`)).text();
}, 60_000);

afterAll(async () => {
  if (gw) expect(await gw.stop()).toBe(0);
  await lab?.remove();
});

describe('the metrics the dashboard and the alert rules name', () => {
  it('are all exported by a running gateway after some traffic', () => {
    const named = namedMetrics(readDashboard(), ruleExprs());
    const exported = exportedNames(exposition);
    const missing = [...named].filter(([name]) => !exported.has(name)).map(([name, where]) => `${name} (used by ${where.join('; ')})`);
    expect(missing, `named but not exported:\n${missing.join('\n')}`).toEqual([]);
    // The check is not empty: the dashboard and rules name the metrics of the issue, new ones included.
    for (const name of ['gridcode_requests_total', 'gridcode_request_duration_seconds_bucket', 'gridcode_build_info', 'gridcode_tokens_reload_failures_total', 'gridcode_rule_files_broken', 'gridcode_tenant_requests_total', 'process_resident_memory_bytes'])
      expect(named.has(name), name).toBe(true);
  });

  it('ran the traffic that gives the panels data', () => {
    // What the round did, read back independently of the dashboard: two tenants served, one rule file broken, refusals.
    expect(valueOf(exposition, 'gridcode_tenant_requests_total', { tenant: 'district-a', code: 'ok' })).toBeGreaterThan(0);
    expect(valueOf(exposition, 'gridcode_tenant_requests_total', { tenant: 'district-b', code: 'invalid_argument' })).toBe(1);
    expect(valueOf(exposition, 'gridcode_rule_files_broken')).toBe(1);
    expect(valueOf(exposition, 'gridcode_rule_set_load_failures_total', { file: 'broken.yaml' })).toBeGreaterThan(0);
    expect(valueOf(exposition, 'gridcode_requests_refused_total')).toBeGreaterThan(0);
    expect(valueOf(exposition, 'gridcode_rule_hits_total')).toBeGreaterThan(0);
  });

  it('would catch a misspelt name', () => {
    const exported = exportedNames(exposition);
    expect(exported.has('gridcode_request_duration_seconds')).toBe(true); // the family, from its _bucket series
    expect(exported.has('gridcode_requests_totals')).toBe(false);
    expect(exported.has('gridcode_pool_queue_depth_bucket')).toBe(false);
  });
});
