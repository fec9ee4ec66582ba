// What makes a failover run bad (bench/replicas/failover.ts, failoverProblems),
// shared by `npm run replicas` and tests/ops/replicas.overload.test.ts: fed
// made-up runs, it passes a good one and names each fault of a bad one.
import { describe, expect, it } from 'vitest';
import { PROTOCOLS, type Counts, type Protocol } from '../../bench/replicas/clients.js';
import { failoverEvents, failoverProblems, type FailoverRun } from '../../bench/replicas/failover.js';

const PLAN = { killSlot: 0, drainSlot: 1 };
const NAMES = failoverEvents(PLAN);
const STARTED = 1_000; // performance.now() of the load's start
const KILL = 2_000; // ms after it
const TERM = 4_000;
const DRAIN_DELAY = 1_000;

const counts = (): Record<Protocol, Counts> =>
  Object.fromEntries(PROTOCOLS.map((p) => [p, { sent: 10, answered: 10, refused: {}, cut: {}, retried: 0, restarted: 0, lost: 0, losses: [], failures: [] }])) as unknown as Record<Protocol, Counts>;

function run(change: (r: { counts: Record<Protocol, Counts>; downAfterMs: number; exitAfterMs: number; drainExit: number | null }) => void = () => {}): Pick<FailoverRun, 'counts' | 'events' | 'drainExit' | 'downAfterMs' | 'exitAfterMs' | 'started'> {
  const r = { counts: counts(), downAfterMs: 400, exitAfterMs: 1_100, drainExit: 0 as number | null };
  change(r);
  return { ...r, started: STARTED, events: [{ at: 0, what: 'load started' }, { at: KILL, what: NAMES.kill }, { at: TERM, what: NAMES.term }] };
}

const fail = (c: Counts, atMs: number, cut: boolean, code: string) => {
  c.failures.push({ at: STARTED + atMs, code, cut, message: 'made up' });
  (cut ? c.cut : c.refused)[code] = ((cut ? c.cut : c.refused)[code] ?? 0) + 1;
};

describe('failoverProblems', () => {
  it('finds nothing wrong with a run whose only failures are the kill’s cuts, retried and answered', () => {
    expect(failoverProblems(run((r) => fail(r.counts.grpc, KILL + 30, true, 'Unavailable')), PLAN, DRAIN_DELAY)).toEqual([]);
  });

  it('names an attempt cut or refused after the SIGTERM: the drain was visible', () => {
    const problems = failoverProblems(
      run((r) => {
        fail(r.counts.grpc, TERM + 50, true, 'Unavailable');
        fail(r.counts.connect, TERM + 900, false, 'Unavailable');
      }),
      PLAN,
      DRAIN_DELAY,
    );
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^connect: attempt refused .* after the SIGTERM/);
    expect(problems[1]).toMatch(/^grpc: attempt cut .* after the SIGTERM/);
  });

  it('names a cut before the kill, a loss, a refusal not to retry, a late DOWN and a bad exit', () => {
    const problems = failoverProblems(
      run((r) => {
        fail(r.counts.stream, KILL - 100, true, 'Internal');
        r.counts['grpc-web'].lost = 1;
        r.counts['grpc-web'].answered = 9;
        fail(r.counts.connect, KILL + 10, false, 'InvalidArgument');
        r.downAfterMs = DRAIN_DELAY + 1;
        r.drainExit = 1;
      }),
      PLAN,
      DRAIN_DELAY,
    );
    expect(problems).toHaveLength(5);
    expect(problems.join('\n')).toMatch(/stream: attempt cut .* before the kill/);
    expect(problems.join('\n')).toMatch(/grpc-web: 10 sent, 9 answered, 1 lost/);
    expect(problems.join('\n')).toMatch(/connect: refused with a code not to retry: InvalidArgument/);
    expect(problems.join('\n')).toMatch(/DOWN 1001 ms after its SIGTERM, not within drainDelayMs 1000/);
    expect(problems.join('\n')).toMatch(/exited 1/);
  });

  it('names a drained replica that exited before its drain delay', () => {
    expect(failoverProblems(run((r) => (r.exitAfterMs = 200)), PLAN, DRAIN_DELAY)).toEqual([expect.stringMatching(/exited 200 ms after its SIGTERM, before its drainDelayMs 1000/)]);
  });

  it('takes a replica never seen DOWN as late', () => {
    expect(failoverProblems(run((r) => (r.downAfterMs = Number.POSITIVE_INFINITY)), PLAN, DRAIN_DELAY)).toEqual([expect.stringMatching(/DOWN Infinity ms/)]);
  });
});
