// npm run dashboard:check [-- --seconds 30] [--url http://host:port] [--token T]
//
// The Grafana dashboard rendered without Grafana: starts a real Prometheus
// (/usr/bin/prometheus, or $PROMETHEUS; a temporary data directory; scrapes
// every second; loads deploy/prometheus/gridcode-alerts.yml), which scrapes a
// gateway this script starts (lib/monitoring-traffic.ts: a broken rule file,
// two tenants, a small byte budget) or the one at --url; drives calls that
// score, fail and get refused for --seconds; then evaluates every panel's
// queries through Prometheus's HTTP API (/api/v1/query, Grafana's variables
// replaced: $job → gridcode, $instance → .*, $__rate_interval → 15s,
// $__range → 5m) and prints, per query, the number of series and a sample
// value. Exit 1 when a query returns no series or fails.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from '../../lib/free-ports.js';
import { startGatewayProcess, type GatewayProcess } from '../../lib/gateway-process.js';
import { panelQueries, readDashboard, RULES_FILE } from '../../lib/monitoring-queries.js';
import { monitoringLab, trafficRound, type MonitoringLab } from '../../lib/monitoring-traffic.js';

const WINDOWS: Readonly<Record<string, string>> = { __rate_interval: '15s', __interval: '15s', __range: '5m' };

interface Options {
  readonly seconds: number;
  readonly url: string | undefined;
  readonly token: string | undefined;
}

function parseArgs(argv: readonly string[]): Options {
  let seconds = 30;
  let url: string | undefined;
  let token: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--seconds' && value !== undefined && /^\d+$/.test(value) && Number(value) >= 5) seconds = Number(value);
    else if (flag === '--url' && value !== undefined && /^https?:\/\/[^/]+$/.test(value)) url = value;
    else if (flag === '--token' && value !== undefined) token = value;
    else throw new Error(`dashboard:check: unknown or bad argument ${JSON.stringify(flag)} ${value === undefined ? '' : JSON.stringify(value)} (--seconds N ≥ 5, --url http://host:port, --token T)`);
    i++;
  }
  return { seconds, url, token };
}

/** The query as Grafana would send it, with its variables replaced. */
function withVariables(expr: string, job: string): string {
  return expr
    .replace(/\$(?:\{(\w+)\}|(\w+))/g, (whole, braced: string | undefined, bare: string | undefined) => {
      const name = braced ?? bare ?? '';
      if (name === 'job') return job;
      if (name === 'instance') return '.*';
      return WINDOWS[name] ?? whole;
    });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface QueryAnswer {
  readonly status: string;
  readonly error?: string;
  readonly data?: { readonly result: readonly { readonly metric: Record<string, string>; readonly value: [number, string] }[] };
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const dir = await mkdtemp(join(tmpdir(), 'gridcode-dashboard-check-'));
  let lab: MonitoringLab | undefined;
  let gw: GatewayProcess | undefined;
  let prometheus: ReturnType<typeof spawn> | undefined;
  try {
    lab = options.url ? undefined : await monitoringLab();
    if (lab) gw = await startGatewayProcess(lab.args);
    const target = new URL(options.url ?? gw!.base);
    const tokens: Record<string, string> = lab ? { ...lab.tokens } : options.token ? { given: options.token } : {};
    const [port] = await freePorts(1);
    await writeFile(
      join(dir, 'prometheus.yml'),
      `global: { scrape_interval: 1s, evaluation_interval: 1s }\nrule_files: [${JSON.stringify(RULES_FILE)}]\nscrape_configs:\n  - job_name: gridcode\n    static_configs: [{ targets: [${JSON.stringify(target.host)}] }]\n`,
    );
    const binary = process.env['PROMETHEUS'] ?? '/usr/bin/prometheus';
    prometheus = spawn(binary, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    prometheus.stderr!.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-20_000)));
    const api = `http://127.0.0.1:${port}`;
    for (let waited = 0; ; waited += 200) {
      if (prometheus.exitCode !== null) throw new Error(`${binary} exited ${prometheus.exitCode}:\n${log}`);
      if (waited > 30_000) throw new Error(`${binary} not ready in 30 s:\n${log}`);
      if (await fetch(`${api}/-/ready`).then((r) => r.ok, () => false)) break;
      await sleep(200);
    }
    console.log(`gateway ${target.origin}${gw ? ` (${gw.readyLine})` : ''}; prometheus ${api} scraping every 1 s`);

    const counts = new Map<string, number>();
    const until = Date.now() + options.seconds * 1000;
    for (let round = 0; Date.now() < until; round++) {
      await trafficRound(target.origin, tokens, round % 5 === 4, counts);
      await sleep(100);
    }
    console.log(`traffic for ${options.seconds} s: ${[...counts].map(([k, n]) => `${k} ×${n}`).join(', ')}`);
    await sleep(3_000); // the last scrapes

    const rows: string[][] = [];
    const empty: string[] = [];
    for (const query of panelQueries(readDashboard())) {
      const expr = withVariables(query.expr, 'gridcode');
      const answer = (await (await fetch(`${api}/api/v1/query?query=${encodeURIComponent(expr)}`)).json()) as QueryAnswer;
      const result = answer.data?.result ?? [];
      if (answer.status !== 'success' || result.length === 0) empty.push(`${query.panel} ${query.refId}: ${answer.error ?? 'no series'}`);
      const first = result[0];
      const legend = first ? query.legend.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, label: string) => first.metric[label] ?? '') || Object.entries(first.metric).map(([k, v]) => `${k}=${v}`).join(',') : '';
      rows.push([query.panel, query.refId, String(result.length), first ? `${legend}: ${Number(first.value[1]).toPrecision(4)}` : answer.error ?? '(none)', expr]);
    }
    printTable(['panel', 'ref', 'series', 'sample (legend: value)', 'query'], rows);

    const alerts = (await (await fetch(`${api}/api/v1/alerts`)).json()) as { data: { alerts: { labels: Record<string, string>; state: string }[] } };
    console.log(`\nalerts now: ${alerts.data.alerts.map((a) => `${a.labels['alertname']} (${a.state})`).join(', ') || 'none'}`);
    if (empty.length) console.log(`\nqueries with no data (${empty.length}):\n  ${empty.join('\n  ')}`);
    else console.log(`\nevery one of the ${rows.length} queries returned data`);
    return empty.length ? 1 : 0;
  } finally {
    if (prometheus && prometheus.exitCode === null) {
      prometheus.kill('SIGTERM');
      await new Promise((resolve) => prometheus!.once('exit', resolve));
    }
    await gw?.stop();
    await lab?.remove();
    await rm(dir, { recursive: true, force: true });
  }
}

function printTable(head: string[], rows: string[][]): void {
  const widths = head.map((h, c) => Math.min(c === 4 ? 200 : 48, Math.max(h.length, ...rows.map((r) => r[c]!.length))));
  const line = (cells: string[]) => cells.map((cell, c) => (cell.length > widths[c]! ? `${cell.slice(0, widths[c]! - 1)}…` : cell.padEnd(widths[c]!))).join(' | ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const row of rows) console.log(line(row));
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
