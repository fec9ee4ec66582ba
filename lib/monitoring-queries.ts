// The PromQL the monitoring files in deploy/ hold: the Grafana dashboard's
// panel queries and variable queries, and the Prometheus rules' expressions.
// For the tests of those files (tests/ops/) and bench/monitoring, which
// evaluates every panel's queries against a live Prometheus.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { packageRoot } from '../engine/src/package-root.js';
import { histogramFamily, metricNames, variableQueryExpr } from './promql-names.js';

export const DASHBOARD_FILE = join(packageRoot, 'deploy', 'grafana', 'gridcode-dashboard.json');
export const RULES_FILE = join(packageRoot, 'deploy', 'prometheus', 'gridcode-alerts.yml');
export const RULES_TEST_FILE = join(packageRoot, 'deploy', 'prometheus', 'gridcode-alerts.test.yml');
export const PROMETHEUS_CONFIG_FILE = join(packageRoot, 'deploy', 'prometheus', 'prometheus.yml');

/** Metrics Prometheus makes itself for every target: never in an exposition. */
export const SCRAPE_METRICS = ['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added'] as const;

export interface PanelQuery {
  readonly panel: string;
  readonly refId: string;
  readonly expr: string;
  /** Grafana's legend template, e.g. `{{method}}`. */
  readonly legend: string;
  /** Evaluated at one instant (tables), not over a range. */
  readonly instant: boolean;
}

export interface DashboardTarget {
  readonly refId?: unknown;
  readonly expr?: unknown;
  readonly legendFormat?: unknown;
  readonly instant?: unknown;
  readonly datasource?: unknown;
}
export interface DashboardPanel {
  readonly id?: unknown;
  readonly type?: unknown;
  readonly title?: unknown;
  readonly datasource?: unknown;
  readonly targets?: readonly DashboardTarget[];
  readonly fieldConfig?: { readonly defaults?: { readonly unit?: unknown } };
  readonly panels?: readonly DashboardPanel[];
}
export interface Dashboard {
  readonly schemaVersion?: unknown;
  readonly panels?: readonly DashboardPanel[];
  readonly templating?: { readonly list?: readonly { readonly name?: unknown; readonly type?: unknown; readonly query?: unknown }[] };
}

export function readDashboard(file = DASHBOARD_FILE): Dashboard {
  return JSON.parse(readFileSync(file, 'utf8')) as Dashboard;
}

/** Every panel, rows' collapsed panels included, rows themselves left out. */
export function dashboardPanels(dashboard: Dashboard): DashboardPanel[] {
  const out: DashboardPanel[] = [];
  for (const panel of dashboard.panels ?? []) {
    if (panel.type !== 'row') out.push(panel);
    out.push(...(panel.panels ?? []));
  }
  return out;
}

/** Every panel target's query, in dashboard order. */
export function panelQueries(dashboard: Dashboard): PanelQuery[] {
  return dashboardPanels(dashboard).flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      panel: String(panel.title),
      refId: String(target.refId),
      expr: String(target.expr ?? ''),
      legend: String(target.legendFormat ?? ''),
      instant: target.instant === true,
    })),
  );
}

/** The PromQL of the dashboard's query variables (`label_values(selector, label)` gives its selector). */
export function variableExprs(dashboard: Dashboard): string[] {
  return (dashboard.templating?.list ?? [])
    .filter((variable) => variable.type === 'query')
    .map((variable) => {
      const query = typeof variable.query === 'string' ? variable.query : (variable.query as { query?: unknown } | undefined)?.query;
      return variableQueryExpr(String(query ?? ''));
    });
}

export interface RuleExpr {
  readonly group: string;
  /** The alert's or the recorded series' name. */
  readonly name: string;
  readonly kind: 'alert' | 'record';
  readonly expr: string;
}

export function ruleExprs(file = RULES_FILE): RuleExpr[] {
  const doc = parseYaml(readFileSync(file, 'utf8')) as { groups?: { name: string; rules: { alert?: string; record?: string; expr: string }[] }[] };
  return (doc.groups ?? []).flatMap((group) =>
    group.rules.map((rule) => ({ group: group.name, name: rule.alert ?? rule.record ?? '', kind: rule.alert ? ('alert' as const) : ('record' as const), expr: String(rule.expr) })),
  );
}

/**
 * The metric names the dashboard and the rules read from the gateway, each
 * with where it is used: recorded series (defined in the rules) and the
 * series Prometheus makes itself (`up`) left out.
 */
export function namedMetrics(dashboard: Dashboard, rules: readonly RuleExpr[]): Map<string, string[]> {
  const recorded = new Set(rules.filter((rule) => rule.kind === 'record').map((rule) => rule.name));
  const used = new Map<string, string[]>();
  const add = (expr: string, where: string) => {
    for (const name of metricNames(expr)) {
      if (recorded.has(name) || (SCRAPE_METRICS as readonly string[]).includes(name)) continue;
      used.set(name, [...(used.get(name) ?? []), where]);
    }
  };
  for (const query of panelQueries(dashboard)) add(query.expr, `dashboard panel "${query.panel}" ${query.refId}`);
  for (const expr of variableExprs(dashboard)) add(expr, 'dashboard variable');
  for (const rule of rules) add(rule.expr, `rule ${rule.name}`);
  return used;
}

/** The metric names an exposition has samples of, with the family of each histogram's _bucket/_sum/_count series. */
export function exportedNames(exposition: string): Set<string> {
  const histograms = new Set<string>();
  const names = new Set<string>();
  for (const line of exposition.split('\n')) {
    const type = /^# TYPE (\S+) (histogram|summary)$/.exec(line);
    if (type) histograms.add(type[1]!);
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/.exec(line);
    if (sample) names.add(sample[1]!);
  }
  for (const name of [...names]) {
    const family = histogramFamily(name);
    if (family !== undefined && histograms.has(family)) names.add(family);
  }
  return names;
}
