// Open-loop load for bench:limits' half-capacity phase (issue 18). Request i
// is due i ÷ rate seconds after the start, whatever the server is doing, and
// its latency is measured from when it was due, not from when it was sent.
// Why: a closed-loop client (autocannon, h2Load) sends its next request only
// once the last one is answered, so while a server stalls it sends nothing,
// and the requests that a real client would have sent meanwhile never show
// up in the tail ("coordinated omission": Gil Tene, "How NOT to Measure
// Latency", Strange Loop 2015; wrk2's README, github.com/giltene/wrk2).
// Concurrency is capped, since every request in flight holds a body in the
// server's byte budget: a request due while the cap is full waits for a slot,
// is counted as a late start (never hidden), and its latency still counts
// from when it was due. Both clients of the phase (http1-load.ts, h2-load.ts)
// run through this one pacer; the clock is injected so that tests can replay
// a schedule without waiting on the wall clock.

/** Milliseconds and sleeping, from performance.now() in a run, simulated in tests. */
export interface Clock {
  now(): number;
  /** Resolves at or after `at` (ms on now()'s scale); at once when aborted. */
  sleepUntil(at: number, signal?: AbortSignal): Promise<void>;
}

const realClock: Clock = {
  now: () => performance.now(),
  async sleepUntil(at, signal) {
    // setTimeout may fire a little early on a fractional delay: sleep again rather than start before the schedule.
    while (!signal?.aborted && performance.now() < at) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.max(1, Math.ceil(at - performance.now())));
        signal?.addEventListener('abort', done, { once: true });
        function done() {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          resolve();
        }
      });
    }
  },
};

/** When request i is due, in ms after the start, at `rate` requests per second. */
export function dueAt(i: number, rate: number): number {
  return (i * 1000) / rate;
}

/** How many requests fall due in [0, seconds) at `rate` per second: the i ≥ 0 with dueAt(i) < seconds × 1000. */
export function scheduledCount(rate: number, seconds: number): number {
  if (!(Number.isFinite(rate) && rate > 0)) throw new RangeError(`the open-loop rate must be a positive number of requests per second, not ${rate}`);
  if (!(Number.isFinite(seconds) && seconds > 0)) throw new RangeError(`the open-loop duration must be a positive number of seconds, not ${seconds}`);
  const end = seconds * 1000;
  // rate × seconds, then corrected for floating point at the boundary.
  let n = Math.ceil(rate * seconds);
  while (n > 0 && dueAt(n - 1, rate) >= end) n--;
  while (dueAt(n, rate) < end) n++;
  return n;
}

export interface OpenLoopOptions {
  /** Requests per second. */
  readonly rate: number;
  readonly seconds: number;
  /** Requests in flight at most. */
  readonly maxInFlight: number;
  /** Ms after the last request fell due to wait for answers; what is still in flight then is counted unanswered. */
  readonly drainMs?: number;
  readonly clock?: Clock;
  /** Sends request i; resolves to 'ok' or the name of what came back instead (a code), never rejects. */
  readonly send: (i: number) => Promise<string>;
}

export interface OpenLoopRun {
  readonly scheduled: number;
  readonly ok: number;
  /** Of each ok request, from when it was due to its answer, ms, ascending. */
  readonly latenciesMs: number[];
  /** Outcomes other than ok, by name. */
  readonly notOk: Record<string, number>;
  /** Requests that could not start when due because the cap was full (themselves, or one before them, waited for a slot). */
  readonly lateStarts: number;
  /** The client's own lag: the largest start − due of the requests not held by the cap (timers, a busy event loop), ms. */
  readonly maxStartLagMs: number;
  /** Still in flight drainMs after the last request fell due. */
  readonly unanswered: number;
  /** From the start to the last answer (or the drain limit), s. */
  readonly seconds: number;
}

export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopRun> {
  const { rate, seconds, maxInFlight, send, clock = realClock, drainMs = 60_000 } = options;
  const scheduled = scheduledCount(rate, seconds);
  if (!Number.isSafeInteger(maxInFlight) || maxInFlight < 1) throw new RangeError(`the open-loop cap must be a whole number of requests from 1, not ${maxInFlight}`);
  const latenciesMs: number[] = [];
  const notOk: Record<string, number> = {};
  let [ok, lateStarts, maxStartLagMs, inFlight, lastAnswer] = [0, 0, 0, 0, 0];
  let closed = false;
  let slot: (() => void) | undefined;
  let idle: (() => void) | undefined;
  // When the last wait for a slot ended: a request due before it was held up by the cap.
  let capWaitEnded = -Infinity;
  const t0 = clock.now();
  for (let i = 0; i < scheduled; i++) {
    const due = t0 + dueAt(i, rate);
    await clock.sleepUntil(due);
    if (inFlight >= maxInFlight) {
      await new Promise<void>((resolve) => (slot = resolve));
      capWaitEnded = clock.now();
    }
    const started = clock.now();
    if (due < capWaitEnded) lateStarts++;
    else maxStartLagMs = Math.max(maxStartLagMs, started - due);
    inFlight++;
    // A send that breaks its contract and rejects is counted by its message, not left an unhandled rejection.
    void send(i).then(undefined, (error: unknown) => (error instanceof Error ? error.message : String(error))).then((outcome) => {
      if (closed) return;
      lastAnswer = clock.now();
      if (outcome === 'ok') {
        ok++;
        latenciesMs.push(lastAnswer - due);
      } else notOk[outcome] = (notOk[outcome] ?? 0) + 1;
      inFlight--;
      slot?.();
      slot = undefined;
      if (inFlight === 0) idle?.();
    });
  }
  if (inFlight > 0) {
    const limit = new AbortController();
    const drained = new Promise<void>((resolve) => (idle = resolve)).then(() => limit.abort());
    await Promise.race([drained, clock.sleepUntil(t0 + dueAt(scheduled - 1, rate) + drainMs, limit.signal)]);
    limit.abort();
  }
  closed = true;
  const end = inFlight > 0 ? clock.now() : Math.max(lastAnswer, t0);
  return { scheduled, ok, latenciesMs: latenciesMs.sort((a, b) => a - b), notOk, lateStarts, maxStartLagMs, unanswered: inFlight, seconds: (end - t0) / 1000 };
}
