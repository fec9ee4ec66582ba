// What bench:gateway prints at the end: the throughput table (with the
// connections each row was sized to and its answers that were not ok), where
// one thread spends its time, and the verdict on unexpected answers.
import { formatCounts } from './answers.js';
import { STAGES } from './in-process.js';
import { mib, thousands } from './server.js';
import { mib as bodyMib } from './sizing.js';
import type { StreamRow } from './stream-row.js';

export interface Row {
  batch: number;
  /** Connections the row ran with: --connections, or fewer when the server's limits say so (`sizing`). */
  connections: number;
  sizing: string[];
  distinct_bodies: number;
  body_bytes: number;
  requests: number;
  requests_per_s: number;
  consumers_per_s: number;
  latency_p50_ms: number;
  latency_p99_ms: number;
  latency_max_ms: number;
  /** autocannon's: connection errors and timeouts (timeouts counted in both). */
  errors: number;
  non_2xx: number;
  timeouts: number;
  /** Answers by Connect code (`ok` for 2xx; `http_<status>` when a body was not a Connect error). */
  answers: Record<string, number>;
  /** The server's gridcode_requests_refused_total during the row, by reason; null when /metrics did not answer. */
  refused_by_reason: Record<string, number> | null;
  /** The server's gridcode_requests_total{method="ScoreBatch"} during the row, by code; null when /metrics did not answer. */
  server_codes: Record<string, number> | null;
  /** What a load sized to the server's limits should never get; empty when nothing. */
  unexpected: string[];
  /** The same bodies as the messages of one ScoreStream call, for the same duration. */
  stream?: StreamRow;
  engine_consumers_per_s: number;
  efficiency: number;
  stage_ms_per_1000: Record<string, number>;
  response_bytes: number;
  peak_rss_bytes: number | null;
  loadavg_after: number[];
}

export interface Skipped {
  batch: number;
  body_bytes: number;
  reason: string;
  unexpected: boolean;
}

/** Answers that were not ok plus answers that never came, for the `errors` column. */
export function errorCount(r: Row): number {
  return r.non_2xx + r.errors;
}

export function printReport(log: (line: string) => void, rows: readonly Row[], skipped: readonly Skipped[], peak: number | null, load: { connections: number; duration: number }, loadavgEnd: readonly number[]): void {
  if (rows.length === 0) {
    log('');
    for (const s of skipped) log(`${thousands(s.batch)}: not run (${bodyMib(s.body_bytes)} bodies): ${s.reason}`);
    log('no size ran: nothing measured');
    return;
  }
  const table: string[][] = [
    ['batch', 'connections', 'consumers/s', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'engine 1 thread/s', 'efficiency', 'ScoreStream consumers/s'],
    ...rows.map((r) => [
      thousands(r.batch),
      String(r.connections),
      thousands(r.consumers_per_s),
      String(r.requests_per_s),
      String(r.latency_p50_ms),
      String(r.latency_p99_ms),
      String(errorCount(r)),
      thousands(r.engine_consumers_per_s),
      r.efficiency.toFixed(2),
      r.stream ? thousands(r.stream.consumers_per_s) : '-',
    ]),
  ];
  log('');
  log(formatTable(table));
  for (const r of rows) if (r.sizing.length > 0) log(`${thousands(r.batch)}: ${r.connections} connection${r.connections === 1 ? '' : 's'}, since ${r.sizing.join(', and ')}`);
  for (const s of skipped) log(`${thousands(s.batch)}: not run (${bodyMib(s.body_bytes)} bodies): ${s.reason}`);
  log(`refused by the server (gridcode_requests_refused_total during each row): ${rows.map((r) => `${thousands(r.batch)}: ${r.refused_by_reason ? formatCounts(r.refused_by_reason) : 'not read'}`).join('; ')}`);
  log(`\nserver peak RSS: ${peak === null ? 'not measured (no pid)' : mib(peak)} (VmHWM of the gateway process, workers included)`);
  log(`load: up to ${load.connections} connections × ${load.duration} s per size (fewer where the server's limits say so), HTTP/1.1 keep-alive, Connect proto; autocannon runs in this process on the same machine`);
  log('efficiency = gateway consumers/s ÷ single-thread engine consumers/s (the whole worker job in one thread: scan, features, rules, results, encode)');
  log('\nwhere one thread spends its time, ms per 1,000 consumers (in-process, same bytes):');
  const stageTable = [
    ['batch', ...STAGES, 'total', '(wire scan, part of features)', 'gateway p50 per 1,000'],
    ...rows.map((r) => {
      const total = STAGES.reduce((sum, s) => sum + (r.stage_ms_per_1000[s] ?? 0), 0);
      return [thousands(r.batch), ...STAGES.map((s) => (r.stage_ms_per_1000[s] ?? 0).toFixed(1)), total.toFixed(1), (r.stage_ms_per_1000['wire_scan_in_features'] ?? 0).toFixed(1), ((r.latency_p50_ms / r.batch) * 1000).toFixed(1)];
    }),
  ];
  log(formatTable(stageTable));
  log(`\nload average at the end: ${loadavgEnd.join(' ')}`);
}

/** Every unexpected outcome, one line each (empty when none): what the exit code is decided on. */
export function unexpectedLines(rows: readonly Row[], skipped: readonly Skipped[]): string[] {
  return [
    ...rows.flatMap((r) => r.unexpected.map((u) => `${thousands(r.batch)} consumers per request: ${u}`)),
    ...skipped.filter((s) => s.unexpected).map((s) => `${thousands(s.batch)} consumers per request: ${s.reason}`),
  ];
}

export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')).join('\n');
}
