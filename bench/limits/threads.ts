// CPU of a process by thread kind: the main thread, the scoring workers,
// V8's helper threads (the Node platform's pool: parallel and concurrent GC,
// background compilation), libuv's threadpool, and the rest. Read from
// /proc/<pid>/task/<tid>/stat before and after a load. Linux only.
//
// How the kinds are told apart. Node 20.20 names none of its threads: every
// thread's comm is the process's own ("node"; checked on a live
// `node dist/gateway/main.js --port 0`, `cat /proc/PID/task/*/comm`, 2026-12-05).
// So the rule is the order in which Node creates them, which is fixed:
//   1. the main thread (tid == pid);
//   2. the Node platform, started before any JS runs (src/node_platform.cc,
//      WorkerThreadsTaskRunner): its delayed-task thread, then --v8-pool-size
//      worker threads (default 4). V8 runs its GC helper tasks and background
//      compiles on them;
//   3. the inspector's SIGUSR1 watchdog thread (src/inspector_agent.cc,
//      StartDebugSignalHandler);
//   4. libuv's threadpool, UV_THREADPOOL_SIZE threads (default 4), started at
//      the first async fs call, which loading the ESM entry module makes
//      before the gateway's own code runs;
//   5. everything created later: worker_threads, which in the gateway are
//      only the scoring pool's (a replaced worker is created later still).
// Checked against a property independent of the order: the platform's
// threads block SIGUSR1 (SigBlk 0x200 in /proc/<pid>/task/<tid>/status, since
// Node blocks it on the main thread while it starts the platform), the
// watchdog blocks every signal, the pool and the workers none (the unit test
// holds a recording). A thread whose comm is not the main thread's was named
// by something else (V8's profiler under --cpu-prof names its thread
// "v8:ProfEvntProc"): it counts as other and takes no place in the order.
import { readdirSync, readFileSync } from 'node:fs';
import { MS_PER_TICK } from './proc-cpu.js';

export interface TaskStat {
  readonly tid: number;
  readonly comm: string;
  /** Field 22, starttime: clock ticks after boot when the thread started. */
  readonly startTicks: number;
  /** Fields 14 + 15, utime + stime, in ticks. */
  readonly cpuTicks: number;
}

/** One line of /proc/<pid>/task/<tid>/stat (or /proc/<pid>/stat). Fields are counted from the last ')', since comm may hold spaces and ')'. */
export function parseTaskStat(text: string): TaskStat {
  const open = text.indexOf(' (');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`not a /proc stat line (no "(comm)"): ${text.slice(0, 80)}`);
  const fields = text.slice(close + 2).trim().split(/\s+/);
  // fields[0] is field 3 (state): field n is fields[n - 3].
  const [tid, utime, stime, start] = [Number(text.slice(0, open)), Number(fields[11]), Number(fields[12]), Number(fields[19])];
  for (const [name, value] of [['tid', tid], ['utime', utime], ['stime', stime], ['starttime', start]] as const) {
    if (!Number.isInteger(value) || value < 0) throw new Error(`/proc stat line: ${name} is not a count: ${text.slice(0, 80)}`);
  }
  return { tid, comm: text.slice(open + 2, close), startTicks: start, cpuTicks: utime + stime };
}

export interface ThreadsSnapshot {
  readonly pid: number;
  /** utime + stime of the whole process (/proc/<pid>/stat), in ticks: the threads alive now plus every thread that has exited. */
  readonly processTicks: number;
  readonly threads: readonly TaskStat[];
}

/** The stat texts of a process and of each of its threads, as read from /proc (kept as text so that tests can replay recordings). */
export interface StatTexts {
  readonly process: string;
  readonly tasks: readonly string[];
}

export function readStatTexts(pid: number): StatTexts {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch (error) {
    throw new Error(`cannot list /proc/${pid}/task (Linux only, process still running?): ${(error as Error).message}`);
  }
  const tasks: string[] = [];
  for (const tid of tids) {
    try {
      tasks.push(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
    } catch {
      // The thread exited between the listing and the read: it is not alive in this snapshot.
    }
  }
  return { process: readFileSync(`/proc/${pid}/stat`, 'utf8'), tasks };
}

export function snapshotOf(texts: StatTexts): ThreadsSnapshot {
  const process = parseTaskStat(texts.process);
  return { pid: process.tid, processTicks: process.cpuTicks, threads: texts.tasks.map(parseTaskStat) };
}

export const THREAD_KINDS = ['main', 'workers', 'v8', 'libuv', 'other'] as const;
export type ThreadKind = (typeof THREAD_KINDS)[number];

/** How many threads of each startup kind Node creates (see the rule at the top). */
export interface ThreadLayout {
  /** The platform's delayed-task thread plus --v8-pool-size workers: 1 + 4 by default. */
  readonly v8: number;
  /** The inspector's watchdog: 1 in official builds. */
  readonly inspector: number;
  /** UV_THREADPOOL_SIZE, 4 by default. */
  readonly libuv: number;
}

/** The layout of a node child started with `env` and no --v8-pool-size (libuv reads UV_THREADPOOL_SIZE, clamped to 1…1024, default 4). */
export function nodeLayout(env: NodeJS.ProcessEnv = process.env): ThreadLayout {
  const uv = Number(env['UV_THREADPOOL_SIZE']);
  const pool = /--v8-pool-size[= ](\d+)/.exec(env['NODE_OPTIONS'] ?? '');
  return { v8: 1 + (pool ? Number(pool[1]) : 4), inspector: 1, libuv: Number.isInteger(uv) && uv > 0 ? Math.min(uv, 1024) : 4 };
}

/** Linux's pid_max is at most 2^22: tids are allocated upward from the pid and wrap below it. */
const PID_SPACE = 2 ** 22;

/** The kind of every thread in `threads`, by the creation-order rule at the top of this file. */
export function classifyThreads(pid: number, threads: readonly TaskStat[], layout: ThreadLayout): Map<number, ThreadKind> {
  const kinds = new Map<number, ThreadKind>();
  const mainComm = threads.find((t) => t.tid === pid)?.comm;
  const ordered = threads
    .filter((t) => t.tid !== pid)
    .sort((a, b) => a.startTicks - b.startTicks || ((a.tid - pid + PID_SPACE) % PID_SPACE) - ((b.tid - pid + PID_SPACE) % PID_SPACE));
  const plan: ThreadKind[] = [...Array<ThreadKind>(layout.v8).fill('v8'), ...Array<ThreadKind>(layout.inspector).fill('other'), ...Array<ThreadKind>(layout.libuv).fill('libuv')];
  let place = 0;
  for (const t of ordered) {
    if (mainComm !== undefined && t.comm !== mainComm) kinds.set(t.tid, 'other');
    else kinds.set(t.tid, plan[place++] ?? 'workers');
  }
  kinds.set(pid, 'main');
  return kinds;
}

export interface CpuByKind {
  /** CPU ms over the window by kind, summed over the threads alive at its end. */
  readonly ms: Record<ThreadKind, number>;
  /** The whole process's CPU ms over the window (/proc/<pid>/stat). */
  readonly processMs: number;
  /** Threads alive at the end, and how many of them were scoring workers. */
  readonly threads: number;
  readonly workers: number;
  /** Threads alive at the start that had exited by the end. */
  readonly gone: number;
}

/**
 * CPU by thread kind between two snapshots of one process. Threads may come
 * and go: a thread alive only at the end counts from 0 (it started in the
 * window); a thread that has exited by the end is left out, with its
 * start reading, since its last reading is lost (the kernel adds it to the
 * process's figure, so then the kinds fall short of processMs by the CPU it
 * used in the window). Otherwise the kinds add up to processMs within about
 * one tick per thread: the kernel rounds each thread's utime/stime split
 * separately from the process's.
 */
export function cpuByKind(before: ThreadsSnapshot, after: ThreadsSnapshot, layout: ThreadLayout): CpuByKind {
  if (before.pid !== after.pid) throw new Error(`two snapshots of different processes (${before.pid}, ${after.pid})`);
  const start = new Map(before.threads.map((t) => [t.tid, t]));
  // Classified over both snapshots, so that a thread that exited does not shift the order of the others.
  const union = [...before.threads.filter((t) => !after.threads.some((a) => a.tid === t.tid)), ...after.threads];
  const kinds = classifyThreads(after.pid, union, layout);
  const ms = Object.fromEntries(THREAD_KINDS.map((k) => [k, 0])) as Record<ThreadKind, number>;
  for (const t of after.threads) {
    const from = start.get(t.tid);
    // A tid reused by a new thread (another start time) is a new thread.
    const base = from !== undefined && from.startTicks === t.startTicks ? from.cpuTicks : 0;
    ms[kinds.get(t.tid)!] += (t.cpuTicks - base) * MS_PER_TICK;
  }
  const processMs = (after.processTicks - before.processTicks) * MS_PER_TICK;
  if (processMs < 0) throw new Error(`process CPU went backwards (${before.processTicks} → ${after.processTicks} ticks)`);
  const workers = after.threads.filter((t) => kinds.get(t.tid) === 'workers').length;
  return { ms, processMs, threads: after.threads.length, workers, gone: union.length - after.threads.length };
}
