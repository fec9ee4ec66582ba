// CPU time of a whole process (all its threads: main, workers, V8's GC
// helpers, libuv), read from /proc/<pid>/stat, and the arithmetic that turns
// two readings into CPU milliseconds per request. Linux only.
// Source: proc(5): fields 14 utime and 15 stime, in clock ticks of USER_HZ,
// which the kernel fixes at 100 per second for /proc (sysconf(_SC_CLK_TCK)).
import { readFileSync } from 'node:fs';

/** Milliseconds per clock tick in /proc/<pid>/stat (USER_HZ = 100). */
export const MS_PER_TICK = 10;

export interface CpuReading {
  /** utime + stime of the process, all threads, in ms. */
  readonly ms: number;
  /** When it was read (performance.now(), ms). */
  readonly at: number;
}

/**
 * utime + stime in ticks from the text of /proc/<pid>/stat. The command name
 * (field 2) is in parentheses and may itself hold spaces or ')', so fields are
 * counted from the last ')'.
 */
export function statCpuTicks(text: string): number {
  const close = text.lastIndexOf(')');
  if (close < 0) throw new Error(`not a /proc/<pid>/stat line (no ')'): ${text.slice(0, 80)}`);
  // After ') ' come fields 3 (state), 4, …: utime is field 14, stime field 15.
  const fields = text.slice(close + 2).trim().split(/\s+/);
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  if (!Number.isInteger(utime) || !Number.isInteger(stime) || utime < 0 || stime < 0) {
    throw new Error(`/proc/<pid>/stat: utime ${fields[11]} and stime ${fields[12]} are not tick counts`);
  }
  return utime + stime;
}

/** The process's CPU time now; `self` reads this process. */
export function readProcessCpu(pid: number | 'self'): CpuReading {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (error) {
    throw new Error(`cannot read /proc/${pid}/stat (Linux only, process still running?): ${(error as Error).message}`);
  }
  return { ms: statCpuTicks(text) * MS_PER_TICK, at: performance.now() };
}

export interface CpuUse {
  /** CPU ms the process used per request answered. */
  readonly msPerRequest: number;
  /** Its average number of busy cores over the window (1 = one core all the time). */
  readonly cores: number;
}

/**
 * CPU per request between two readings. Ticks are 10 ms, so a window should
 * hold many of them: below 100 ticks (1 s of CPU) the figure is ±1 % or worse.
 */
export function cpuPerRequest(before: CpuReading, after: CpuReading, requests: number): CpuUse {
  const cpu = after.ms - before.ms;
  const wall = after.at - before.at;
  if (cpu < 0) throw new Error(`CPU time went backwards (${before.ms} → ${after.ms} ms): two different processes?`);
  if (!(wall > 0)) throw new Error(`the window is empty (${wall} ms of wall time)`);
  return { msPerRequest: requests > 0 ? cpu / requests : NaN, cores: cpu / wall };
}

/** How often settledCpu reads /proc (ms): ten ticks, so an idle process shows no growth between two readings. */
export const SETTLE_POLL_MS = 100;

/**
 * The process's CPU once it has stopped working on the load: read every
 * SETTLE_POLL_MS until a reading shows no growth, for at most `boundMs`. A
 * load's client stops at its deadline while the server may still be scoring
 * requests it had taken; their CPU belongs to this window, not the next
 * row's. The reading returned carries the time its CPU value was first seen,
 * so the idle poll that confirmed it does not dilute the cores. Throws when
 * the process is still busy after `boundMs`.
 */
export async function settledCpu(pid: number, boundMs = 10_000, read: (pid: number) => CpuReading = readProcessCpu): Promise<CpuReading> {
  let last = read(pid);
  const until = last.at + boundMs;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
    const now = read(pid);
    if (now.ms === last.ms) return last;
    if (now.at >= until) throw new Error(`process ${pid} was still using CPU ${boundMs} ms after its load ended (${now.ms - last.ms} ms in the last ${SETTLE_POLL_MS} ms)`);
    last = now;
  }
}
