// What the soak counts while it runs (requests by protocol × kind, outcomes
// by code, latencies per kind) and the summary it prints and writes as JSON.
import { isExpected, KINDS, PROTOCOLS, type Protocol } from './expectations.js';
import type { Flatness, MemorySample } from './flatness.js';

/** The first messages kept of each unexpected (kind, protocol, code): enough to reproduce, not a log. */
const KEEP_MESSAGES = 3;

export class Tally {
  requests = 0;
  readonly byProtocolKind = new Map<string, number>();
  /** kind|code → count. */
  readonly outcomes = new Map<string, number>();
  readonly latencyMs = new Map<string, number[]>();
  readonly unexpected: { kind: string; protocol: Protocol; code: string; message: string }[] = [];
  unexpectedCount = 0;

  record(protocol: Protocol, kind: string, code: string, message: string, ms: number): void {
    this.requests++;
    bump(this.byProtocolKind, `${protocol}|${kind}`);
    bump(this.outcomes, `${kind}|${code}`);
    const list = this.latencyMs.get(kind) ?? [];
    list.push(ms);
    this.latencyMs.set(kind, list);
    if (isExpected(kind, code)) return;
    this.unexpectedCount++;
    if (this.unexpected.filter((u) => u.kind === kind && u.protocol === protocol && u.code === code).length < KEEP_MESSAGES) this.unexpected.push({ kind, protocol, code, message });
  }
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Nearest-rank percentile of ascending values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export interface SoakSummary {
  readonly passed: boolean;
  readonly durationS: number;
  readonly requests: number;
  readonly requestsPerS: number;
  readonly unexpected: number;
  readonly byProtocolKind: Record<string, Record<string, number>>;
  readonly outcomes: { kind: string; code: string; count: number; expected: boolean }[];
  readonly latencyMs: Record<string, { p50: number; p99: number; max: number }>;
  readonly unexpectedExamples: Tally['unexpected'];
  readonly rss: Flatness & { readonly source: string; readonly samples: number };
  readonly memorySamples: readonly MemorySample[];
}

export function summarize(tally: Tally, durationMs: number, rss: SoakSummary['rss'], samples: readonly MemorySample[]): SoakSummary {
  const byProtocolKind: Record<string, Record<string, number>> = {};
  for (const { kind } of KINDS) byProtocolKind[kind] = Object.fromEntries(PROTOCOLS.map((p) => [p, tally.byProtocolKind.get(`${p}|${kind}`) ?? 0]));
  const outcomes = [...tally.outcomes].map(([key, count]) => {
    const [kind, code] = key.split('|') as [string, string];
    return { kind, code, count, expected: isExpected(kind, code) };
  });
  const latencyMs: SoakSummary['latencyMs'] = {};
  for (const [kind, list] of tally.latencyMs) {
    const sorted = [...list].sort((a, b) => a - b);
    latencyMs[kind] = { p50: round1(percentile(sorted, 50)), p99: round1(percentile(sorted, 99)), max: round1(sorted[sorted.length - 1]!) };
  }
  return {
    passed: tally.unexpectedCount === 0 && rss.flat,
    durationS: round1(durationMs / 1000),
    requests: tally.requests,
    requestsPerS: round1(tally.requests / (durationMs / 1000)),
    unexpected: tally.unexpectedCount,
    byProtocolKind,
    outcomes,
    latencyMs,
    unexpectedExamples: tally.unexpected,
    rss,
    memorySamples: samples,
  };
}

export const round1 = (x: number) => Math.round(x * 10) / 10;

function table(rows: readonly (readonly (string | number)[])[]): string {
  const cells = rows.map((r) => r.map(String));
  const width = (i: number) => Math.max(...cells.map((r) => r[i]?.length ?? 0));
  return cells.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(width(i)) : c.padStart(width(i)))).join('  ')).join('\n');
}

export function formatSummary(s: SoakSummary): string {
  const lines: string[] = [];
  lines.push(`\nrequests by kind × protocol (${s.requests} in ${s.durationS} s, ${s.requestsPerS}/s):`);
  lines.push(table([['kind', ...PROTOCOLS, 'p50 ms', 'p99 ms', 'max ms'], ...KINDS.map(({ kind }) => [kind, ...PROTOCOLS.map((p) => s.byProtocolKind[kind]![p]!), s.latencyMs[kind]?.p50 ?? '-', s.latencyMs[kind]?.p99 ?? '-', s.latencyMs[kind]?.max ?? '-'])]));
  lines.push('\noutcomes by code:');
  const codes = [...new Set(s.outcomes.map((o) => o.code))].sort();
  for (const code of codes) {
    const of = s.outcomes.filter((o) => o.code === code);
    const expected = of.filter((o) => o.expected).reduce((n, o) => n + o.count, 0);
    const unexpected = of.filter((o) => !o.expected);
    lines.push(`  ${code.padEnd(20)} expected ${String(expected).padStart(7)}   unexpected ${unexpected.reduce((n, o) => n + o.count, 0)}${unexpected.length ? ` (${unexpected.map((o) => `${o.kind} ${o.count}`).join(', ')})` : ''}`);
  }
  for (const u of s.unexpectedExamples) lines.push(`  unexpected: ${u.kind} over ${u.protocol} → ${u.code}: ${u.message.slice(0, 200)}`);
  const r = s.rss;
  const f = (x: number) => x.toFixed(1);
  lines.push(`\nRSS (${r.source}), ${r.samples} samples after warm-up: start ${f(r.startMiB)} MiB, min ${f(r.minMiB)}, max ${f(r.maxMiB)}, end ${f(r.endMiB)}`);
  lines.push(`RSS slope ${r.slopeMiBPerMin.toFixed(2)} MiB/min, end − start ${f(r.growthMiB)} MiB: ${r.flat ? 'flat' : `NOT flat: ${r.reasons.join('; ')}`}`);
  lines.push(`\nunexpected outcomes: ${s.unexpected}; RSS ${r.flat ? 'flat' : 'not flat'} → ${s.passed ? 'PASS' : 'FAIL'}`);
  return lines.join('\n');
}
