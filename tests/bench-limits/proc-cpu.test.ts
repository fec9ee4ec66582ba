// bench:limits' CPU-per-request arithmetic: /proc/<pid>/stat parsing (the
// command name may hold spaces and parentheses) and the per-request division,
// checked against values built here and against Node's own process.cpuUsage().
// settledCpu (waiting for a server to finish its load) against played-back readings.
import { describe, expect, it } from 'vitest';
import { cpuPerRequest, MS_PER_TICK, readProcessCpu, SETTLE_POLL_MS, settledCpu, statCpuTicks } from '../../bench/limits/proc-cpu.js';

/** A /proc/<pid>/stat line with the given command name, utime and stime (fields 14 and 15), other fields arbitrary. */
function statLine(comm: string, utime: number, stime: number): string {
  const fields = ['S', ...Array.from({ length: 10 }, (_, i) => String(100 + i)), String(utime), String(stime), ...Array.from({ length: 37 }, (_, i) => String(7 + i))];
  return `4242 (${comm}) ${fields.join(' ')}\n`;
}

describe('statCpuTicks', () => {
  it('adds utime and stime, counting fields from the last parenthesis', () => {
    for (const comm of ['node', 'a b) c (d', ') )']) {
      const utime = 1000 + comm.length;
      const stime = 37;
      expect(statCpuTicks(statLine(comm, utime, stime))).toBe(utime + stime);
    }
  });

  it('says what is wrong with a line that is not a stat line', () => {
    expect(() => statCpuTicks('no parenthesis here')).toThrow(/not a \/proc\/<pid>\/stat line/);
    expect(() => statCpuTicks('1 (x) S 1 2')).toThrow(/not tick counts/);
  });
});

describe('cpuPerRequest', () => {
  it('divides the CPU between two readings by the requests, and by the wall time for cores', () => {
    const before = { ms: 12_340, at: 5_000 };
    const after = { ms: 12_340 + 3 * 450, at: 5_000 + 2_000 };
    const use = cpuPerRequest(before, after, 90);
    expect(use.msPerRequest).toBeCloseTo(1350 / 90, 12);
    expect(use.cores).toBeCloseTo(1350 / 2000, 12);
  });

  it('gives NaN per request when nothing was answered, and refuses readings that go backwards or an empty window', () => {
    expect(cpuPerRequest({ ms: 10, at: 0 }, { ms: 20, at: 1 }, 0).msPerRequest).toBeNaN();
    expect(() => cpuPerRequest({ ms: 20, at: 0 }, { ms: 10, at: 1 }, 1)).toThrow(/went backwards/);
    expect(() => cpuPerRequest({ ms: 10, at: 5 }, { ms: 10, at: 5 }, 1)).toThrow(/window is empty/);
  });
});

describe.runIf(process.platform === 'linux')('readProcessCpu', () => {
  it('agrees with process.cpuUsage() over a stretch of busy work, to a few ticks', () => {
    const node0 = process.cpuUsage();
    const proc0 = readProcessCpu('self');
    let x = 0;
    // About 0.3 s of CPU: 30 ticks, so the 10 ms granularity is a few per cent.
    const until = proc0.at + 300;
    while (performance.now() < until) x += Math.sqrt(x + 1);
    const proc1 = readProcessCpu('self');
    const node = process.cpuUsage(node0);
    expect(x).toBeGreaterThan(0);
    const nodeMs = (node.user + node.system) / 1000;
    // /proc counts every thread of the process (vitest's too), cpuUsage() as well: both whole-process figures.
    expect(Math.abs(proc1.ms - proc0.ms - nodeMs)).toBeLessThanOrEqual(4 * MS_PER_TICK);
  });

  it('names the process it cannot read', () => {
    expect(() => readProcessCpu(2 ** 30)).toThrow(/cannot read \/proc\/1073741824\/stat/);
  });
});

describe('settledCpu', () => {
  /** A reader that plays back the given CPU ms, one per read, 100 ms apart. */
  const playback = (values: number[]) => {
    let i = 0;
    return () => {
      const at = i * SETTLE_POLL_MS;
      return { ms: values[Math.min(i++, values.length - 1)]!, at };
    };
  };

  it('returns the first reading of the final CPU value once a poll shows no growth', async () => {
    const reading = await settledCpu(1, 10_000, playback([100, 150, 170, 170, 170]));
    expect(reading).toEqual({ ms: 170, at: 2 * SETTLE_POLL_MS });
  });

  it('names the process still busy when the bound runs out', async () => {
    await expect(settledCpu(77, 3 * SETTLE_POLL_MS, playback([10, 20, 30, 40, 50, 60]))).rejects.toThrow(/process 77 was still using CPU 300 ms after/);
  });
});
