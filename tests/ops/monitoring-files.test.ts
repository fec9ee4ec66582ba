// The monitoring files in deploy/: the Prometheus rules pass `promtool check
// rules` and their unit tests (`promtool test rules`: every alert fires on a
// failing series and stays quiet on a healthy one), the example config passes
// `promtool check config`, and the Grafana dashboard is well-formed. Whether
// the metrics they name exist is monitoring-names.e2e.test.ts.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dashboardPanels, panelQueries, PROMETHEUS_CONFIG_FILE, readDashboard, ruleExprs, RULES_FILE, RULES_TEST_FILE } from '../../lib/monitoring-queries.js';
import { metricNames } from '../../lib/promql-names.js';

const hasPromtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0;
if (!hasPromtool) console.warn('\n*** monitoring-files.test: promtool NOT FOUND: `promtool check rules` and `promtool test rules` are SKIPPED (apt-get install prometheus) ***\n');

function promtool(...args: string[]): { status: number | null; output: string } {
  const result = spawnSync('promtool', args, { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe.skipIf(!hasPromtool)('deploy/prometheus under promtool', () => {
  it('passes promtool check rules', () => {
    const result = promtool('check', 'rules', RULES_FILE);
    expect(result.output).toContain('SUCCESS');
    expect(result.status, result.output).toBe(0);
  });

  it('passes its unit tests (promtool test rules)', () => {
    const result = promtool('test', 'rules', RULES_TEST_FILE);
    expect(result.status, result.output).toBe(0);
  });

  it('has a unit test for every alert', () => {
    const tested = new Set([...readFileSync(RULES_TEST_FILE, 'utf8').matchAll(/alertname: (\w+)/g)].map((m) => m[1]));
    const alerts = ruleExprs().filter((rule) => rule.kind === 'alert');
    expect(alerts.length).toBeGreaterThan(10);
    expect(alerts.map((a) => a.name).filter((name) => !tested.has(name))).toEqual([]);
  });

  it('passes promtool check config with the example scrape config', () => {
    const result = promtool('check', 'config', PROMETHEUS_CONFIG_FILE);
    expect(result.status, result.output).toBe(0);
  });
});

describe('deploy/grafana/gridcode-dashboard.json', () => {
  const dashboard = readDashboard();
  const panels = dashboardPanels(dashboard);

  it('has unique panel ids, rows included', () => {
    const ids = (dashboard.panels ?? []).flatMap((panel) => [panel.id, ...(panel.panels ?? []).map((p) => p.id)]);
    expect(ids.every((id) => Number.isInteger(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('reads from the ${datasource} variable, a Prometheus data source variable, in every panel and target', () => {
    const variable = dashboard.templating?.list?.find((v) => v.name === 'datasource');
    expect(variable).toMatchObject({ type: 'datasource', query: 'prometheus' });
    for (const panel of panels) {
      expect(panel.datasource, String(panel.title)).toEqual({ type: 'prometheus', uid: '${datasource}' });
      for (const target of panel.targets ?? []) expect(target.datasource, String(panel.title)).toEqual({ type: 'prometheus', uid: '${datasource}' });
    }
  });

  it('gives every panel a title, a unit and targets with an expression and unique refIds', () => {
    expect(typeof dashboard.schemaVersion === 'number' && dashboard.schemaVersion >= 36).toBe(true);
    for (const panel of panels) {
      const title = String(panel.title);
      expect(title.length).toBeGreaterThan(0);
      expect(typeof panel.fieldConfig?.defaults?.unit, title).toBe('string');
      const targets = panel.targets ?? [];
      expect(targets.length, title).toBeGreaterThan(0);
      for (const target of targets) expect(typeof target.expr === 'string' && target.expr.trim().length > 0, `${title} ${String(target.refId)}`).toBe(true);
      expect(new Set(targets.map((t) => t.refId)).size, title).toBe(targets.length);
    }
  });

  it('parses: every query names at least one metric and filters by $job and $instance', () => {
    for (const query of panelQueries(dashboard)) {
      expect(metricNames(query.expr).length, query.expr).toBeGreaterThan(0);
      // Every selector of the query, i.e. each {…}, selects the chosen job and instances.
      for (const selector of query.expr.match(/\{[^}]*\}/g) ?? ['(none)']) expect(selector, `${query.panel}: ${query.expr}`).toMatch(/job="\$job", instance=~"\$instance"/);
    }
  });

  it('shows the panels the issue asks for', () => {
    const exprs = panelQueries(dashboard).map((q) => q.expr).join('\n');
    for (const needed of [/rate\(gridcode_requests_total/, /histogram_quantile\(0\.99, .*gridcode_request_duration_seconds_bucket/, /code!="ok"/, /gridcode_requests_refused_total/, /gridcode_pool_queue_depth/, /rate\(gridcode_pool_busy_seconds_total.*\/ sum by \(instance\) \(gridcode_pool_workers/, /process_resident_memory_bytes/, /gridcode_rule_hits_total/, /gridcode_tenant_requests_total/, /gridcode_build_info/, /gridcode_ready/, /gridcode_rule_files_broken/])
      expect(exprs).toMatch(needed);
  });

  it('shows on "Server error ratio" the codes GridcodeHighErrorRatio counts as server errors', () => {
    const codes = (expr: string | undefined) => expr?.match(/code=~"([^"]+)"/)?.[1]?.split('|').sort();
    const recorded = ruleExprs().find((rule) => rule.name === 'instance:gridcode_server_errors:rate5m');
    const panel = panelQueries(dashboard).find((query) => query.panel === 'Server error ratio');
    expect(codes(recorded?.expr)).toEqual(['deadline_exceeded', 'internal', 'unavailable', 'unknown']);
    expect(codes(panel?.expr)).toEqual(codes(recorded?.expr));
  });
});
