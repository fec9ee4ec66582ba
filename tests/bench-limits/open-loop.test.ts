// bench:limits' open-loop pacer (bench/limits/open-loop.ts) on a simulated
// clock: the schedule, latency counted from each request's due time (so a
// stalled server shows in the tail), and the late starts the cap causes,
// checked against timelines worked out here by hand. No wall clock.
import { describe, expect, it } from 'vitest';
import { dueAt, openLoop, scheduledCount, type Clock } from '../../bench/limits/open-loop.js';

/**
 * A discrete-event clock: sleepers wake in order of their time (ties in the
 * order they slept), one per macrotask, so that every promise reaction of
 * one wake-up has run before the clock moves on.
 */
class SimulatedClock implements Clock {
  private t = 1000;
  private sleepers: { at: number; wake: () => void }[] = [];
  private stepping = false;

  now = () => this.t;

  sleepUntil = (at: number, signal?: AbortSignal) =>
    new Promise<void>((resolve) => {
      const sleeper = { at, wake: resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener('abort', () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        resolve();
      });
      this.step();
    });

  private step() {
    if (this.stepping) return;
    this.stepping = true;
    setImmediate(() => {
      this.stepping = false;
      if (this.sleepers.length === 0) return;
      const next = this.sleepers.reduce((a, b) => (b.at < a.at ? b : a));
      this.sleepers = this.sleepers.filter((s) => s !== next);
      this.t = Math.max(this.t, next.at);
      next.wake();
      this.step();
    });
  }
}

/** A server taking `serviceMs(i)` to answer request i, with outcome 'ok' unless `outcome` says otherwise; records when each started. */
function server(clock: SimulatedClock, serviceMs: (i: number) => number, outcome: (i: number) => string = () => 'ok') {
  const starts: number[] = [];
  const send = async (i: number) => {
    starts[i] = clock.now();
    await clock.sleepUntil(clock.now() + serviceMs(i));
    return outcome(i);
  };
  return { starts, send };
}

describe('the schedule', () => {
  it('puts request i at i ÷ rate seconds and counts the requests due within the duration', () => {
    expect(dueAt(0, 40)).toBe(0);
    expect(dueAt(3, 40)).toBe(75);
    for (const [rate, seconds] of [[10, 1], [40, 5], [3, 2], [7.3, 3], [0.5, 3], [123.456, 7], [1000 / 3, 3]] as const) {
      let expected = 0;
      while ((expected * 1000) / rate < seconds * 1000) expected++;
      expect(scheduledCount(rate, seconds), `${rate}/s for ${seconds} s`).toBe(expected);
    }
  });

  it('says which argument is wrong', () => {
    expect(() => scheduledCount(0, 5)).toThrow(/rate must be a positive number .* not 0/);
    expect(() => scheduledCount(NaN, 5)).toThrow(/rate .* not NaN/);
    expect(() => scheduledCount(10, -1)).toThrow(/duration must be a positive number of seconds, not -1/);
  });
});

describe('openLoop', () => {
  it('starts each request when due, whatever the answers, and measures from the due time', async () => {
    const clock = new SimulatedClock();
    // 20/s for 1 s: due every 50 ms; a fast server (5 ms) except request 4, which takes 170 ms.
    const s = server(clock, (i) => (i === 4 ? 170 : 5));
    const run = await openLoop({ rate: 20, seconds: 1, maxInFlight: 8, clock, send: s.send });
    expect(run.scheduled).toBe(20);
    expect(s.starts).toEqual(Array.from({ length: 20 }, (_, i) => 1000 + i * 50));
    expect(run.ok).toBe(20);
    expect(run.latenciesMs).toEqual([...Array<number>(19).fill(5), 170]);
    expect([run.lateStarts, run.maxStartLagMs, run.unanswered]).toEqual([0, 0, 0]);
    expect(run.seconds).toBe((19 * 50 + 5) / 1000);
  });

  it('holds requests while the cap is full, counts them late, and still measures them from their due time', async () => {
    const clock = new SimulatedClock();
    // 100/s: due every 10 ms; cap 2. Request 1 stalls 45 ms, the others take 15 ms.
    // Timeline (ms after the start): 0 starts (ends 15), 1 starts at 10 (ends 55), 2 due at 20 starts (cap 1 of 2: 0 is done; ends 35);
    // 3 due 30: 1 and 2 in flight, waits until 35 (late), ends 50; 4 due 40: 1 and 3 in flight, waits until 50 (late), ends 65;
    // 5 due 50: 1 and 4 in flight, waits until 55 (late), ends 70; 6 due 60: 4 and 5 in flight, waits until 65 (late), ends 80;
    // 7 due 70: 6 in flight (5 ended at 70, before 7's wake-up: it slept first), starts on time, ends 85;
    // 8 due 80: 7 in flight (6 ended at 80 first), on time, ends 95; 9 due 90: on time, ends 105.
    const s = server(clock, (i) => (i === 1 ? 45 : 15));
    const run = await openLoop({ rate: 100, seconds: 0.1, maxInFlight: 2, clock, send: s.send });
    expect(run.scheduled).toBe(10);
    expect(s.starts.map((t) => t - 1000)).toEqual([0, 10, 20, 35, 50, 55, 65, 70, 80, 90]);
    expect(run.lateStarts).toBe(4);
    // From due: 15, 45, 15, 50−30, 65−40, 70−50, 80−60, then 15 each.
    expect(run.latenciesMs).toEqual([15, 15, 15, 15, 15, 20, 20, 20, 25, 45]);
    // The requests not held by the cap started on time: the simulated client never lags.
    expect(run.maxStartLagMs).toBe(0);
  });

  it('counts answers other than ok by name, outside the latencies', async () => {
    const clock = new SimulatedClock();
    const s = server(clock, () => 3, (i) => (i % 4 === 1 ? 'resource_exhausted' : i === 6 ? 'ECONNRESET' : 'ok'));
    const run = await openLoop({ rate: 10, seconds: 1, maxInFlight: 4, clock, send: s.send });
    // Of 0…9: 1, 5 and 9 resource_exhausted, 6 a reset.
    expect(run.ok).toBe(6);
    expect(run.notOk).toEqual({ resource_exhausted: 3, ECONNRESET: 1 });
    expect(run.latenciesMs).toEqual(Array<number>(6).fill(3));
  });

  it('stops waiting drainMs after the last due time, counting what is still in flight as unanswered', async () => {
    const clock = new SimulatedClock();
    // 10/s for 0.5 s: due at 0…400; request 2 never answers in time (10 s).
    const s = server(clock, (i) => (i === 2 ? 10_000 : 1));
    const run = await openLoop({ rate: 10, seconds: 0.5, maxInFlight: 4, drainMs: 1000, clock, send: s.send });
    expect([run.scheduled, run.ok, run.unanswered]).toEqual([5, 4, 1]);
    expect(run.seconds).toBe((400 + 1000) / 1000);
    expect(run.latenciesMs).toEqual([1, 1, 1, 1]);
  });

  it('counts a send that rejects by its message', async () => {
    const clock = new SimulatedClock();
    const run = await openLoop({ rate: 10, seconds: 0.3, maxInFlight: 1, clock, send: (i) => (i === 1 ? Promise.reject(new Error('socket hang up')) : Promise.resolve('ok')) });
    expect([run.ok, run.notOk]).toEqual([2, { 'socket hang up': 1 }]);
  });

  it('refuses a cap that is not a whole number from 1', async () => {
    const clock = new SimulatedClock();
    await expect(openLoop({ rate: 10, seconds: 1, maxInFlight: 0, clock, send: async () => 'ok' })).rejects.toThrow(/cap must be a whole number of requests from 1, not 0/);
  });
});
