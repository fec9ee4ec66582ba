// bench:limits' CPU by thread kind (bench/limits/threads.ts), on /proc text
// recorded from a real gateway (fixtures/gateway-threads.json: its stat lines
// and each thread's SigBlk from /proc/<pid>/task/<tid>/status, before and
// after 6 ScoreBatch requests), and on lines built here for threads that come
// and go. The creation-order rule is checked against the signal masks, a
// property the rule does not read.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MS_PER_TICK } from '../../bench/limits/proc-cpu.js';
import { classifyThreads, cpuByKind, nodeLayout, parseTaskStat, snapshotOf, THREAD_KINDS, type ThreadKind } from '../../bench/limits/threads.js';

interface Recorded {
  readonly process: string;
  readonly tasks: string[];
  readonly sigblk: Record<string, string>;
}
const recording = JSON.parse(readFileSync(new URL('./fixtures/gateway-threads.json', import.meta.url), 'utf8')) as { pid: number; before: Recorded; after: Recorded };
const { pid } = recording;
const layout = nodeLayout({});

/** A stat line with the given fields (14 utime, 15 stime, 22 starttime), the others arbitrary. */
function statLine(tid: number, comm: string, utime: number, stime: number, start: number): string {
  const fields = ['S', ...Array.from({ length: 10 }, (_, i) => String(100 + i)), String(utime), String(stime), '0', '0', '20', '0', '13', '0', String(start), ...Array.from({ length: 30 }, () => '0')];
  return `${tid} (${comm}) ${fields.join(' ')}\n`;
}

/** utime + stime of a stat line, read here with a regex of its own. */
const ticksOf = (line: string) => {
  const m = /\) \S+(?: -?\d+){10} (\d+) (\d+)/.exec(line)!;
  return Number(m[1]) + Number(m[2]);
};
const tidOf = (line: string) => Number(line.split(' ')[0]);

/** Each recorded thread's kind from its signal mask and start (see the rule in threads.ts): an independent classification. */
function kindsBySignals(r: Recorded): Map<number, ThreadKind> {
  const kinds = new Map<number, ThreadKind>();
  const unblocked: { tid: number; start: number }[] = [];
  for (const line of r.tasks) {
    const tid = tidOf(line);
    const mask = BigInt(`0x${r.sigblk[String(tid)]}`);
    if (tid === pid) kinds.set(tid, 'main');
    else if (mask === 1n << 9n) kinds.set(tid, 'v8'); // SIGUSR1 (10) blocked alone: started while Node held it blocked
    else if (mask !== 0n) kinds.set(tid, 'other'); // every signal blocked: the inspector's watchdog
    else unblocked.push({ tid, start: parseTaskStat(line).startTicks });
  }
  // The unblocked ones: libuv's pool at startup, the scoring workers started later.
  const last = Math.max(...unblocked.map((u) => u.start));
  for (const u of unblocked) kinds.set(u.tid, u.start === last ? 'workers' : 'libuv');
  return kinds;
}

describe('parseTaskStat', () => {
  it('reads tid, comm, start and CPU ticks, counting fields from the last parenthesis', () => {
    for (const comm of ['node', 'a b) c (d', 'v8:ProfEvntProc']) {
      expect(parseTaskStat(statLine(4243, comm, 70, 5, 123_456))).toEqual({ tid: 4243, comm, startTicks: 123_456, cpuTicks: 75 });
    }
  });

  it('reads the recorded lines as the regex here does', () => {
    for (const line of recording.after.tasks) expect(parseTaskStat(line).cpuTicks).toBe(ticksOf(line));
  });

  it('says what is wrong with a line that is not a stat line', () => {
    expect(() => parseTaskStat('no parenthesis')).toThrow(/not a \/proc stat line/);
    expect(() => parseTaskStat('12 (node) S 1 2 3')).toThrow(/utime is not a count/);
  });
});

describe('classifyThreads on a recorded gateway', () => {
  it('agrees with the signal masks: main, the platform (1 + 4), the watchdog, libuv (4), the 2 workers', () => {
    const threads = recording.after.tasks.map(parseTaskStat);
    const byRule = classifyThreads(pid, threads, layout);
    const bySignals = kindsBySignals(recording.after);
    expect(byRule).toEqual(bySignals);
    const count = (k: ThreadKind) => [...byRule.values()].filter((v) => v === k).length;
    expect([count('main'), count('v8'), count('other'), count('libuv'), count('workers')]).toEqual([1, 5, 1, 4, 2]);
  });

  it('orders by start time, then by tid counted upward from the pid (a tid that wrapped below it comes later)', () => {
    // Main is 4000; 3999 wrapped around pid_max, so it was created after 4001 in the same tick.
    const threads = [statLine(4000, 'node', 1, 0, 10), statLine(3999, 'node', 0, 0, 10), statLine(4001, 'node', 0, 0, 10)].map(parseTaskStat);
    const kinds = classifyThreads(4000, threads, { v8: 1, inspector: 0, libuv: 0 });
    expect(kinds.get(4001)).toBe('v8');
    expect(kinds.get(3999)).toBe('workers');
  });

  it('counts a thread named by something else as other, without taking a place in the order', () => {
    const threads = [statLine(50, 'node', 1, 0, 10), statLine(51, 'v8:ProfEvntProc', 0, 0, 10), statLine(52, 'node', 0, 0, 10), statLine(53, 'node', 0, 0, 11)].map(parseTaskStat);
    const kinds = classifyThreads(50, threads, { v8: 1, inspector: 0, libuv: 0 });
    expect([kinds.get(51), kinds.get(52), kinds.get(53)]).toEqual(['other', 'v8', 'workers']);
  });
});

describe('cpuByKind', () => {
  const before = snapshotOf(recording.before);
  const after = snapshotOf(recording.after);

  it('sums each kind over its threads, and the kinds add up to the process within one tick per thread', () => {
    const use = cpuByKind(before, after, layout);
    const kinds = kindsBySignals(recording.after);
    const start = new Map(recording.before.tasks.map((l) => [tidOf(l), ticksOf(l)]));
    const expected = Object.fromEntries(THREAD_KINDS.map((k) => [k, 0])) as Record<ThreadKind, number>;
    for (const line of recording.after.tasks) expected[kinds.get(tidOf(line))!] += (ticksOf(line) - start.get(tidOf(line))!) * MS_PER_TICK;
    expect(use.ms).toEqual(expected);
    expect(use.processMs).toBe((ticksOf(recording.after.process) - ticksOf(recording.before.process)) * MS_PER_TICK);
    const sum = THREAD_KINDS.reduce((s, k) => s + use.ms[k], 0);
    expect(Math.abs(sum - use.processMs)).toBeLessThanOrEqual(use.threads * MS_PER_TICK);
    expect([use.threads, use.workers, use.gone]).toEqual([recording.after.tasks.length, 2, 0]);
    // The recording is of real work: the main thread, the platform and a worker all used CPU.
    expect(use.ms.main).toBeGreaterThan(0);
    expect(use.ms.v8).toBeGreaterThan(0);
    expect(use.ms.workers).toBeGreaterThan(0);
  });

  it('leaves out a thread that exited, without shifting the others, and counts a new thread from 0', () => {
    const b = { pid: 7, processTicks: 100, threads: [statLine(7, 'node', 50, 0, 1), statLine(8, 'node', 10, 0, 1), statLine(9, 'node', 20, 0, 5), statLine(10, 'node', 5, 0, 5)].map(parseTaskStat) };
    // 8 (the platform) exited; 11 is new: a replaced worker, started in the window.
    const a = { pid: 7, processTicks: 190, threads: [statLine(7, 'node', 70, 0, 1), statLine(9, 'node', 50, 0, 5), statLine(10, 'node', 5, 0, 5), statLine(11, 'node', 12, 0, 9)].map(parseTaskStat) };
    const use = cpuByKind(b, a, { v8: 1, inspector: 0, libuv: 0 });
    expect(use.ms).toEqual({ main: 200, workers: (30 + 0 + 12) * MS_PER_TICK, v8: 0, libuv: 0, other: 0 });
    expect([use.threads, use.workers, use.gone]).toEqual([4, 3, 1]);
    expect(use.processMs).toBe(900);
  });

  it('counts a reused tid (another start time) as a new thread, and refuses snapshots of two processes', () => {
    const b = { pid: 7, processTicks: 10, threads: [statLine(7, 'node', 5, 0, 1), statLine(8, 'node', 40, 0, 1)].map(parseTaskStat) };
    const a = { pid: 7, processTicks: 60, threads: [statLine(7, 'node', 5, 0, 1), statLine(8, 'node', 3, 0, 4)].map(parseTaskStat) };
    expect(cpuByKind(b, a, { v8: 0, inspector: 0, libuv: 0 }).ms.workers).toBe(3 * MS_PER_TICK);
    expect(() => cpuByKind(b, { ...a, pid: 9 }, layout)).toThrow(/different processes/);
    expect(() => cpuByKind(a, b, layout)).toThrow(/went backwards/);
  });
});

describe('nodeLayout', () => {
  it("reads UV_THREADPOOL_SIZE and NODE_OPTIONS' --v8-pool-size, with Node's defaults", () => {
    expect(nodeLayout({})).toEqual({ v8: 5, inspector: 1, libuv: 4 });
    expect(nodeLayout({ UV_THREADPOOL_SIZE: '8', NODE_OPTIONS: '--max-old-space-size=512 --v8-pool-size=2' })).toEqual({ v8: 3, inspector: 1, libuv: 8 });
    expect(nodeLayout({ UV_THREADPOOL_SIZE: 'many' }).libuv).toBe(4);
  });
});
