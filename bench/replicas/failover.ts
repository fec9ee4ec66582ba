// The failover run: continuous load on every protocol through the balancer
// and, in the middle, SIGKILL of one replica, SIGTERM (drain) of another, and
// replacements started in both slots, then more load and the counts. Shared
// by `npm run replicas` and tests/ops/replicas.overload.test.ts, and so is
// what makes a run bad (failoverProblems).
import { type Cluster } from './cluster.js';
import { PROTOCOLS, RETRYABLE, type Counts, type Protocol, type ReplicaClients } from './clients.js';

export interface FailoverPlan {
  /** Sending loops per protocol (each one request after the other). */
  readonly loops: number;
  /** Load before the kill, between steps, and after the replacements, ms. */
  readonly stepMs: number;
  readonly killSlot: number;
  readonly drainSlot: number;
}

export interface FailoverRun {
  readonly counts: Record<Protocol, Counts>;
  /** What happened when, ms from the start of the load. */
  readonly events: { at: number; what: string }[];
  /** Requests answered by the time of each event (all protocols): the kill and the drain fall in the middle. */
  readonly answeredAt: Record<string, number>;
  readonly drainExit: number | null;
  /**
   * ms from the SIGTERM to the drained replica until HAProxy's stats page first showed it DOWN in both backends
   * (polled every 50 ms: an upper bound, by one poll); Infinity if it never did before the replica exited.
   */
  readonly downAfterMs: number;
  /** ms from that SIGTERM until the replica exited: at least its drainDelayMs if it kept accepting that long. */
  readonly exitAfterMs: number;
  /** performance.now() when the load started: FailoverRun times are from it. */
  readonly started: number;
}

/** The names of the run's events, for looking them up in `events` and `answeredAt`. */
export const failoverEvents = (plan: Pick<FailoverPlan, 'killSlot' | 'drainSlot'>) => ({
  kill: `SIGKILL replica ${plan.killSlot}`,
  term: `SIGTERM replica ${plan.drainSlot} (drains)`,
  down: `replica ${plan.drainSlot} DOWN in HAProxy`,
  replaced: `replacement in slot ${plan.drainSlot} UP in HAProxy`,
  stopped: 'load stopped',
});

const answeredSoFar = (counts: Record<Protocol, Counts>) => PROTOCOLS.reduce((n, p) => n + counts[p].answered, 0);

export async function runFailover(cluster: Cluster, clients: ReplicaClients, plan: FailoverPlan, log: (line: string) => void = () => {}): Promise<FailoverRun> {
  if (plan.killSlot === plan.drainSlot || cluster.replicas.length < 3) throw new Error('failover: needs 3 replicas or more, and two different slots to kill and drain');
  const started = performance.now();
  const events: FailoverRun['events'] = [];
  const answeredAt: Record<string, number> = {};
  const mark = (what: string) => {
    const at = Math.round(performance.now() - started);
    events.push({ at, what });
    answeredAt[what] = answeredSoFar(clients.counts);
    log(`${(at / 1000).toFixed(1)} s  ${what} (answered so far ${answeredAt[what]})`);
  };
  const pause = (ms = plan.stepMs) => new Promise((resolve) => setTimeout(resolve, ms));
  let running = true;
  const loops = PROTOCOLS.flatMap((protocol) =>
    Array.from({ length: plan.loops }, async () => {
      while (running) await clients.send(protocol);
    }),
  );

  const names = failoverEvents(plan);
  mark('load started');
  await pause();
  mark(names.kill);
  cluster.kill(plan.killSlot);
  await pause();
  mark(names.term);
  const termAt = performance.now();
  const drained = cluster.drain(plan.drainSlot);
  // Out of the rotation before it stops accepting (drainDelayMs): else new calls reach a replica that refuses or closes.
  const down = cluster.balancer.waitFor(plan.drainSlot, 'DOWN', 30_000).then(
    () => {
      const ms = performance.now() - termAt;
      mark(names.down);
      log(`time to DOWN: ${Math.round(ms)} ms after the SIGTERM (drainDelayMs ${cluster.drainDelayMs})`);
      return ms;
    },
    () => Number.POSITIVE_INFINITY,
  );
  // The replacement of the killed one starts while the other drains: for a moment one replica carries the load.
  const replaced = cluster.replace(plan.killSlot).then(() => mark(`replacement in slot ${plan.killSlot} UP in HAProxy`));
  const drainExit = await drained;
  const exitAfterMs = performance.now() - termAt;
  mark(`replica ${plan.drainSlot} exited ${drainExit}`);
  const downAfterMs = await down;
  await replaced;
  await cluster.replace(plan.drainSlot);
  mark(names.replaced);
  await pause();
  running = false;
  await Promise.all(loops);
  mark(names.stopped);
  return { counts: clients.counts, events, answeredAt, drainExit, downAfterMs, exitAfterMs, started };
}

/**
 * What makes a failover run bad, one line each; none for a good run. Every request answered (none lost); every refusal
 * with a code the README says to retry; the drained replica DOWN in HAProxy within `drainDelayMs` of its SIGTERM,
 * exiting 0 and not before `drainDelayMs` (else it did not wait, and only luck kept new calls off it); no attempt refused or cut from the SIGTERM on (a drain is invisible to clients), and no cut before the kill
 * (nothing else cuts). The kill's cuts end at once, at the reset, long before the SIGTERM a step later.
 */
export function failoverProblems(run: Pick<FailoverRun, 'counts' | 'events' | 'drainExit' | 'downAfterMs' | 'exitAfterMs' | 'started'>, plan: Pick<FailoverPlan, 'killSlot' | 'drainSlot'>, drainDelayMs: number): string[] {
  const problems: string[] = [];
  for (const p of PROTOCOLS) {
    const c = run.counts[p];
    if (c.lost > 0 || c.answered !== c.sent) problems.push(`${p}: ${c.sent} sent, ${c.answered} answered, ${c.lost} lost (${c.losses.join('; ')})`);
    const wrong = Object.keys(c.refused).filter((code) => !RETRYABLE.has(code));
    if (wrong.length > 0) problems.push(`${p}: refused with a code not to retry: ${wrong.join(', ')}`);
  }
  if (run.drainExit !== 0) problems.push(`the drained replica exited ${run.drainExit}`);
  if (run.exitAfterMs < drainDelayMs) problems.push(`the drained replica exited ${Math.round(run.exitAfterMs)} ms after its SIGTERM, before its drainDelayMs ${drainDelayMs}`);
  if (!(run.downAfterMs <= drainDelayMs)) problems.push(`HAProxy marked the draining replica DOWN ${run.downAfterMs} ms after its SIGTERM, not within drainDelayMs ${drainDelayMs}`);
  const names = failoverEvents(plan);
  const at = (what: string) => run.events.find((e) => e.what === what)?.at;
  const kill = at(names.kill);
  const term = at(names.term);
  if (kill === undefined || term === undefined) return [...problems, 'the run has no kill or no SIGTERM event'];
  for (const p of PROTOCOLS) {
    for (const f of run.counts[p].failures) {
      const t = f.at - run.started;
      const what = `${p}: attempt ${f.cut ? 'cut' : 'refused'} (${f.code}: ${f.message}) at ${(t / 1000).toFixed(2)} s`;
      if (t >= term) problems.push(`${what}, after the SIGTERM at ${(term / 1000).toFixed(2)} s: the drain was visible`);
      else if (f.cut && t < kill) problems.push(`${what}, before the kill at ${(kill / 1000).toFixed(2)} s`);
    }
  }
  return problems;
}

/** The counts as a table, one row per protocol and a total. */
export function countsTable(counts: Record<Protocol, Counts>): string[] {
  const codes = [...new Set(PROTOCOLS.flatMap((p) => Object.keys(counts[p].refused)))].sort();
  const cuts = [...new Set(PROTOCOLS.flatMap((p) => Object.keys(counts[p].cut)))].sort();
  // Streams restarted from scratch (a resumed part from another rule set): a column only when there were some.
  const restarts = PROTOCOLS.some((p) => counts[p].restarted > 0);
  const header = ['protocol', 'sent', 'answered', 'retried', ...(restarts ? ['restarted'] : []), 'lost', ...codes.map((c) => `refused ${c}`), ...cuts.map((c) => `cut (${c})`)];
  const row = (name: string, c: Pick<Counts, 'sent' | 'answered' | 'retried' | 'restarted' | 'lost' | 'refused' | 'cut'>) =>
    [name, c.sent, c.answered, c.retried, ...(restarts ? [c.restarted] : []), c.lost, ...codes.map((code) => c.refused[code] ?? 0), ...cuts.map((code) => c.cut[code] ?? 0)].map(String);
  const total = PROTOCOLS.reduce(
    (t, p) => ({
      sent: t.sent + counts[p].sent,
      answered: t.answered + counts[p].answered,
      retried: t.retried + counts[p].retried,
      restarted: t.restarted + counts[p].restarted,
      lost: t.lost + counts[p].lost,
      refused: Object.fromEntries(codes.map((code) => [code, (t.refused[code] ?? 0) + (counts[p].refused[code] ?? 0)])),
      cut: Object.fromEntries(cuts.map((code) => [code, (t.cut[code] ?? 0) + (counts[p].cut[code] ?? 0)])),
    }),
    { sent: 0, answered: 0, retried: 0, restarted: 0, lost: 0, refused: {} as Record<string, number>, cut: {} as Record<string, number> },
  );
  const rows = [header, ...PROTOCOLS.map((p) => row(p === 'stream' ? 'grpc ScoreStream' : p, counts[p])), row('total', total)];
  const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => `| ${r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(' | ')} |`);
}
