// Groups from an accounts file: an export lists its consumers by meter, not by
// group, so a CSV whose groups come from --accounts is one cohort space in any
// order (up to GRIDCODE_FILE_COHORT_LIMIT consumers; open-batch.ts
// cohortModeOf). The peer features do not depend on the column order, and
// equal followup.md's formulas computed here from the output's own mean_kw.
import { describe, expect, it } from 'vitest';
import { cliWorkspace, runCli } from '../../tests/support/cli.js';

const ws = cliWorkspace('gridcode-accounts-cohorts-');
const N = 14;
const HOURS = 24 * 7;
const ids = Array.from({ length: N }, (_, i) => `m${String(i).padStart(2, '0')}`);
/** Groups interleaved (A, B, A, B, …): never contiguous in the export's column order. */
const groupOf = (i: number) => (i % 2 === 0 ? '台区 A' : '台区 B');
/** An hourly curve in kW with its own level and shape, so that medians and correlations are not trivial. */
const kw = (i: number, h: number) => (0.2 + 0.15 * i + (h % 24 >= 8 && h % 24 < 18 ? 0.05 * (i % 5) : 0.02 * (i % 3))).toFixed(3);

function wide(order: readonly number[]): string {
  const lines = [`time,${order.map((i) => ids[i]).join(',')}`];
  for (let h = 0; h < HOURS; h++) {
    const stamp = new Date(Date.UTC(2024, 3, 1) + h * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
    lines.push(`${stamp},${order.map((i) => kw(i, h)).join(',')}`);
  }
  return `${lines.join('\n')}\n`;
}

const accounts = `id,category,group\n${ids.map((id, i) => `${id},residential,${groupOf(i)}`).join('\n')}\n`;
type Row = { id: string; features: Record<string, number | string> };
const rows = (stdout: string): Map<string, Row> => new Map(stdout.trim().split('\n').map((l) => [(JSON.parse(l) as Row).id, JSON.parse(l) as Row]));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

describe('groups from --accounts, in any order', () => {
  it('gives every consumer its cohort whatever the column order, with followup.md’s peer_count and peer_ratio', () => {
    const acc = ws.file('accounts.csv', accounts);
    const interleaved = ws.run('features', '--input', ws.file('interleaved.csv', wide(ids.map((_, i) => i))), '--unit', 'kw', '--accounts', acc);
    expect(interleaved.status, interleaved.stderr).toBe(0);
    // The same consumers with each group's columns together.
    const grouped = [...ids.keys()].sort((a, b) => groupOf(a).localeCompare(groupOf(b)) || a - b);
    const together = ws.run('features', '--input', ws.file('grouped.csv', wide(grouped)), '--unit', 'kw', '--accounts', acc);
    expect(together.status, together.stderr).toBe(0);
    const a = rows(interleaved.stdout);
    const b = rows(together.stdout);
    for (const id of ids) expect(a.get(id)!.features, id).toEqual(b.get(id)!.features);
    // Scoring takes the same cohort space: every consumer answered, in the export's order.
    const scored = ws.run('score', '--input', ws.file('interleaved.csv', wide(ids.map((_, i) => i))), '--unit', 'kw', '--accounts', acc);
    expect(scored.status, scored.stderr).toBe(0);
    expect((JSON.parse(scored.stdout) as { results: { id: string }[] }).results.map((r) => r.id)).toEqual(ids);
    ids.forEach((id, i) => {
      const peers = ids.filter((other, j) => j !== i && groupOf(j) === groupOf(i));
      const own = a.get(id)!.features;
      expect(own.peer_count, id).toBe(peers.length);
      const ratio = Number(own.mean_kw) / median(peers.map((p) => Number(a.get(p)!.features.mean_kw)));
      expect(Number(own.peer_ratio), id).toBeCloseTo(ratio, 5);
    });
  });

  it('over the in-memory bound, a group that comes back is refused, naming it', () => {
    const acc = ws.file('accounts.csv', accounts);
    const input = ws.file('interleaved.csv', wide(ids.map((_, i) => i)));
    for (const command of ['features', 'score']) {
      const run = runCli(ws.dir(), [command, '--input', input, '--unit', 'kw', '--accounts', acc], { env: { GRIDCODE_FILE_COHORT_LIMIT: String(N - 1) } });
      expect(run.status, command).toBe(1);
      expect(run.stderr, command).toContain('group "台区 A" is not contiguous');
    }
  });
});
